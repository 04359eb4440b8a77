public import Foundation

/// A trust domain's X.509 CA over time, rotated as SPIRE's CA manager rotates it.
///
/// The current CA signs. When the time passes its *preparation threshold* (half its lifetime before
/// NotAfter, at most 30 days) the next CA is prepared and joins the bundle, so agents learn it before
/// it signs anything; past the *activation threshold* (a sixth of the lifetime before NotAfter, at most
/// 7 days) the next CA becomes current and the old one stays in the bundle until it expires, because
/// SVIDs it signed are still in use. No wall time is read: every step takes the time as `now`.
///
/// The trust domain's JWT signing key rotates with it, as SPIRE rotates a CA slot's X.509 CA and JWT
/// key together: each CA has a JWT key of the same key type and lifetime, prepared, activated and
/// dropped at the same moments, and the bundle publishes every JWT key it publishes a CA for.
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
  /// The JWT key that signs JWT-SVIDs now, paired with ``current``.
  public private(set) var currentJWTKey: JWTAuthority
  /// The JWT key prepared to follow, already in the bundle, paired with ``next``.
  public private(set) var nextJWTKey: JWTAuthority?
  /// Former JWT keys, in the bundle until they expire.
  public private(set) var retiredJWTKeys: [JWTAuthority]
  /// The bundle's `spiffe_sequence`: it grows whenever the set of keys in the bundle changes.
  public private(set) var bundleSequence: UInt64

  /// SPIRE's default `ca_ttl`: 24 hours.
  public static let defaultCATTL: TimeInterval = 24 * 3600

  /// A new trust domain CA made at `now`.
  public init(trustDomain: TrustDomain, keyType: KeyType = .ecP256, caTTL: TimeInterval = defaultCATTL, now: Date) throws {
    let current = try X509Authority.selfSigned(trustDomain: trustDomain, keyType: keyType, ttl: caTTL, now: now)
    let jwtKey = try JWTAuthority.generate(keyType: keyType, ttl: caTTL, now: now)
    self.init(
      trustDomain: trustDomain, keyType: keyType, caTTL: caTTL, current: current, next: nil, retired: [],
      currentJWTKey: jwtKey, nextJWTKey: nil, retiredJWTKeys: [], bundleSequence: 1)
  }

  /// A CA restored from storage (see ``Snapshot``).
  public init(
    trustDomain: TrustDomain, keyType: KeyType, caTTL: TimeInterval, current: X509Authority, next: X509Authority?,
    retired: [X509Authority], currentJWTKey: JWTAuthority, nextJWTKey: JWTAuthority?, retiredJWTKeys: [JWTAuthority],
    bundleSequence: UInt64
  ) {
    self.trustDomain = trustDomain
    self.keyType = keyType
    self.caTTL = caTTL
    self.current = current
    self.next = next
    self.retired = retired
    self.currentJWTKey = currentJWTKey
    self.nextJWTKey = nextJWTKey
    self.retiredJWTKeys = retiredJWTKeys
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

  /// Every JWT key the bundle holds now: the current one, the prepared one and the retired ones not yet
  /// expired.
  public var bundleJWTKeys: [JWTAuthority] { [currentJWTKey] + (nextJWTKey.map { [$0] } ?? []) + retiredJWTKeys }

  /// The trust bundle, with `refreshHint` seconds as its `spiffe_refresh_hint`: every CA certificate,
  /// then every JWT key as a `jwt-svid` JWK.
  public func bundle(refreshHint: Int = TrustBundle.defaultRefreshHint) -> TrustBundle {
    TrustBundle(
      trustDomain: trustDomain, x509Authorities: bundleAuthorities.map(\.certificate),
      // A JWK of a key this type made always renders (EC P-256, P-384 or RSA).
      jwtAuthorities: bundleJWTKeys.compactMap { try? $0.jwk() }, sequence: bundleSequence, refreshHint: refreshHint)
  }

  /// A JWT-SVID for `spiffeID` and `audience`, signed at `now` by the current JWT key, expiring `ttl`
  /// seconds later (the entry's `jwt_svid_ttl`, or ``defaultJWTSVIDTTL``) or when the key does.
  public func issueJWTSVID(
    for spiffeID: SPIFFEID, audience: [String], ttl: TimeInterval = defaultJWTSVIDTTL, now: Date
  ) throws -> JWTSVID {
    try currentJWTKey.issueSVID(for: spiffeID, audience: audience, ttl: ttl, now: now)
  }

  /// SPIRE's `default_jwt_svid_ttl`: 5 minutes.
  public static let defaultJWTSVIDTTL: TimeInterval = 300

  /// Brings the CA up to `now`: prepares, activates and drops CAs whose thresholds have passed, in
  /// order, and says what it did. A CA that must be made after a long pause is made at `now`.
  @discardableResult
  public mutating func advance(to now: Date) throws -> [CARotationEvent] {
    var events: [CARotationEvent] = []
    while true {
      if next == nil, now >= Self.preparationTime(of: current) {
        let prepared = try X509Authority.selfSigned(trustDomain: trustDomain, keyType: keyType, ttl: caTTL, now: now)
        next = prepared
        nextJWTKey = try JWTAuthority.generate(keyType: keyType, ttl: caTTL, now: now)
        bundleSequence += 1
        events.append(.prepared(keyID: prepared.keyID, at: now))
        continue
      }
      if let prepared = next, now >= Self.activationTime(of: current) {
        retired.insert(current, at: 0)
        events.append(.activated(keyID: prepared.keyID, replacing: current.keyID, at: now))
        current = prepared
        next = nil
        // A state stored before JWT keys existed may hold a prepared CA without its JWT key.
        retiredJWTKeys.insert(currentJWTKey, at: 0)
        currentJWTKey =
          try nextJWTKey ?? JWTAuthority.generate(keyType: keyType, ttl: prepared.notAfter.timeIntervalSince(now), now: now)
        nextJWTKey = nil
        continue
      }
      break
    }
    let expired = retired.filter { $0.notAfter < now }
    let expiredJWTKeys = retiredJWTKeys.filter { $0.notAfter < now }
    if !expired.isEmpty || !expiredJWTKeys.isEmpty {
      retired.removeAll { $0.notAfter < now }
      retiredJWTKeys.removeAll { $0.notAfter < now }
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
    /// The JWT keys (IDs and expiries, no key material); nil in states stored before JWT keys existed.
    public var jwtKeys: JWTKeys?
  }

  /// The stored JWT keys of a ``Snapshot``.
  public struct JWTKeys: Codable, Equatable, Sendable {
    /// The current JWT key.
    public var current: StoredJWTKey
    /// The prepared JWT key, if any.
    public var next: StoredJWTKey?
    /// The retired JWT keys still in the bundle.
    public var retired: [StoredJWTKey]
  }

  /// A JWT key as stored: its key ID and expiry. Its key is stored apart, under its key ID.
  public struct StoredJWTKey: Codable, Equatable, Sendable {
    /// The key ID.
    public var keyID: String
    /// When it expires.
    public var notAfter: Date
  }

  /// The state to store, without keys.
  public var snapshot: Snapshot {
    Snapshot(
      trustDomain: trustDomain, keyType: keyType, caTTL: caTTL, current: current.certificateDER,
      next: next?.certificateDER, retired: retired.map(\.certificateDER), bundleSequence: bundleSequence,
      jwtKeys: JWTKeys(
        current: Self.stored(currentJWTKey), next: nextJWTKey.map(Self.stored), retired: retiredJWTKeys.map(Self.stored)))
  }

  private static func stored(_ key: JWTAuthority) -> StoredJWTKey { StoredJWTKey(keyID: key.keyID, notAfter: key.notAfter) }

  /// Every CA key and JWT key as PKCS#8 DER, by key ID (a CA's hex subject key identifier, a JWT key's
  /// `kid`): for the owner-only part of the state store, and nothing else.
  public func exportPrivateKeys() -> [String: Data] {
    Dictionary(
      uniqueKeysWithValues: bundleAuthorities.map { ($0.keyID, $0.exportPrivateKeyPKCS8DER()) }
        + bundleJWTKeys.map { ($0.keyID, $0.exportPrivateKeyPKCS8DER()) })
  }

  /// A CA restored from a snapshot and the keys ``exportPrivateKeys()`` gave. A snapshot stored before
  /// JWT keys existed gets a fresh JWT key that expires with the current CA.
  public init(snapshot: Snapshot, privateKeys: [String: Data]) throws {
    func restore(_ der: [UInt8]) throws -> X509Authority {
      let probe = try X509Authority.keyID(ofCertificateDER: der)
      guard let key = privateKeys[probe] else { throw CARestoreError.missingKey(keyID: probe) }
      return try X509Authority(
        trustDomain: snapshot.trustDomain, certificateDER: der, keyPKCS8DER: key, keyType: snapshot.keyType)
    }
    func restoreJWTKey(_ stored: StoredJWTKey) throws -> JWTAuthority {
      guard let key = privateKeys[stored.keyID] else { throw CARestoreError.missingKey(keyID: stored.keyID) }
      return try JWTAuthority(keyID: stored.keyID, notAfter: stored.notAfter, keyPKCS8DER: key, keyType: snapshot.keyType)
    }
    let current = try restore(snapshot.current)
    let jwtKeys = try snapshot.jwtKeys.map {
      (current: try restoreJWTKey($0.current), next: try $0.next.map(restoreJWTKey), retired: try $0.retired.map(restoreJWTKey))
    }
    self.init(
      trustDomain: snapshot.trustDomain, keyType: snapshot.keyType, caTTL: snapshot.caTTL,
      current: current, next: try snapshot.next.map(restore), retired: try snapshot.retired.map(restore),
      currentJWTKey: try jwtKeys?.current
        ?? JWTAuthority.generate(keyType: snapshot.keyType, ttl: current.notAfter.timeIntervalSince(current.notBefore), now: current.notBefore),
      nextJWTKey: jwtKeys?.next, retiredJWTKeys: jwtKeys?.retired ?? [], bundleSequence: snapshot.bundleSequence)
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
