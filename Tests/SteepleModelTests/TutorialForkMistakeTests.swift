import Foundation
import Steeple
import Testing

/// A mistake made in a fork of the tutorial is reported at the fork's own line, with a note inside
/// the tutorial where the declaration it breaks is made: one test for each way of breaking the
/// tutorial's chain from a fork.
@Suite("the tutorial's forks: mistakes")
struct TutorialForkMistakeTests {
  /// The diagnostics of a fork, rendered as the `steeple` command renders them, with the package's
  /// path left out of the tutorial's file name.
  static func diagnostics(_ source: String) -> String {
    ModelTestSupport.diagnostics(source, name: "fork.spire").replacing(ModelTestSupport.packageRoot.path + "/", with: "")
  }

  /// stdlib/examples/tracker.spire with one change.
  static func tracker(replacing old: String, with new: String) throws -> String {
    let url = ModelTestSupport.packageRoot.appendingPathComponent("stdlib/examples/tracker.spire")
    let source = try String(contentsOf: url, encoding: .utf8)
    #expect(source.contains(old), "the example no longer has \(old)")
    return source.replacing(old, with: new)
  }

  /// A second frontend cluster whose agents a fork declares by hand; `mistake` is their last field.
  static func handMadeAgents(_ mistake: String) -> String {
    #"""
    import "aws"
    import "spire"
    import "tutorial/multi-account" as t

    let west = cluster "eks-cluster-frontend-west" in t.frontend { cidr: "10.21.0.0/16", network: t.tgw, nodes: 3 }
    let access = aws.role("eks-cluster-frontend-west-access-role", in: t.frontend, trust: [t.spire_nodes])
    aws.cluster_access(cluster: west, role: access, groups: ["spire-server-psat"])
    let agents = spire.agents("frontend-west-k8s-cluster", cluster: west, mesh: t.td, service_account: "spire-agent-front-west",
      api_role: access, \#(mistake))
    spire.node_alias(agents)
    """#
  }

  @Test("the frontend agents' cluster name changed on the agents only")
  func agentsClusterName() {
    #expect(Self.diagnostics(Self.handMadeAgents(#"cluster_name: "eks-cluster-frontend-west""#)) == #"""
      fork.spire:9:21: error: the server's k8s_psat knows no cluster "eks-cluster-frontend-west"
        9 |   api_role: access, cluster_name: "eks-cluster-frontend-west")
          |                     ^~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
          = did you mean 'frontend-west-k8s-cluster'?
          = help: the server's clusters map has one key per spire.agents of mesh "am-multi-account-mesh": "frontend-k8s-cluster", "backend-k8s-cluster", "frontend-west-k8s-cluster"; leave cluster_name out to use the name
      stdlib/tutorial/multi-account.spire:92:15: note: the server of mesh "am-multi-account-mesh" is declared here
       92 | let td = mesh "am-multi-account-mesh" {
          |               ^~~~~~~~~~~~~~~~~~~~~~~

      """#)
  }

  @Test("a wrong trust domain on one agent set")
  func agentsTrustDomain() {
    #expect(Self.diagnostics(Self.handMadeAgents(#"trust_domain: "am-multi-account""#)) == #"""
      fork.spire:9:21: error: the agents say trust domain "am-multi-account", but their server's is "am-multi-account-mesh"
        9 |   api_role: access, trust_domain: "am-multi-account")
          |                     ^~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
          = did you mean 'am-multi-account-mesh'?
          = help: agents and their server must be configured with one trust domain; leave trust_domain out to use the mesh's
      stdlib/tutorial/multi-account.spire:92:15: note: mesh "am-multi-account-mesh" is declared here
       92 | let td = mesh "am-multi-account-mesh" {
          |               ^~~~~~~~~~~~~~~~~~~~~~~

      """#)
  }

  @Test("a SAN removed from yelb-appserver's listener: the fork's admission dropped")
  func sanRemoved() throws {
    let source = try Self.tracker(replacing: #"mesh.allow(to: t.app, from: votes, reason: "the tracker reads the votes")"#, with: "")
    #expect(Self.diagnostics(source) == #"""
      fork.spire:24:84: error: mesh.service "vote-tracker" calls mesh.service "yelb-appserver", whose listener does not admit "spiffe://am-multi-account-mesh/tracker"
        24 | let votes = mesh.service("vote-tracker", workload: pods, identity: id, port: 8080, calls: [t.app])
           |                                                                                    ^~~~~~~~~~~~~~
           = help: admit it where the callee is declared, allow: [..., "spiffe://am-multi-account-mesh/tracker"], or from here: mesh.allow(to: <yelb-appserver>, from: <vote-tracker>)
      stdlib/tutorial/multi-account.spire:146:97: note: mesh.service "yelb-appserver" admits these
       146 | ...ervice("yelb-appserver", workload: yelb.app, identity: entries.app, port: 4567, allow: [entries.ui], calls: [db, redis])
           |                                                                                    ^~~~~~~~~~~~~~~~~~~
      fork.spire:29:1: error: verify mtls vote-tracker -> yelb-appserver can never pass: mesh.service "yelb-appserver" does not admit "spiffe://am-multi-account-mesh/tracker"
        29 | verify mtls votes -> t.app
           | ^~~~~~~~~~~~~~~~~~~~~~~~~~
           = help: the policy refuses this edge; admit the caller with mesh.allow(to: ..., from: ...) or the callee's allow, or verify denied
      stdlib/tutorial/multi-account.spire:146:24: note: mesh.service "yelb-appserver" is declared here
       146 | ... app = mesh.service("yelb-appserver", workload: yelb.app, identity: entries.app, port: 4567, allow: [entries.ui], calls:...
           |                        ^~~~~~~~~~~~~~~~

      """#)
  }

  @Test("the transit gateway's share dropped: the fork's account outside the organization")
  func shareDropped() throws {
    let source = try Self.tracker(replacing: ", organization: t.org }", with: " }")
    #expect(Self.diagnostics(source) == #"""
      stdlib/tutorial/multi-account.spire:107:57: error: cluster "eks-cluster-tracker" uses aws.transit_gateway "tgw-shared", which is not shared with account "tracker"
       107 |   let edge = cluster cluster_name in home { cidr: cidr, network: tgw, nodes: 3 }
           |                                                         ^~~~~~~~~~~~
           = help: add the account to the gateway's share_with, or attach the cluster to a network its account can use
           = call stack, innermost first:
               fork.spire:18:12: in agent_cluster
      stdlib/tutorial/multi-account.spire:60:31: note: aws.transit_gateway "tgw-shared" is owned by account "shared" and shared with aws.organization "am-multi-account"
        60 | let tgw = aws.transit_gateway("tgw-shared",
           |                               ^~~~~~~~~~~~
      fork.spire:17:23: note: account "tracker" is in no organization
        17 | let tracker = account "tracker" { profile: "tracker", region: t.region }
           |                       ^~~~~~~~~
      stdlib/tutorial/multi-account.spire:110:40: error: the agents in cluster "eks-cluster-tracker" have no route to their SPIRE server: aws.transit_gateway "tgw-shared" is not shared with account "tracker"
       110 |   let agents = spire.agents(psat_name, cluster: edge, mesh: td, service_account: service_account, api_role: access)
           |                                        ^~~~~~~~~~~~~
           = help: attach both clusters to one transit gateway (network: ...) shared with the agents' account, or run the agents in the server's cluster
           = call stack, innermost first:
               fork.spire:18:12: in agent_cluster
      stdlib/tutorial/multi-account.spire:76:19: note: the server runs in cluster "eks-cluster-shared"
        76 | let hub = cluster "eks-cluster-shared" in shared {
           |                   ^~~~~~~~~~~~~~~~~~~~

      """#)
  }
}
