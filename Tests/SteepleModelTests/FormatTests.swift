import SteepleCatalog
import SteepleModel
import Testing

/// The rules of AWS and Kubernetes names and addresses, as the formats check them.
@Suite("formats")
struct FormatTests {
  @Test("CIDR blocks parse, normalise, split and overlap")
  func cidr() throws {
    let block = try #require(CIDRBlock("10.20.0.0/16"))
    #expect(block.description == "10.20.0.0/16")
    #expect(block.split(bits: 3).prefix(2).map(\.description) == ["10.20.0.0/19", "10.20.32.0/19"])
    #expect(CIDRBlock("10.20.1.1/16")?.network.description == "10.20.0.0/16")
    #expect(block.overlaps(try #require(CIDRBlock("10.20.128.0/17"))))
    #expect(!block.overlaps(try #require(CIDRBlock("10.21.0.0/16"))))
    for bad in ["10.20.0.0", "10.20.0/16", "10.20.0.0/33", "010.1.0.0/16", "a.b.c.d/8", "10.20.0.0/-1"] {
      #expect(CIDRBlock(bad) == nil, "\(bad)")
    }
  }

  @Test("each format accepts what AWS or Kubernetes accepts, and rejects the rest", arguments: [
    (StringFormat.accountID, "123456789012", true), (.accountID, "12345678901", false), (.accountID, "12345678901a", false),
    (.region, "eu-central-2", true), (.region, "us-central-1", false),
    (.dnsLabel, "yelb", true), (.dnsLabel, "yelb-", false), (.dnsLabel, String(repeating: "a", count: 64), false),
    (.dnsSubdomain, "spire-agent.front", true), (.dnsSubdomain, "Spire", false),
    (.eksClusterName, "eks_cluster-1", true), (.eksClusterName, "_eks", false), (.eksClusterName, String(repeating: "a", count: 101), false),
    (.iamRoleName, "role+=,.@_-1", true), (.iamRoleName, "role/x", false),
    (.principal, "service:eks.amazonaws.com", true), (.principal, "role:frontend/r", true), (.principal, "role:r", false),
    (.spiffeID, "spiffe://am-multi-account-mesh/ns/spire/sa/spire-agent-front", true), (.spiffeID, "spiffe://Mesh/x", false),
    (.spiffeID, "spiffe://mesh/a//b", false), (.labelValue, "", true), (.labelValue, "yelb.ui_1", true), (.labelValue, "-x", false),
    (.kubernetesVersion, "1.31", true), (.kubernetesVersion, "v1.31", false),
  ])
  func format(_ format: StringFormat, _ text: String, _ valid: Bool) {
    #expect((format.problem(with: text) == nil) == valid, "\(format) \(text)")
  }
}

@Suite("durations")
struct DurationTests {
  @Test("durations as SPIRE writes them, and ints of seconds")
  func seconds() {
    #expect(ModelDuration.seconds(.string("90s")) == 90)
    #expect(ModelDuration.seconds(.string("30m")) == 1800)
    #expect(ModelDuration.seconds(.string("1h30m")) == 5400)
    #expect(ModelDuration.seconds(.string("24h")) == 86400)
    #expect(ModelDuration.seconds(.int(600)) == 600)
    #expect(ModelDuration.text(seconds: 5400) == "1h30m")
    #expect(ModelDuration.text(seconds: 0) == "0s")
  }

  @Test("what is wrong with a duration, and what it was probably meant as")
  func problems() {
    #expect(ModelDuration.problem(with: .string("30m1h")) == "write the units in the order h, m, s, each once")
    #expect(ModelDuration.problem(with: .string("")) == "it is empty")
    #expect(ModelDuration.problem(with: .string("h")) == "'h' has no number before it")
    #expect(ModelDuration.problem(with: .int(-1)) == "it is negative")
    #expect(ModelDuration.problem(with: .string("1.5h")) == "'.' is not a unit; write h, m or s after each number")
    #expect(ModelDuration.suggestion(for: .string("30 min")) == "30m")
    #expect(ModelDuration.suggestion(for: .string("2 Hours")) == "2h")
    #expect(ModelDuration.suggestion(for: .string("1.5h")) == nil)
  }
}
