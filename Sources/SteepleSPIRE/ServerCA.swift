public import Foundation

/// A trust domain's X.509 CA over time, rotated as SPIRE's CA manager rotates it.
///
/// The current CA signs. When the time passes its *preparation threshold* (half its lifetime before
/// NotAfter, at most 30 days) the next CA is prepared and joins the bundle, so agents learn it before
/// it signs anything; past the *activation threshold* (a sixth of the lifetime before NotAfter, at most
/// 7 days) the next CA becomes current and the old one stays in the bundle until it expires, because
/// SVIDs it signed are still in use. No wall time is read: every step takes the time as `now`.
public struct ServerCA: Sendable {
  /// The trust domain.
  public let trustDomain: TrustDomain
  /// The key type of every CA it makes.
  public let keyType: KeyType
  /// The lifetime of each CA, in seconds (SPIRE's `ca_ttl`, 24h by default).
  public let caTTL: TimeInterval
  /// The CA that signs now.
  public private(set) var current: X509Authority
  /// The CA prepared to follow the current one, already in the bundle.
  public private(set) var next: X509Authority?
  /// Former CAs, in the bundle until they expire.
  public private(set) var retired: [X509Authority]
  /// The bundle's `spiffe_sequence`: it grows whenever the set of CAs in the bundle changes.
  public private(set) var bundleSequence: UInt64

  /// SPIRE's default `ca_ttl`: 24 hours.
  public static let defaultCATTL: TimeInterval = 24 * 3600

  /// A new trust domain CA made at `now`.
  public init(trustDomain: TrustDomain, keyType: KeyType = .ecP256, caTTL: TimeInterval = defaultCATTL, now: Date) throws {
    let current = try X509Authority.selfSigned(trustDomain: trustDomain, keyType: keyType, ttl: caTTL, now: now)
    self.init(trustDomain: trustDomain, keyType: keyType, caTTL: caTTL, current: current, next: nil, retired: [], bundleSequence: 1)
  }

  /// A CA restored from storage (see ``Snapshot``).
  public init(
    trustDomain: TrustDomain, keyType: KeyType, caTTL: TimeInterval, current: X509Authority, next: X509Authority?,
    retired: [X509Authority], bundleSequence: UInt64
  ) {
    self.trustDomain = trustDomain
    self.keyType = keyType
    self.caTTL = caTTL
    self.current = current
    self.next = next
    self.retired = retired
    self.bundleSequence = bundleSequence
  }

  /// When the next CA is prepared for `authority`: `min(lifetime / 2, 30 days)` before its NotAfter.
  public static func preparationTime(of authority: X509Authority) -> Date {
    let lifetime = authority.notAfter.timeIntervalSince(authority.notBefore)
    return authority.notAfter - min(lifetime / 2, 30 * 24 * 3600)
  }

  /// When the prepared CA replaces `authority`: `min(lifetime / 6, 7 days)` before its NotAfter.
  public static func activationTime(of authority: X509Authority) -> Date {
    let lifetime = authority.notAfter.timeIntervalSince(authority.notBefore)
    return authority.notAfter - min(lifetime / 6, 7 * 24 * 3600)
  }

  /// Every CA the bundle holds now: the current one, the prepared one, and the retired ones not yet
  /// expired (as of the last ``advance(to:)``).
  public var bundleAuthorities: [X509Authority] { [current] + (next.map { [$0] } ?? []) + retired }

  /// The trust bundle, with `refreshHint` seconds as its `spiffe_refresh_hint`.
  public func bundle(refreshHint: Int = TrustBundle.defaultRefreshHint) -> TrustBundle {
    TrustBundle(
      trustDomain: trustDomain, x509Authorities: bundleAuthorities.map(\.certificate), sequence: bundleSequence,
      refreshHint: refreshHint)
  }

  /// Brings the CA up to `now`: prepares, activates and drops CAs whose thresholds have passed, in
  /// order, and says what it did. A CA that must be made after a long pause is made at `now`.
  @discardableResult
  public mutating func advance(to now: Date) throws -> [CARotationEvent] {
    var events: [CARotationEvent] = []
    while true {
      if next == nil, now >= Self.preparationTime(of: current) {
        let prepared = try X509Authority.selfSigned(trustDomain: trustDomain, keyType: keyType, ttl: caTTL, now: now)
        next = prepared
        bundleSequence += 1
        events.append(.prepared(keyID: prepared.keyID, at: now))
        continue
      }
      if let prepared = next, now >= Self.activationTime(of: current) {
        retired.insert(current, at: 0)
        events.append(.activated(keyID: prepared.keyID, replacing: current.keyID, at: now))
        current = prepared
        next = nil
        continue
      }
      break
    }
    let expired = retired.filter { $0.notAfter < now }
    if !expired.isEmpty {
      retired.removeAll { $0.notAfter < now }
      bundleSequence += 1
      events += expired.map { .dropped(keyID: $0.keyID, at: now) }
    }
    return events
  }
}

/// One step of a CA rotation.
public enum CARotationEvent: Equatable, Sendable, CustomStringConvertible {
  /// The next CA was made and added to the bundle.
  case prepared(keyID: String, at: Date)
  /// The prepared CA became the one that signs.
  case activated(keyID: String, replacing: String, at: Date)
  /// An expired CA left the bundle.
  case dropped(keyID: String, at: Date)

  public var description: String {
    switch self {
    case .prepared(let keyID, _): "prepared the next CA \(keyID)"
    case .activated(let keyID, let old, _): "activated the CA \(keyID), replacing \(old)"
    case .dropped(let keyID, _): "dropped the expired CA \(keyID) from the bundle"
    }
  }
}

extension ServerCA {
  /// What a ``ServerCA`` stores, without key material: the certificates and the rotation state.
  /// Keys go to the store through ``exportPrivateKeys()`` and come back in ``init(snapshot:privateKeys:)``.
  public struct Snapshot: Codable, Equatable, Sendable {
    /// The trust domain.
    public var trustDomain: TrustDomain
    /// The key type of its CAs.
    public var keyType: KeyType
    /// The lifetime of each CA, in seconds.
    public var caTTL: TimeInterval
    /// The DER of the current CA certificate.
    public var current: [UInt8]
    /// The DER of the prepared CA certificate, if any.
    public var next: [UInt8]?
    /// The DER of the retired CA certificates still in the bundle.
    public var retired: [[UInt8]]
    /// The bundle's `spiffe_sequence`.
    public var bundleSequence: UInt64
  }

  /// The state to store, without keys.
  public var snapshot: Snapshot {
    Snapshot(
      trustDomain: trustDomain, keyType: keyType, caTTL: caTTL, current: current.certificateDER,
      next: next?.certificateDER, retired: retired.map(\.certificateDER), bundleSequence: bundleSequence)
  }

  /// Every CA key as PKCS#8 DER, by key ID: for the owner-only part of the state store, and nothing else.
  public func exportPrivateKeys() -> [String: Data] {
    Dictionary(uniqueKeysWithValues: bundleAuthorities.map { ($0.keyID, $0.exportPrivateKeyPKCS8DER()) })
  }

  /// A CA restored from a snapshot and the keys ``exportPrivateKeys()`` gave.
  public init(snapshot: Snapshot, privateKeys: [String: Data]) throws {
    func restore(_ der: [UInt8]) throws -> X509Authority {
      let probe = try X509Authority.keyID(ofCertificateDER: der)
      guard let key = privateKeys[probe] else { throw CARestoreError.missingKey(keyID: probe) }
      return try X509Authority(
        trustDomain: snapshot.trustDomain, certificateDER: der, keyPKCS8DER: key, keyType: snapshot.keyType)
    }
    self.init(
      trustDomain: snapshot.trustDomain, keyType: snapshot.keyType, caTTL: snapshot.caTTL,
      current: try restore(snapshot.current), next: try snapshot.next.map(restore),
      retired: try snapshot.retired.map(restore), bundleSequence: snapshot.bundleSequence)
  }
}

/// Why a stored CA state could not be restored.
public enum CARestoreError: Error, Equatable, Sendable, CustomStringConvertible {
  case missingKey(keyID: String)

  public var description: String {
    switch self {
    case .missingKey(let keyID): "the key of the stored CA \(keyID) is missing from the key store"
    }
  }
}
