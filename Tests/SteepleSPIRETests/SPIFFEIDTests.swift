import Foundation
import Testing

@testable import SteepleSPIRE

@Suite struct SPIFFEIDTests {
  @Test func parsesAnIDIntoTrustDomainAndPath() throws {
    let id = try SPIFFEID(parsing: "spiffe://am-multi-account-mesh/ns/yelb/sa/yelb-ui")
    #expect(id.trustDomain.name == "am-multi-account-mesh")
    #expect(id.path == "/ns/yelb/sa/yelb-ui")
    #expect(id.description == "spiffe://am-multi-account-mesh/ns/yelb/sa/yelb-ui")
    #expect(!id.isRoot)
    #expect(try SPIFFEID(parsing: "spiffe://example.org").isRoot)
  }

  @Test(arguments: [
    ("", "a SPIFFE ID cannot be empty (SPIFFE-ID §2)"),
    ("example.org/a", "a SPIFFE ID starts with 'spiffe://' (SPIFFE-ID §2)"),
    ("https://example.org/a", "the scheme of a SPIFFE ID is 'spiffe', not 'https' (SPIFFE-ID §2)"),
    ("SPIFFE://example.org/a", "the scheme 'SPIFFE' must be written in lower case: did you mean 'spiffe://'? (SPIFFE-ID §2)"),
    ("spiffe://Example.org/a", "a trust domain is lower case: did you mean 'example.org'? (SPIFFE-ID §2.1)"),
    ("spiffe://exa$mple.org", "'$' cannot be in the trust domain 'exa$mple.org': only a-z, 0-9, '.', '-' and '_' (SPIFFE-ID §2.1)"),
    ("spiffe:///a", "the trust domain of a SPIFFE ID cannot be empty (SPIFFE-ID §2.1)"),
    ("spiffe://user@example.org", "a trust domain has no user info ('@') (SPIFFE-ID §2.1)"),
    ("spiffe://example.org:8080/a", "a trust domain has no port (':') (SPIFFE-ID §2.1)"),
    ("spiffe://example.org/a?x=1", "a SPIFFE ID has no query ('?') or fragment ('#') (SPIFFE-ID §2)"),
    ("spiffe://example.org/a/", "the path of a SPIFFE ID cannot end with '/' (SPIFFE-ID §2.2)"),
    ("spiffe://example.org/", "the path of a SPIFFE ID cannot end with '/' (SPIFFE-ID §2.2)"),
    ("spiffe://example.org/a//b", "the path of a SPIFFE ID cannot have an empty segment ('//') (SPIFFE-ID §2.2)"),
    ("spiffe://example.org/a/../b", "the path of a SPIFFE ID cannot have a '..' segment (SPIFFE-ID §2.2)"),
    ("spiffe://example.org/a%20b", "the path of a SPIFFE ID cannot be percent-encoded (SPIFFE-ID §2.2)"),
    ("spiffe://example.org/a b", "' ' cannot be in the path segment 'a b': only a-z, A-Z, 0-9, '.', '-' and '_' (SPIFFE-ID §2.2)"),
  ])
  func rejectsWithTheRuleItBreaks(text: String, message: String) {
    #expect(throws: SPIFFEIDError.self) { try SPIFFEID(parsing: text) }
    do {
      _ = try SPIFFEID(parsing: text)
    } catch {
      #expect(error.description == message)
    }
  }

  @Test func pathIsCaseSensitiveAndMayUseUpperCase() throws {
    let id = try SPIFFEID(parsing: "spiffe://example.org/Payments/API_v2")
    #expect(id.path == "/Payments/API_v2")
  }

  @Test func limitsLengths() throws {
    let longDomain = String(repeating: "a", count: 256)
    #expect(throws: SPIFFEIDError.trustDomainTooLong(bytes: 256)) { try TrustDomain(longDomain) }
    let longPath = "/" + String(repeating: "b", count: 2048)
    #expect(throws: SPIFFEIDError.tooLong(bytes: 2049 + "spiffe://example.org".utf8.count)) {
      try SPIFFEID(parsing: "spiffe://example.org" + longPath)
    }
  }

  @Test func trustDomainMembersBuildSPIREIDs() throws {
    let td = try TrustDomain("am-multi-account-mesh")
    #expect(td.id.description == "spiffe://am-multi-account-mesh")
    #expect(td.serverID.description == "spiffe://am-multi-account-mesh/spire/server")
    let agent = try td.agentID(attestor: "k8s_psat", "frontend-k8s-cluster", "5f1d0c2e-node")
    #expect(agent.description == "spiffe://am-multi-account-mesh/spire/agent/k8s_psat/frontend-k8s-cluster/5f1d0c2e-node")
    #expect(agent.isReservedForSPIRE)
    #expect(try TrustDomain(parsingNameOrID: "spiffe://example.org") == TrustDomain("example.org"))
    #expect(throws: SPIFFEIDError.trustDomainIDWithPath("spiffe://example.org/a")) {
      try TrustDomain(parsingNameOrID: "spiffe://example.org/a")
    }
  }

  @Test func codableAsTextAndValidatedOnDecoding() throws {
    let id = try SPIFFEID(parsing: "spiffe://example.org/a")
    let data = try JSONEncoder().encode([id])
    #expect(String(decoding: data, as: UTF8.self) == #"["spiffe:\/\/example.org\/a"]"#)
    #expect(try JSONDecoder().decode([SPIFFEID].self, from: data) == [id])
    #expect(throws: (any Error).self) {
      try JSONDecoder().decode([SPIFFEID].self, from: Data(#"["spiffe://Example.org/a"]"#.utf8))
    }
  }
}
