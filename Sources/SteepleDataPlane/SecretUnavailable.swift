public import SteepleSPIRE

/// The secret source had no usable SVID or bundle for an identity.
public struct SecretUnavailable: Error, Sendable, Hashable, CustomStringConvertible {
  /// The SPIFFE ID asked for (the SDS secret name).
  public let id: SPIFFEID
  /// What the source answered.
  public let reason: String

  public var description: String { "no SVID for '\(id)': \(reason)" }
}
