import Foundation
import SteepleAWS
import SteepleEngine
import SteepleModel
import Testing

/// `verify mtls`, `denied`, `all` and `reachable` through the aws provider, with the recording
/// stand-ins for `aws` and `kubectl` answering as Envoy's admin endpoint, curl and the Reachability
/// Analyzer would: the exact commands in order, and each outcome's text.
@Suite struct MeshCheckTests {
  static let ui = "example.org/ui"
  static let app = "example.org/app"
  static let db = "example.org/db"
  static let uiID = "spiffe://example.org/ns/yelb/sa/yelb-ui"
  static let appID = "spiffe://example.org/ns/yelb/sa/yelb-appserver"
  static let dbID = "spiffe://example.org/ns/yelb/sa/yelb-db"

  static func service(_ name: String, workload: String, identity: String, port: Int, calls: [String], allow: [String]) -> Resource {
    DriveFixture.resource(
      "mesh.service", name, account: "frontend", cluster: "frontend",
      [
        ("service", .string(String(name.split(separator: "/").last!))), ("trust_domain", .string("example.org")),
        ("identity", .string(identity)), ("tls", .string("strict")), ("port", .int(port)), ("cluster", .string("frontend")),
        ("namespace", .string("yelb")), ("workload", .string(workload)), ("proxy", .string("envoy")),
        ("calls", .list(calls.map(ModelValue.string))), ("allow", .list(allow.map(ModelValue.string))),
      ])
  }

  static func pod(_ name: String) -> Resource {
    DriveFixture.resource(
      "k8s.pod", "frontend/yelb/\(name)", account: "frontend", cluster: "frontend",
      [("cluster", .string("frontend")), ("namespace", .string("yelb")), ("containers", .list([.string(name), .string("envoy")]))])
  }

  /// ui calls app (which admits it) and db (which admits only app); app calls nothing.
  static var resources: [Resource] {
    DriveFixture.resources + [
      service(ui, workload: "yelb-ui", identity: uiID, port: 80, calls: [app, db], allow: []),
      service(app, workload: "yelb-appserver", identity: appID, port: 4567, calls: [], allow: [uiID]),
      service(db, workload: "yelb-db", identity: dbID, port: 5432, calls: [], allow: [appID]),
      pod("yelb-ui"), pod("yelb-appserver"), pod("yelb-db"),
      DriveFixture.resource(
        "ec2.vpc", "shared", account: "shared", [("account", .string("shared")), ("cidr", .string("10.2.0.0/16"))]),
    ]
  }

  static let listener = "listener.0.0.0.0_15001"

  /// ui -> app answered over mTLS; ui -> db refused by db's listener.
  static let meshAnswers = """
    {"requests": {
      "yelb-ui:4567": {"status": "200", "moves": {
        "yelb-appserver": {"\(listener).ssl.handshake": 1},
        "yelb-ui": {"cluster.upstream_app.ssl.handshake": 1, "cluster.upstream_app.upstream_cx_total": 1}}},
      "yelb-ui:5432": {"status": "000", "exit": 56, "moves": {
        "yelb-db": {"\(listener).ssl.fail_verify_san": 1, "\(listener).ssl.connection_error": 1},
        "yelb-ui": {"cluster.upstream_db.ssl.connection_error": 1, "cluster.upstream_db.upstream_cx_total": 1}}}}}
    """

  func check(_ kind: String, _ arguments: [String], mesh: String = MeshCheckTests.meshAnswers, fields: [ModelField] = [])
    async throws -> (CheckOutcome, String)
  {
    let recorder = try Recorder(mesh: mesh)
    let provider = recorder.provider(resources: Self.resources, resourceTypes: Set(Self.resources.map(\.address.type)))
    let outcome = try await provider.check(Check(kind: kind, arguments: arguments.map(ModelValue.string), fields: fields))
    return (outcome, try recorder.takeCalls())
  }

  // MARK: - mtls

  @Test func mtlsReadsBothEndsCountersAroundOneRequest() async throws {
    let (outcome, calls) = try await check("mtls", [Self.ui, Self.app])
    #expect(
      outcome
        == .passed(
          detail: "example.org/ui (\(Self.uiID)) -> example.org/app (\(Self.appID)): answered 200\n"
            + "counters moved: cluster.upstream_app.ssl.handshake +1, cluster.upstream_app.upstream_cx_total +1, "
            + "listener.0.0.0.0_15001.ssl.handshake +1"))
    #expect(calls == (try DriveFixture.golden("verify-mtls.log", updatingTo: calls)), "calls:\n\(calls)")
  }

  @Test func mtlsRefusedByTheCalleeSaysItDoesNotAdmitTheCaller() async throws {
    let (outcome, _) = try await check("mtls", [Self.ui, Self.db])
    #expect(
      outcome
        == .failed(
          reason: "first cause: example.org/db's listener refused example.org/ui's certificate (ssl.fail_verify_san): it does not admit "
            + "\(Self.uiID) (it admits \(Self.appID))\n"
            + "counters moved: cluster.upstream_db.ssl.connection_error +1, cluster.upstream_db.upstream_cx_total +1, "
            + "listener.0.0.0.0_15001.ssl.connection_error +1, listener.0.0.0.0_15001.ssl.fail_verify_san +1"))
  }

  @Test func mtlsStopsAtAPodThatIsNotRunning() async throws {
    let (outcome, calls) = try await check("mtls", [Self.ui, Self.app], mesh: #"{"ready": {"yelb-appserver": ""}}"#)
    #expect(
      outcome
        == .failed(
          reason: "first cause: example.org/app's pod is not running: deployment/yelb-appserver in yelb on frontend has no ready replica "
            + "(kubectl get pods -n yelb shows why)"))
    #expect(!calls.contains("curl"), "no request is sent:\n\(calls)")
  }

  @Test func mtlsStopsAtAPodWithoutItsEnvoy() async throws {
    let (outcome, _) = try await check("mtls", [Self.ui, Self.app], mesh: #"{"noProxy": ["yelb-appserver"]}"#)
    #expect(
      outcome
        == .failed(
          reason: "first cause: example.org/app's pod has no envoy container (error: unable to upgrade connection: container not found "
            + "(\"envoy\")); apply the workloads' manifest again"))
  }

  @Test func mtlsThatCannotConnectPointsAtTheNetwork() async throws {
    let mesh = #"""
      {"requests": {"yelb-ui:4567": {"status": "000", "exit": 56, "moves": {"yelb-ui": {"cluster.upstream_app.upstream_cx_connect_fail": 1}}}}}
      """#
    let (outcome, _) = try await check("mtls", [Self.ui, Self.app], mesh: mesh)
    #expect(
      outcome
        == .failed(
          reason: "first cause: example.org/ui's Envoy could not connect to example.org/app (upstream_cx_connect_fail): the network between "
            + "their pods (verify reachable), example.org/app's Service or its address\n"
            + "counters moved: cluster.upstream_app.upstream_cx_connect_fail +1"))
  }

  @Test func mtlsWhereNothingMovedSaysTheRequestNeverReachedTheUpstream() async throws {
    let (outcome, _) = try await check("mtls", [Self.ui, Self.app], mesh: "{}")
    #expect(
      outcome
        == .failed(
          reason: "first cause: the request did not reach example.org/ui's upstream for example.org/app (no counter moved): "
            + "curl exited 7: command terminated with exit code 7\ncounters moved: none"))
  }

  @Test func mtlsOfAPairThatDoesNotCallAndOfAnUnknownName() async throws {
    let (notCalled, _) = try await check("mtls", [Self.app, Self.ui])
    #expect(
      notCalled
        == .failed(reason: "example.org/app does not call example.org/ui: its Envoy has no upstream for it; add example.org/ui to its calls"))
    let (unknown, calls) = try await check("mtls", [Self.ui, "example.org/ap"])
    #expect(unknown == .failed(reason: "no mesh service named example.org/ap in the script (with a workload and a proxy); did you mean 'example.org/app'?"))
    #expect(calls.isEmpty)
  }

  // MARK: - denied

  @Test func deniedPassesOnlyOnTheCalleesSANRefusal() async throws {
    let (outcome, calls) = try await check("denied", [Self.ui, Self.db])
    #expect(
      outcome
        == .passed(
          detail: "example.org/db refused example.org/ui (\(Self.uiID)): its ID is not admitted\n"
            + "counters moved: cluster.upstream_db.ssl.connection_error +1, cluster.upstream_db.upstream_cx_total +1, "
            + "listener.0.0.0.0_15001.ssl.connection_error +1, listener.0.0.0.0_15001.ssl.fail_verify_san +1"))
    #expect(calls == (try DriveFixture.golden("verify-denied.log", updatingTo: calls)), "calls:\n\(calls)")
  }

  @Test func deniedFailsWhenTheRequestGoesThrough() async throws {
    let (outcome, _) = try await check("denied", [Self.ui, Self.app])
    #expect(
      outcome
        == .failed(
          reason: "example.org/ui -> example.org/app went through (200): example.org/app admits \(Self.uiID) (counters moved: "
            + "cluster.upstream_app.ssl.handshake +1, cluster.upstream_app.upstream_cx_total +1, listener.0.0.0.0_15001.ssl.handshake +1)"))
  }

  @Test func deniedFailsWhenTheCallerRefusesTheCallee() async throws {
    let mesh = #"""
      {"requests": {"yelb-ui:5432": {"status": "000", "exit": 56, "moves": {"yelb-ui": {"cluster.upstream_db.ssl.fail_verify_san": 1}}}}}
      """#
    let (outcome, _) = try await check("denied", [Self.ui, Self.db], mesh: mesh)
    #expect(
      outcome
        == .failed(
          reason: "example.org/db did not refuse example.org/ui for the policy's reason: first cause: example.org/ui's upstream refused the "
            + "certificate example.org/db presented (ssl.fail_verify_san): it accepts only \(Self.dbID); look at the SVID example.org/db's "
            + "Envoy serves (its admin /certs)\ncounters moved: cluster.upstream_db.ssl.fail_verify_san +1"))
  }

  @Test func deniedOfAPairThatDoesNotCallIsUnsupportedSayingWhy() async throws {
    let (outcome, calls) = try await check("denied", [Self.app, Self.ui])
    #expect(
      outcome
        == .unsupported(
          reason: "example.org/app does not call example.org/ui, so its Envoy has no upstream to dial it, and its SVID lives only in that "
            + "Envoy's memory (SDS): the aws provider cannot present \(Self.appID) to example.org/ui. The rendered listener of "
            + "example.org/ui admits no ID"))
    #expect(calls.isEmpty)
  }

  // MARK: - all

  @Test func allTriesEveryCalledPairAndPrintsTheLocalMatrix() async throws {
    let declared: [ModelValue] = [.string("\(Self.ui) -> \(Self.app)"), .string("\(Self.app) -> \(Self.db)")]
    let (outcome, calls) = try await check(
      "all", [Self.app, Self.db, Self.ui], fields: [ModelField("declared", .list(declared))])
    let matrix = """
      row calls column (✓ talks, ✗ refused, · no call):
            1 2 3   declared: 1 2 3
      1 app · · ·             · ✓ ✗
      2 db  · · ·             ✗ · ✗
      3 ui  ✓ ✗ ·             ✓ ✗ ·
      """
    #expect(
      outcome
        == .passed(
          detail: "2 of 6 ordered pairs of 3 services tried (those whose caller calls the callee) agree with the policy; not tried, for "
            + "the caller's Envoy has no upstream for a service it does not call: example.org/app -> example.org/db\n" + matrix))
    #expect(calls == (try DriveFixture.golden("verify-all.log", updatingTo: calls)), "calls:\n\(calls)")
  }

  @Test func allFailsOnAPairThatTalksWithoutBeingDeclared() async throws {
    let (outcome, _) = try await check("all", [Self.app, Self.db, Self.ui], fields: [ModelField("declared", .list([]))])
    guard case .failed(let reason) = outcome else {
      Issue.record("expected a failure, got \(outcome)")
      return
    }
    #expect(
      reason.hasPrefix(
        "1 of 2 ordered pairs tried disagree with the policy; example.org/ui -> example.org/app talks, but the policy declares no such "
          + "edge: example.org/app admits \(Self.uiID)\nrow calls column"))
  }

  // MARK: - reachable

  static let reachability = """
    {"pods": {"app=yelb-ui": "10.1.5.20"}, "interfaces": {"10.1.5.20": "eni-0aaa", "10.2.0.10": "eni-0bbb"}, "running": 1,
     "analysis": %@}
    """

  static func reachability(_ analysis: String) -> String { reachability.replacingOccurrences(of: "%@", with: analysis) }

  @Test func reachableRunsTheReachabilityAnalyzerAndDeletesItsPath() async throws {
    let (outcome, calls) = try await check(
      "reachable", ["frontend/yelb/yelb-ui", "10.2.0.10"], mesh: Self.reachability(#"{"NetworkPathFound": true}"#))
    #expect(
      outcome
        == .passed(
          detail: "frontend/yelb/yelb-ui (10.1.5.20, eni-0aaa) reaches 10.2.0.10 (10.2.0.10, eni-0bbb): NetworkPathFound true (analysis nia-0001)"
        ))
    #expect(calls == (try DriveFixture.golden("verify-reachable.log", updatingTo: calls)), "calls:\n\(calls)")
  }

  @Test func unreachableReportsAWSExplanationCodes() async throws {
    let analysis = #"""
      {"NetworkPathFound": false, "Explanations": [{"ExplanationCode": "ENI_SG_RULES_MISMATCH", "Component": {"Id": "sg-0123"}},
       {"ExplanationCode": "NO_ROUTE_TO_DESTINATION"}]}
      """#
    let (outcome, calls) = try await check("reachable", ["yelb-ui", "10.2.0.10"], mesh: Self.reachability(analysis))
    #expect(
      outcome
        == .failed(
          reason: "yelb-ui (10.1.5.20, eni-0aaa) cannot reach 10.2.0.10 (10.2.0.10, eni-0bbb): NetworkPathFound false; AWS explains: "
            + "ENI_SG_RULES_MISMATCH (sg-0123), NO_ROUTE_TO_DESTINATION (analysis nia-0001)"))
    #expect(calls.contains("aws ec2 delete-network-insights-path --network-insights-path-id nip-0001 --profile frontend --region us-east-2"))
  }

  @Test func anAnalysisThatFailsOrAnAddressNoInterfaceHoldsSaysSo() async throws {
    let analysis = #"{"Status": "failed", "StatusMessage": "The source and destination are the same"}"#
    let (failed, calls) = try await check("reachable", ["yelb-ui", "10.2.0.10"], mesh: Self.reachability(analysis))
    #expect(failed == .failed(reason: "the Reachability Analyzer's analysis nia-0001 failed: The source and destination are the same"))
    #expect(calls.contains("delete-network-insights-path"), "the path is deleted whatever the analysis found")
    let (noInterface, _) = try await check("reachable", ["yelb-ui", "10.2.0.99"], mesh: Self.reachability("{}"))
    #expect(noInterface == .failed(reason: "first cause: no network interface in account shared (us-east-2) holds 10.2.0.99, the address of 10.2.0.99"))
    let (outside, _) = try await check("reachable", ["yelb-ui", "192.168.0.1"], mesh: Self.reachability("{}"))
    #expect(outside == .failed(reason: "no VPC of the script holds 192.168.0.1, so no account's profile can look up its network interface"))
  }

  @Test func reachableOfAPodWithNoRunningPodStopsBeforeTheAnalyzer() async throws {
    let (outcome, calls) = try await check("reachable", ["frontend/yelb/yelb-db", "10.2.0.10"], mesh: Self.reachability("{}"))
    #expect(
      outcome
        == .failed(
          reason: "first cause: frontend/yelb/yelb-db has no running pod, so it has no address (kubectl get pods -n yelb shows why)"))
    #expect(!calls.contains("network-insights"))
    let (unknown, _) = try await check("reachable", ["frontend/yelb/yelb-uj", "10.2.0.10"], mesh: Self.reachability("{}"))
    #expect(unknown == .failed(reason: "no address or pod named frontend/yelb/yelb-uj in the script; did you mean 'frontend/yelb/yelb-ui'?"))
  }
}

/// The tutorial's `verify all` through the aws provider: each probe names what the rendering holds.
@Suite struct TutorialMeshCheckTests {
  @Test func everyProbeOfTheTutorialNamesARenderedDeploymentProxyListenerAndUpstream() async throws {
    let (resources, rendering) = try TutorialDriveTests.tutorial()
    var accounts: [String: String] = [:]
    for access in rendering.stacks.map(\.access) + rendering.manifests.map(\.access) {
      if let profile = access.profile, let id = access.id { accounts[profile] = id }
    }
    let recorder = try Recorder(accounts: accounts)
    let provider = recorder.provider(rendering: rendering, resources: resources, resourceTypes: [])
    let services = resources.filter { $0.address.type == "mesh.service" }.map { ModelValue.string($0.address.name) }
    try #require(services.count >= 2)
    let outcome = try await provider.check(Check(kind: "all", arguments: services, fields: [ModelField("declared", .list([]))]))
    // The stand-in answers no request: each pair tried fails for want of an answer, none for a name.
    guard case .failed(let reason) = outcome else {
      Issue.record("expected a failure, got \(outcome)")
      return
    }
    #expect(reason.contains("no counter moved"), "\(reason)")
    let files = Dictionary(uniqueKeysWithValues: rendering.files.map { ($0.path, $0.contents) })
    let workloads = files.filter { $0.key.hasPrefix("kubernetes/") }.map(\.value).joined(separator: "\n")
    let calls = try recorder.takeCalls().split(separator: "\n").map(String.init).filter { $0.contains(" curl ") }
    #expect(!calls.isEmpty)
    for call in calls {
      // The log quotes as a shell would; these words hold no space.
      let words = call.split(separator: " ").map { $0.filter { $0 != "'" } }
      let cluster = try #require(words.firstIndex(of: "--context").map { words[$0 + 1] })
      let deployment = String(try #require(words.first { $0.hasPrefix("deployment/") }).dropFirst("deployment/".count))
      let proxy = try #require(words.firstIndex(of: "-c").map { words[$0 + 1] })
      #expect(workloads.contains("kind: Deployment\nmetadata:\n  name: \(deployment)\n"), "no Deployment \(deployment): \(call)")
      #expect(workloads.contains("- name: \(proxy)\n"), "no container \(proxy): \(call)")
      let service = try #require(
        resources.first {
          $0.address.type == "mesh.service" && $0[attribute: "cluster"]?.string == cluster
            && $0[attribute: "workload"]?.string?.split(separator: "/").last.map(String.init) == deployment
        }?[attribute: "service"]?.string, "no mesh.service runs as \(deployment) in \(cluster)")
      let bootstrap = try #require(files["envoy/\(cluster)/\(service).yaml"], "no bootstrap for \(service) in \(cluster)")
      let url = try #require(words.last)
      if let filter = url.split(separator: "filter=").last, url.contains(":9901/stats") {
        // ^cluster\.upstream_x\. or ^listener\.0\.0\.0\.0_15001\.
        let prefix = filter.dropFirst().replacingOccurrences(of: "\\.", with: ".").dropLast()
        if prefix.hasPrefix("cluster.") {
          #expect(bootstrap.contains("cluster: \(prefix.dropFirst("cluster.".count))\n"), "no upstream \(prefix): \(call)")
        } else {
          #expect(prefix == "listener.0.0.0.0_15001" && bootstrap.contains("port_value: 15001\n"), "\(call)")
        }
      } else {
        let port = url.dropFirst("http://127.0.0.1:".count).dropLast()
        #expect(bootstrap.contains("- name: outbound_") && bootstrap.contains("port_value: \(port)\n"), "no outbound listener on \(port): \(call)")
      }
    }
  }
}
