import Foundation
import SteepleAWS
import SteepleEngine
import SteepleTestSupport
import Testing

/// `aws sts get-caller-identity` per profile, before anything is observed or changed.
@Suite struct PreflightTests {
  @Test func aProfileThatReachesAnotherAccountIsRefusedBeforeAnythingIsObserved() async throws {
    let recorder = try Recorder(accounts: ["shared": "111111111111", "frontend": "999999999999"])
    let state = try TemporaryDirectory.make("steeple-aws-state-").path
    let engine = try Engine(provider: recorder.provider(), stateDirectory: state)
    let report = try await engine.apply(DriveFixture.orderedResources, options: ApplyOptions(parallelism: 1))
    #expect(!report.succeeded)
    let errors = report.failed.compactMap { outcome -> ProviderError? in
      if case .failed(let error) = outcome.status { error } else { nil }
    }
    #expect(errors.first?.code == "ProfileMismatch")
    #expect(
      errors.first?.message == "the profile 'frontend' reaches account 999999999999 (arn:aws:iam::999999999999:user/frontend), "
        + "but the script declares account frontend with id 222222222222; point the profile 'frontend' at account "
        + "222222222222 in your AWS config, or fix the account's id or profile in the script; nothing was changed")
    let calls = try recorder.takeCalls()
    #expect(!calls.contains("cloudformation"), "nothing after the preflight:\n\(calls)")
    #expect(calls.contains("aws sts get-caller-identity --output json --profile frontend --region us-east-2"))
  }

  @Test func theRunbookStopsOnAMismatchWithTheSameAdvice() throws {
    let runbook = try Runbook.apply(DriveFixture.rendering, resources: DriveFixture.resources)
    let script = RunbookScript.text(runbook, renderedFolder: "/tmp/r", heading: [])
    #expect(
      script.contains(
        """
        if [ "$(aws sts get-caller-identity --query Account --output text --profile frontend --region us-east-2)" != 222222222222 ]; then
          echo 'steeple: the profile '\\''frontend'\\'' is not account frontend (222222222222): point the profile '\\''frontend'\\'' at \
        account 222222222222 in your AWS config, or fix the account'\\''s id or profile in the script; nothing was changed' >&2
          exit 1
        fi
        """))
  }
}
