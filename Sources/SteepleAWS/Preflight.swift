import SteepleEngine
import Foundation

/// Before anything is observed or changed: who each account's profile is
/// (`aws sts get-caller-identity`), refused when it is not the account the script declares, so a
/// wrong profile never deploys into the wrong account.
public enum Preflight {
  /// Who a profile is.
  public struct Identity: Hashable, Sendable, Decodable {
    public var account: String
    public var arn: String

    enum CodingKeys: String, CodingKey {
      case account = "Account"
      case arn = "Arn"
    }
  }

  /// The runbook's line: the account ID the profile reaches, compared with the declared one when
  /// there is one.
  static func command(for access: AccountAccess) -> RunbookCommand {
    guard let id = access.id else { return .run(AWSCommands.callerIdentity(access)) }
    return .expect(
      AWSCommands.callerAccount(access), equals: id,
      failure: "\(profileText(access)) is not account \(access.account) (\(id)): \(mismatchHelp(access))")
  }

  /// Asks each account's profile who it is; throws `ProfileMismatch` for the first account whose
  /// profile reaches another account than the declared `id`.
  public static func run(_ accounts: [AccountAccess], runner: any CommandRunner) async throws -> [String: Identity] {
    var identities: [String: Identity] = [:]
    for access in accounts {
      let output = try await runner.output(of: AWSCommands.callerIdentity(access))
      guard let identity = try? JSONDecoder().decode(Identity.self, from: Data(output.utf8)) else {
        throw ProviderError(
          code: "UnreadableIdentity",
          message: "aws sts get-caller-identity for account \(access.account) printed no identity: \(output.prefix(200))")
      }
      if let id = access.id, identity.account != id {
        throw ProviderError(
          code: "ProfileMismatch",
          message: "\(profileText(access)) reaches account \(identity.account) (\(identity.arn)), but the script declares "
            + "account \(access.account) with id \(id); \(mismatchHelp(access))")
      }
      identities[access.account] = identity
    }
    return identities
  }

  static func profileText(_ access: AccountAccess) -> String {
    access.profile.map { "the profile '\($0)'" } ?? "the default credentials (no profile declared)"
  }

  /// What to do when a profile reaches another account.
  static func mismatchHelp(_ access: AccountAccess) -> String {
    "point \(profileText(access)) at account \(access.id ?? "?") in your AWS config, or fix the account's id or profile in the script; nothing was changed"
  }
}
