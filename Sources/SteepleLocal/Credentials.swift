public import Foundation

/// Credentials a caller presents to the local cloud, as STS would issue them.
///
/// They come from `LocalCloud.rootCredentials(account:)`, `serviceCredentials(role:service:)` (a
/// role handed to an EC2 instance or a pod by a service) or `assumeRole(_:with:sessionName:)`.
public struct AWSCredentials: Hashable, Sendable, Codable {
  /// The account's declared name.
  public let account: String
  public let accountID: String
  /// The caller's ARN as `sts get-caller-identity` shows it: `arn:aws:iam::…:root` or
  /// `arn:aws:sts::…:assumed-role/<role>/<session>`.
  public let arn: String
  /// The role these credentials act as, or `nil` for the account's root.
  public let roleArn: String?
  /// The role as the catalog names it, `<account>/<role-name>`.
  public let roleResource: String?
  public let sessionName: String?
  /// Whether the role was assumed by another role (role chaining: sessions of at most one hour).
  public let chained: Bool
  public let expiration: Date

  /// Credentials with every field given; the cloud's own calls make them.
  public init(
    account: String, accountID: String, arn: String, roleArn: String?, roleResource: String?, sessionName: String?,
    chained: Bool, expiration: Date
  ) {
    self.account = account
    self.accountID = accountID
    self.arn = arn
    self.roleArn = roleArn
    self.roleResource = roleResource
    self.sessionName = sessionName
    self.chained = chained
    self.expiration = expiration
  }
}
