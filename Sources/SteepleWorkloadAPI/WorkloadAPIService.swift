public import Foundation
public import GRPCCore
public import SteepleSPIRE
import SwiftProtobuf

/// The `SpiffeWorkloadAPI` service of one workload, as a SPIRE agent serves it to an attested
/// workload: its X.509-SVIDs and bundles on streams that send again on every rotation, JWT-SVIDs
/// signed for the audience asked, its JWT bundles, and the validation of a JWT-SVID.
///
/// The `workload.spiffe.io: true` metadata is checked by ``WorkloadAPIHeader`` before it.
public struct WorkloadAPIService: SpiffeWorkloadAPI.SimpleServiceProtocol {
  /// The workload's identity as it changes.
  public let feed: WorkloadIdentityFeed
  private let signJWT: @Sendable (SPIFFEID, [String]) throws -> SteepleSPIRE.JWTSVID
  private let now: @Sendable () -> Date

  /// The service of the workload whose identity `feed` follows. `signJWT` signs a JWT-SVID for one
  /// of its SPIFFE IDs and an audience (with its trust domain's current JWT key and the entry's
  /// TTL); `now` is the clock `ValidateJWTSVID` checks expiry on.
  public init(
    feed: WorkloadIdentityFeed, signJWT: @escaping @Sendable (SPIFFEID, [String]) throws -> SteepleSPIRE.JWTSVID,
    now: @escaping @Sendable () -> Date
  ) {
    self.feed = feed
    self.signJWT = signJWT
    self.now = now
  }

  public func fetchX509SVID(
    request: X509SVIDRequest, response: RPCWriter<X509SVIDResponse>, context: ServerContext
  ) async throws {
    for await identity in feed.updates() {
      guard !identity.svids.isEmpty else { throw Self.noIdentity }
      try await response.write(Self.x509SVIDResponse(identity))
    }
  }

  public func fetchX509Bundles(
    request: X509BundlesRequest, response: RPCWriter<X509BundlesResponse>, context: ServerContext
  ) async throws {
    for await identity in feed.updates() {
      guard !identity.bundles.isEmpty else { throw Self.noIdentity }
      var message = X509BundlesResponse()
      for bundle in identity.bundles { message.bundles[bundle.trustDomain.id.description] = Self.der(bundle) }
      try await response.write(message)
    }
  }

  public func fetchJWTSVID(request: JWTSVIDRequest, context: ServerContext) async throws -> JWTSVIDResponse {
    guard !request.audience.isEmpty, !request.audience.contains("") else {
      throw RPCError(code: .invalidArgument, message: "audience must be specified")
    }
    let identity = feed.current
    var chosen = identity.svids.map(\.spiffeID)
    if !request.spiffeID.isEmpty {
      chosen = chosen.filter { $0.description == request.spiffeID }
      guard !chosen.isEmpty else {
        throw RPCError(code: .permissionDenied, message: "no identity issued: this workload has no SVID for \(request.spiffeID)")
      }
    }
    guard !chosen.isEmpty else { throw Self.noIdentity }
    var message = JWTSVIDResponse()
    for id in Self.distinct(chosen) {
      let svid: SteepleSPIRE.JWTSVID
      do {
        svid = try signJWT(id, request.audience)
      } catch {
        throw RPCError(code: .unavailable, message: "cannot sign a JWT-SVID for \(id): \(error)")
      }
      var entry = JWTSVID()
      entry.spiffeID = id.description
      entry.svid = svid.token
      message.svids.append(entry)
    }
    return message
  }

  public func fetchJWTBundles(
    request: JWTBundlesRequest, response: RPCWriter<JWTBundlesResponse>, context: ServerContext
  ) async throws {
    for await identity in feed.updates() {
      guard !identity.bundles.isEmpty else { throw Self.noIdentity }
      var message = JWTBundlesResponse()
      for bundle in identity.bundles { message.bundles[bundle.trustDomain.id.description] = Data(bundle.jwtBundleJSON().utf8) }
      try await response.write(message)
    }
  }

  public func validateJWTSVID(request: ValidateJWTSVIDRequest, context: ServerContext) async throws -> ValidateJWTSVIDResponse {
    guard !request.audience.isEmpty else { throw RPCError(code: .invalidArgument, message: "audience must be specified") }
    guard !request.svid.isEmpty else { throw RPCError(code: .invalidArgument, message: "svid must be specified") }
    let identity = feed.current
    let claims = Self.claims(of: request.svid)
    guard case .string(let subject)? = claims?["sub"], let id = try? SPIFFEID(parsing: subject) else {
      throw RPCError(code: .invalidArgument, message: "the token is not a JWT-SVID: it has no SPIFFE ID as its subject")
    }
    guard let bundle = identity.bundle(for: id.trustDomain) else {
      throw RPCError(code: .invalidArgument, message: "no JWT bundle for the trust domain \(id.trustDomain) of \(id)")
    }
    let svid: SteepleSPIRE.JWTSVID
    do {
      svid = try SteepleSPIRE.JWTSVID.validate(request.svid, audience: request.audience, bundle: bundle, now: now())
    } catch {
      throw RPCError(code: .invalidArgument, message: "the JWT-SVID is not valid: \(error)")
    }
    var message = ValidateJWTSVIDResponse()
    message.spiffeID = svid.spiffeID.description
    if let claims {
      message.claims = (try? Google_Protobuf_Struct(jsonUTF8Data: Data(JSONValue.object(claims).encoded().utf8))) ?? .init()
    }
    return message
  }

  // MARK: - Messages

  /// What `FetchX509SVID` sends for `identity`: each SVID with its chain (leaf first), key and bundle.
  static func x509SVIDResponse(_ identity: WorkloadIdentity) -> X509SVIDResponse {
    var message = X509SVIDResponse()
    for svid in identity.svids {
      var entry = X509SVID()
      entry.spiffeID = svid.spiffeID.description
      entry.x509Svid = Data(svid.certificateDER)
      entry.x509SvidKey = svid.exportPrivateKeyPKCS8DER()
      entry.bundle = identity.bundle(for: svid.spiffeID.trustDomain).map(der) ?? Data()
      message.svids.append(entry)
    }
    let own = Set(identity.svids.map(\.spiffeID.trustDomain))
    for bundle in identity.bundles where !own.contains(bundle.trustDomain) {
      message.federatedBundles[bundle.trustDomain.id.description] = der(bundle)
    }
    return message
  }

  /// A bundle's CA certificates, DER, one after another.
  static func der(_ bundle: TrustBundle) -> Data { Data(bundle.x509AuthoritiesDER.joined()) }

  /// The claims of a compact JWS, unchecked; nil when it is not one.
  static func claims(of token: String) -> [String: JSONValue]? {
    let parts = token.split(separator: ".", omittingEmptySubsequences: false)
    guard parts.count == 3, let data = base64URLDecoded(parts[1]), case .object(let claims)? = try? JSONValue.decode(data) else {
      return nil
    }
    return claims
  }

  /// The bytes of base64url text without padding (RFC 7515 §2); nil when it is not that.
  static func base64URLDecoded(_ text: Substring) -> Data? {
    var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
    base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
    return Data(base64Encoded: base64)
  }

  /// `ids` without repeats, in their order.
  static func distinct(_ ids: [SPIFFEID]) -> [SPIFFEID] {
    var seen = Set<SPIFFEID>()
    return ids.filter { seen.insert($0).inserted }
  }

  /// SPIRE's answer to a workload no entry applies to.
  static let noIdentity = RPCError(code: .permissionDenied, message: "no identity issued")
}
