import Steeple
import SteepleCatalog
import SteepleEngine
import Testing

/// The SPIRE family's static checks, each as the text a user reads: one valid trust domain across
/// two accounts, changed in one place per test.
@Suite("SPIRE checks")
struct SPIRECheckTests {
  /// A hub account running the server, a frontend account running agents, a workload and two entries: no problem.
  static let base = #"""
    import "aws"
    import "k8s"
    import "spire"
    let shared = account "shared" { region: "us-east-2" }
    let frontend = account "frontend" { region: "us-east-2" }
    let tgw = aws.transit_gateway("tgw", owner: shared, share_with: [frontend], allow_external_principals: true)
    let server_role = aws.role("spire-server", in: shared, trust: ["service:ec2.amazonaws.com"])
    let hub = cluster "hub" in shared { cidr: "10.10.0.0/16", network: tgw, node_role: server_role }
    let edge = cluster "edge" in frontend { cidr: "10.20.0.0/16", network: tgw }
    let access = aws.role("spire-access", in: frontend, trust: [server_role])
    aws.cluster_access(cluster: edge, role: access)
    let td = mesh "am-multi-account-mesh" { server: { cluster: hub } }
    let front = spire.agents("frontend-k8s-cluster", cluster: edge, mesh: td, service_account: "spire-agent-front", api_role: access)
    k8s.namespace("yelb", in: edge)
    k8s.workload("yelb-ui", in: edge, namespace: "yelb", labels: { app: "yelb-ui" }, containers: ["envoy", "yelb-ui"])
    let alias = entry "spiffe://am-multi-account-mesh/ns/spire/sa/spire-agent-front" { parent: td, selectors: ["k8s_psat:cluster:frontend-k8s-cluster", "k8s_psat:agent_sa:spire-agent-front"] }
    entry "spiffe://am-multi-account-mesh/frontend" { parent: alias, selectors: ["k8s:ns:yelb", "k8s:container-name:envoy"] }

    """#

  /// The base script with each `old` text replaced (the first time it occurs) by `new`.
  static func variant(_ replacements: [(String, String)]) -> String {
    var source = base
    for (old, new) in replacements {
      guard let range = source.range(of: old) else {
        Issue.record("the base script has no \(old)")
        continue
      }
      source.replaceSubrange(range, with: new)
    }
    return source
  }

  @Test("the base script has no problem, and its computed members read while it runs")
  func valid() throws {
    #expect(ModelTestSupport.diagnostics(Self.base) == "")
    var printed = ""
    var configuration = Session.Configuration()
    configuration.output = { printed += $0 }
    configuration.standardLibrary = ModelTestSupport.packageRoot.appendingPathComponent("stdlib").path
    let outcome = Session(configuration).run(
      source: Self.base + "print(td.id, td.server_id, front.agent_id_prefix, alias.trust_domain)\n", name: "model.spire")
    #expect(outcome.succeeded)
    #expect(printed == """
      spiffe://am-multi-account-mesh spiffe://am-multi-account-mesh/spire/server \
      spiffe://am-multi-account-mesh/spire/agent/k8s_psat/frontend-k8s-cluster am-multi-account-mesh

      """)
  }

  @Test("the agents' own service account outside allow")
  func allowList() {
    let source = Self.variant([
      (#"service_account: "spire-agent-front", api_role: access)"#, #"service_account: "spire-agent-front", api_role: access, allow: ["spire:spire-agent"])"#),
    ])
    #expect(ModelTestSupport.diagnostics(source) == #"""
      model.spire:13:131: error: the agents' own service account "spire:spire-agent-front" is not in the allow list
       13 | ...cluster", cluster: edge, mesh: td, service_account: "spire-agent-front", api_role: access, allow: ["spire:spire-agent"])
          |                                                                                               ^~~~~~~~~~~~~~~~~~~~~~~~~~~~
          = help: the server rejects the tokens of service accounts outside service_account_allow_list; add "spire:spire-agent-front" to allow, or leave allow out
      model.spire:13:75: note: the agents run as "spire:spire-agent-front"
       13 | ...cluster", cluster: edge, mesh: td, service_account: "spire-agent-front", api_role: access, allow: ["spire:spire-agent"])
          |                                       ^~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~

      """#)
  }

  @Test("a cluster_name no agent set of the mesh has")
  func clusterName() {
    let source = Self.variant([
      (#"api_role: access)"#, #"api_role: access, cluster_name: "frontend-k8s-clutser")"#),
    ])
    #expect(ModelTestSupport.diagnostics(source) == #"""
      model.spire:13:131: error: the server's k8s_psat knows no cluster "frontend-k8s-clutser"
       13 | ..., cluster: edge, mesh: td, service_account: "spire-agent-front", api_role: access, cluster_name: "frontend-k8s-clutser")
          |                                                                                       ^~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
          = did you mean 'frontend-k8s-cluster'?
          = help: the server's clusters map has one key per spire.agents of mesh "am-multi-account-mesh": "frontend-k8s-cluster"; leave cluster_name out to use the name
      model.spire:12:15: note: the server of mesh "am-multi-account-mesh" is declared here
       12 | let td = mesh "am-multi-account-mesh" { server: { cluster: hub } }
          |               ^~~~~~~~~~~~~~~~~~~~~~~
      model.spire:16:96: error: the selectors of node entry "spiffe://am-multi-account-mesh/ns/spire/sa/spire-agent-front" match no agents
       16 | ...agent-front" { parent: td, selectors: ["k8s_psat:cluster:frontend-k8s-cluster", "k8s_psat:agent_sa:spire-agent-front"] }
          |                               ^~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
          = help: the closest, spire.agents "frontend-k8s-cluster", shows k8s_psat:cluster:frontend-k8s-clutser, k8s_psat:agent_ns:spire, k8s_psat:agent_sa:spire-agent-front, not k8s_psat:cluster:frontend-k8s-cluster
      model.spire:13:26: note: spire.agents "frontend-k8s-cluster" is declared here
       13 | ...ront = spire.agents("frontend-k8s-cluster", cluster: edge, mesh: td, service_account: "spire-agent-front", api_role: acc...
          |                        ^~~~~~~~~~~~~~~~~~~~~~

      """#)
  }

  @Test("agents configured with another trust domain")
  func trustDomain() {
    let source = Self.variant([
      (#"api_role: access)"#, #"api_role: access, trust_domain: "am-multi-acount-mesh")"#),
    ])
    #expect(ModelTestSupport.diagnostics(source) == #"""
      model.spire:13:131: error: the agents say trust domain "am-multi-acount-mesh", but their server's is "am-multi-account-mesh"
       13 | ..., cluster: edge, mesh: td, service_account: "spire-agent-front", api_role: access, trust_domain: "am-multi-acount-mesh")
          |                                                                                       ^~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
          = did you mean 'am-multi-account-mesh'?
          = help: agents and their server must be configured with one trust domain; leave trust_domain out to use the mesh's
      model.spire:12:15: note: mesh "am-multi-account-mesh" is declared here
       12 | let td = mesh "am-multi-account-mesh" { server: { cluster: hub } }
          |               ^~~~~~~~~~~~~~~~~~~~~~~

      """#)
  }

  @Test("agents outside the server's cluster without api_role")
  func missingAPIRole() {
    let source = Self.variant([
      (#"service_account: "spire-agent-front", api_role: access)"#, #"service_account: "spire-agent-front")"#),
    ])
    #expect(ModelTestSupport.diagnostics(source) == #"""
      model.spire:13:13: error: spire.agents "frontend-k8s-cluster" is missing its field 'api_role'
       13 | let front = spire.agents("frontend-k8s-cluster", cluster: edge, mesh: td, service_account: "spire-agent-front")
          |             ^~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
          = help: the server runs in cluster "hub"; to call the TokenReview API of cluster "edge" it assumes a role there: add api_role: aws.role(...) mapped into the cluster with aws.cluster_access
      model.spire:8:19: note: the server runs in cluster "hub"
        8 | let hub = cluster "hub" in shared { cidr: "10.10.0.0/16", network: tgw, node_role: server_role }
          |                   ^~~~~

      """#)
  }

  @Test("an api_role not mapped into the agents' cluster")
  func apiRoleNotMapped() {
    let source = Self.variant([
      (#"aws.cluster_access(cluster: edge, role: access)\#n"#, #"\#n"#),
    ])
    #expect(ModelTestSupport.diagnostics(source) == #"""
      model.spire:13:113: error: aws.role "spire-access" is not mapped into cluster "edge": TokenReview answers Unauthorized
       13 | ... = spire.agents("frontend-k8s-cluster", cluster: edge, mesh: td, service_account: "spire-agent-front", api_role: access)
          |                                                                                                           ^~~~~~~~~~~~~~~~
          = help: map it: aws.cluster_access(cluster: ..., role: ...), so the server may review the agents' tokens and read pods and nodes
      model.spire:9:20: note: cluster "edge" is declared here
        9 | let edge = cluster "edge" in frontend { cidr: "10.20.0.0/16", network: tgw }
          |                    ^~~~~~

      """#)
  }

  @Test("an api_role that does not trust the server's role")
  func apiRoleNotTrusted() {
    let source = Self.variant([
      (#"trust: [server_role])"#, #"trust: [shared])"#),
      (#"let access"#, #"let other = aws.role("other", in: shared, trust: ["service:ec2.amazonaws.com"])\#nlet access"#),
      (#"trust: [shared])"#, #"trust: [other])"#),
    ])
    #expect(ModelTestSupport.diagnostics(source) == #"""
      model.spire:14:113: error: aws.role "spire-access" does not trust the SPIRE server's aws.role "spire-server"
       14 | ... = spire.agents("frontend-k8s-cluster", cluster: edge, mesh: td, service_account: "spire-agent-front", api_role: access)
          |                                                                                                           ^~~~~~~~~~~~~~~~
          = help: the server assumes api_role from its own role; add that role (or its account) to the api_role's trust
      model.spire:11:53: note: its trust is written here
       11 | let access = aws.role("spire-access", in: frontend, trust: [other])
          |                                                     ^~~~~~~~~~~~~~

      """#)
  }

  @Test("agents with no route to the server")
  func noRoute() {
    let source = Self.variant([
      (#"{ cidr: "10.20.0.0/16", network: tgw }"#, #"{ cidr: "10.20.0.0/16" }"#),
    ])
    #expect(ModelTestSupport.diagnostics(source) == #"""
      model.spire:13:50: error: the agents in cluster "edge" have no route to their SPIRE server: cluster "edge" is on no transit gateway
       13 | ... = spire.agents("frontend-k8s-cluster", cluster: edge, mesh: td, service_account: "spire-agent-front", api_role: access)
          |                                            ^~~~~~~~~~~~~
          = help: attach both clusters to one transit gateway (network: ...) shared with the agents' account, or run the agents in the server's cluster
      model.spire:8:19: note: the server runs in cluster "hub"
        8 | let hub = cluster "hub" in shared { cidr: "10.10.0.0/16", network: tgw, node_role: server_role }
          |                   ^~~~~

      """#)
  }

  @Test("agents on a gateway not shared with their account")
  func gatewayNotShared() {
    let source = Self.variant([
      (#"share_with: [frontend]"#, #"share_with: []"#),
    ])
    #expect(ModelTestSupport.diagnostics(source) == #"""
      model.spire:9:63: error: cluster "edge" uses aws.transit_gateway "tgw", which is not shared with account "frontend"
       9 | let edge = cluster "edge" in frontend { cidr: "10.20.0.0/16", network: tgw }
         |                                                               ^~~~~~~~~~~~
         = help: add the account to the gateway's share_with, or attach the cluster to a network its account can use
      model.spire:6:31: note: aws.transit_gateway "tgw" is owned by account "shared" and shared with no one
       6 | let tgw = aws.transit_gateway("tgw", owner: shared, share_with: [], allow_external_principals: true)
         |                               ^~~~~
      model.spire:13:50: error: the agents in cluster "edge" have no route to their SPIRE server: aws.transit_gateway "tgw" is not shared with account "frontend"
       13 | ... = spire.agents("frontend-k8s-cluster", cluster: edge, mesh: td, service_account: "spire-agent-front", api_role: access)
          |                                            ^~~~~~~~~~~~~
          = help: attach both clusters to one transit gateway (network: ...) shared with the agents' account, or run the agents in the server's cluster
      model.spire:8:19: note: the server runs in cluster "hub"
        8 | let hub = cluster "hub" in shared { cidr: "10.10.0.0/16", network: tgw, node_role: server_role }
          |                   ^~~~~

      """#)
  }

  @Test("a warning: api_role mapped to system:masters")
  func tooBroad() {
    let source = Self.variant([
      (#"aws.cluster_access(cluster: edge, role: access)"#, #"aws.cluster_access(cluster: edge, role: access, groups: ["system:masters"], mode: "aws_auth")"#),
    ])
    #expect(ModelTestSupport.diagnostics(source) == #"""
      model.spire:13:113: warning: aws.role "spire-access" is cluster admin in cluster "edge", more than the server needs
       13 | ... = spire.agents("frontend-k8s-cluster", cluster: edge, mesh: td, service_account: "spire-agent-front", api_role: access)
          |                                                                                                           ^~~~~~~~~~~~~~~~
          = help: the server needs only to create tokenreviews, get pods and nodes, and update its bundle ConfigMap; map it to a group with those rights
      model.spire:11:49: note: system:masters is given here
       11 | aws.cluster_access(cluster: edge, role: access, groups: ["system:masters"], mode: "aws_auth")
          |                                                 ^~~~~~~~~~~~~~~~~~~~~~~~~~

      """#)
  }

  @Test("a warning: a copied bundle goes stale")
  func copiedBundle() {
    let source = Self.variant([
      (#"{ server: { cluster: hub } }"#, #"{ server: { cluster: hub }, bundle: "copy" }"#),
    ])
    #expect(ModelTestSupport.diagnostics(source) == #"""
      model.spire:12:67: warning: the agents of mesh "am-multi-account-mesh" get a copy of the bundle, which goes stale when the CA rotates (ca_ttl "24h")
       12 | let td = mesh "am-multi-account-mesh" { server: { cluster: hub }, bundle: "copy" }
          |                                                                   ^~~~~~~~~~~~~~
          = help: agents that start after the CA rotated cannot attest with the old bundle; use bundle: "publish" to keep a ConfigMap fresh

      """#)
  }

  @Test("a warning: insecure bootstrap")
  func insecureBootstrap() {
    let source = Self.variant([
      (#"api_role: access)"#, #"api_role: access, bundle: "insecure")"#),
    ])
    #expect(ModelTestSupport.diagnostics(source) == #"""
      model.spire:13:131: warning: the agents of "frontend-k8s-cluster" trust the first server they reach (insecure_bootstrap)
       13 | ...ntend-k8s-cluster", cluster: edge, mesh: td, service_account: "spire-agent-front", api_role: access, bundle: "insecure")
          |                                                                                                         ^~~~~~~~~~~~~~~~~~
          = help: anyone on the path can pose as the server; use it in tests only, and bundle: "publish" otherwise

      """#)
  }

  @Test("an entry under /spire/")
  func reservedPath() {
    let source = Self.variant([
      (#"entry "spiffe://am-multi-account-mesh/frontend""#, #"entry "spiffe://am-multi-account-mesh/spire/frontend""#),
    ])
    #expect(ModelTestSupport.diagnostics(source) == #"""
      model.spire:17:7: error: "spiffe://am-multi-account-mesh/spire/frontend" is under /spire/, which SPIRE keeps for itself
       17 | entry "spiffe://am-multi-account-mesh/spire/frontend" { parent: alias, selectors: ["k8s:ns:yelb", "k8s:container-name:en...
          |       ^~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
          = help: SPIRE refuses entries for the trust domain itself and under /spire (its server and agents); choose another path, such as /ns/<namespace>/sa/<service account>

      """#)
  }

  @Test("an entry in no declared trust domain")
  func unknownTrustDomain() {
    let source = Self.variant([
      (#"entry "spiffe://am-multi-account-mesh/frontend""#, #"entry "spiffe://am-multi-acount-mesh/frontend""#),
    ])
    #expect(ModelTestSupport.diagnostics(source) == #"""
      model.spire:17:7: error: "spiffe://am-multi-acount-mesh/frontend" is in trust domain "am-multi-acount-mesh", which no mesh declares
       17 | entry "spiffe://am-multi-acount-mesh/frontend" { parent: alias, selectors: ["k8s:ns:yelb", "k8s:container-name:envoy"] }
          |       ^~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
          = did you mean 'spiffe://am-multi-account-mesh/frontend'?
          = help: the declared trust domains are: am-multi-account-mesh

      """#)
  }

  @Test("a parent that is neither server, node entry nor agent")
  func unknownParent() {
    let source = Self.variant([
      (#"{ parent: alias, selectors"#, #"{ parent: "spiffe://am-multi-account-mesh/ns/spire/sa/spire-agent-frnt", selectors"#),
    ])
    #expect(ModelTestSupport.diagnostics(source) == #"""
      model.spire:17:51: error: the parent "spiffe://am-multi-account-mesh/ns/spire/sa/spire-agent-frnt" is neither the server, a node entry, nor an agent of mesh "am-multi-account-mesh"
       17 | ...nt-mesh/frontend" { parent: "spiffe://am-multi-account-mesh/ns/spire/sa/spire-agent-frnt", selectors: ["k8s:ns:yelb", "k...
          |                        ^~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
          = did you mean 'spiffe://am-multi-account-mesh/ns/spire/sa/spire-agent-front'?
          = help: no agent would be authorized to obtain this entry; the parents in this trust domain are: spiffe://am-multi-account-mesh/spire/server, spiffe://am-multi-account-mesh/ns/spire/sa/spire-agent-front, spiffe://am-multi-account-mesh/spire/agent/k8s_psat/frontend-k8s-cluster/...

      """#)
  }

  @Test("a parent in another trust domain")
  func parentInOtherTrustDomain() {
    let source = Self.variant([
      (#"let td = mesh"#, #"mesh "other-mesh" { server: { cluster: hub } }\#nlet td = mesh"#),
      (#"{ parent: alias, selectors"#, #"{ parent: "spiffe://other-mesh/spire/server", selectors"#),
    ])
    #expect(ModelTestSupport.diagnostics(source) == #"""
      model.spire:18:51: error: the parent "spiffe://other-mesh/spire/server" is in trust domain "other-mesh", the entry in "am-multi-account-mesh"
       18 | ...nt-mesh/frontend" { parent: "spiffe://other-mesh/spire/server", selectors: ["k8s:ns:yelb", "k8s:container-name:envoy"] }
          |                        ^~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
          = help: an entry's parent is its own trust domain's server or agents: parent: am-multi-account-mesh's mesh, or one of its node entries
      model.spire:13:15: note: mesh "am-multi-account-mesh" is declared here
       13 | let td = mesh "am-multi-account-mesh" { server: { cluster: hub } }
          |               ^~~~~~~~~~~~~~~~~~~~~~~

      """#)
  }

  @Test("node selectors on a workload entry")
  func nodeSelectorsOnWorkloadEntry() {
    let source = Self.variant([
      (#"["k8s:ns:yelb", "k8s:container-name:envoy"]"#, #"["k8s:ns:yelb", "k8s_psat:agent_sa:spire-agent-front"]"#),
    ])
    #expect(ModelTestSupport.diagnostics(source) == #"""
      model.spire:17:66: error: a workload entry cannot select agents with "k8s_psat:agent_sa:spire-agent-front"
       17 | ...e://am-multi-account-mesh/frontend" { parent: alias, selectors: ["k8s:ns:yelb", "k8s_psat:agent_sa:spire-agent-front"] }
          |                                                         ^~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
          = help: k8s_psat: selectors describe agents: put them in a node entry (parent: the mesh) and make that entry this one's parent

      """#)
  }

  @Test("workload selectors on a node entry")
  func workloadSelectorsOnNodeEntry() {
    let source = Self.variant([
      (#""k8s_psat:agent_sa:spire-agent-front"] }"#, #""k8s:ns:yelb"] }"#),
    ])
    #expect(ModelTestSupport.diagnostics(source) == #"""
      model.spire:16:96: error: a node entry (parent: the server) cannot select workloads with "k8s:ns:yelb"
       16 | ...-mesh/ns/spire/sa/spire-agent-front" { parent: td, selectors: ["k8s_psat:cluster:frontend-k8s-cluster", "k8s:ns:yelb"] }
          |                                                       ^~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
          = help: a node entry holds k8s_psat: selectors of agents; for workloads, make the parent a node entry or an agent

      """#)
  }

  @Test("a node entry that matches no agent set, with the closest")
  func nodeEntryMatchesNoAgents() {
    let source = Self.variant([
      (#""k8s_psat:agent_sa:spire-agent-front"] }"#, #""k8s_psat:agent_sa:spire-agent"] }"#),
    ])
    #expect(ModelTestSupport.diagnostics(source) == #"""
      model.spire:16:96: error: the selectors of node entry "spiffe://am-multi-account-mesh/ns/spire/sa/spire-agent-front" match no agents
       16 | ...spire-agent-front" { parent: td, selectors: ["k8s_psat:cluster:frontend-k8s-cluster", "k8s_psat:agent_sa:spire-agent"] }
          |                                     ^~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
          = help: the closest, spire.agents "frontend-k8s-cluster", shows k8s_psat:cluster:frontend-k8s-cluster, k8s_psat:agent_ns:spire, k8s_psat:agent_sa:spire-agent-front, not k8s_psat:agent_sa:spire-agent
      model.spire:13:26: note: spire.agents "frontend-k8s-cluster" is declared here
       13 | ...ront = spire.agents("frontend-k8s-cluster", cluster: edge, mesh: td, service_account: "spire-agent-front", api_role: acc...
          |                        ^~~~~~~~~~~~~~~~~~~~~~

      """#)
  }

  @Test("a workload entry that matches no container, with the closest and what it lacks")
  func workloadEntryMatchesNothing() {
    let source = Self.variant([
      (#""k8s:container-name:envoy"]"#, #""k8s:container-name:envoy", "k8s:pod-label:app:yelb-appserver"]"#),
    ])
    #expect(ModelTestSupport.diagnostics(source) == #"""
      model.spire:17:66: error: the selectors of "spiffe://am-multi-account-mesh/frontend" match no container of a declared workload
       17 | .../frontend" { parent: alias, selectors: ["k8s:ns:yelb", "k8s:container-name:envoy", "k8s:pod-label:app:yelb-appserver"] }
          |                                ^~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
          = help: the closest, container "envoy" of k8s.workload "yelb-ui", lacks k8s:pod-label:app:yelb-appserver
      model.spire:15:14: note: k8s.workload "yelb-ui" is declared here
       15 | k8s.workload("yelb-ui", in: edge, namespace: "yelb", labels: { app: "yelb-ui" }, containers: ["envoy", "yelb-ui"])
          |              ^~~~~~~~~

      """#)
  }

  @Test("an entry whose workloads run where its parent's agents do not")
  func parentDoesNotServe() {
    let source = Self.variant([
      (#"let edge = cluster"#, #"let hub_agents = spire.agents("hub-k8s-cluster", cluster: hub, mesh: td)\#nlet edge = cluster"#),
      (#"let td = mesh "am-multi-account-mesh" { server: { cluster: hub } }\#n"#, #""#),
      (#"let hub_agents"#, #"let td = mesh "am-multi-account-mesh" { server: { cluster: hub } }\#nlet hub_agents"#),
      (#"{ parent: alias, selectors"#, #"{ parent: "\(hub_agents.agent_id_prefix)/node-1", selectors"#),
    ])
    #expect(ModelTestSupport.diagnostics(source) == #"""
      model.spire:18:51: error: the workloads of "spiffe://am-multi-account-mesh/frontend" run in cluster "edge", where its parent's agents do not
       18 | ...nt-mesh/frontend" { parent: "\(hub_agents.agent_id_prefix)/node-1", selectors: ["k8s:ns:yelb", "k8s:container-name:envoy...
          |                        ^~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
          = help: its parent's agents run in cluster "hub"; make the parent the node entry or agents of the workloads' cluster
      model.spire:16:14: note: k8s.workload "yelb-ui" is declared here
       16 | k8s.workload("yelb-ui", in: edge, namespace: "yelb", labels: { app: "yelb-ui" }, containers: ["envoy", "yelb-ui"])
          |              ^~~~~~~~~

      """#)
  }

  @Test("the same entry twice")
  func duplicateEntry() {
    let source = Self.variant([
      (#"entry "spiffe://am-multi-account-mesh/frontend" { parent: alias, selectors: ["k8s:ns:yelb", "k8s:container-name:envoy"] }\#n"#, #"entry "spiffe://am-multi-account-mesh/frontend" { parent: alias, selectors: ["k8s:ns:yelb", "k8s:container-name:envoy"] }\#nentry "spiffe://am-multi-account-mesh/frontend" { parent: alias, selectors: ["k8s:ns:yelb"] }\#n"#),
    ])
    #expect(ModelTestSupport.diagnostics(source) == #"""
      model.spire:18:7: error: entry "spiffe://am-multi-account-mesh/frontend" is declared twice
       18 | entry "spiffe://am-multi-account-mesh/frontend" { parent: alias, selectors: ["k8s:ns:yelb"] }
          |       ^~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
          = help: names are unique within a kind; rename one, or remove the second
      model.spire:17:7: note: first declared here
       17 | entry "spiffe://am-multi-account-mesh/frontend" { parent: alias, selectors: ["k8s:ns:yelb", "k8s:container-name:envoy"] ...
          |       ^~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~

      """#)
  }

  @Test("a mesh owner that is not the server cluster's account")
  func meshOwner() {
    let source = Self.variant([
      (#"{ server: { cluster: hub } }"#, #"{ server: { cluster: hub }, owner: frontend }"#),
    ])
    #expect(ModelTestSupport.diagnostics(source) == #"""
      model.spire:12:67: error: the owner of mesh "am-multi-account-mesh" is account "frontend", but its server runs in account "shared"
       12 | let td = mesh "am-multi-account-mesh" { server: { cluster: hub }, owner: frontend }
          |                                                                   ^~~~~~~~~~~~~~~
          = help: the trust domain's owner is the account of its server's cluster; leave owner out, or write account "shared"
      model.spire:8:19: note: the server's cluster "hub" is in account "shared"
        8 | let hub = cluster "hub" in shared { cidr: "10.10.0.0/16", network: tgw, node_role: server_role }
          |                   ^~~~~

      """#)
  }

  @Test("a server with no role to assume the agents' api_role")
  func serverWithoutRole() {
    let source = Self.variant([
      (#"network: tgw, node_role: server_role }"#, #"network: tgw }"#),
      (#"trust: [server_role])"#, #"trust: [shared])"#),
    ])
    #expect(ModelTestSupport.diagnostics(source) == #"""
      model.spire:12:41: error: the SPIRE server of mesh "am-multi-account-mesh" has no IAM role to assume the agents' api_role with
       12 | let td = mesh "am-multi-account-mesh" { server: { cluster: hub } }
          |                                         ^~~~~~~~~~~~~~~~~~~~~~~~
          = help: give the server a role (server: { cluster: ..., role: ... }), or give cluster "hub" a node_role
      model.spire:13:113: note: spire.agents "frontend-k8s-cluster" needs it here
       13 | ... = spire.agents("frontend-k8s-cluster", cluster: edge, mesh: td, service_account: "spire-agent-front", api_role: access)
          |                                                                                                           ^~~~~~~~~~~~~~~~

      """#)
  }

  @Test("durations that are not")
  func durations() {
    let source = Self.variant([
      (#"{ parent: alias, selectors"#, #"{ parent: alias, ttl: "1 hour", jwt_ttl: "5m30", selectors"#),
    ])
    #expect(ModelTestSupport.diagnostics(source) == #"""
      model.spire:17:66: error: "1 hour" is not a valid duration: ' ' is not a unit; write h, m or s after each number
       17 | ...mesh/frontend" { parent: alias, ttl: "1 hour", jwt_ttl: "5m30", selectors: ["k8s:ns:yelb", "k8s:container-name:envoy"] }
          |                                    ^~~~~~~~~~~~~
          = did you mean '1h'?
          = help: ttl takes a duration such as "90s", "30m", "1h30m" or "24h", or an int of seconds
      model.spire:17:81: error: "5m30" is not a valid duration: 30 has no unit; write 30s for seconds, or the int 30
       17 | ...mesh/frontend" { parent: alias, ttl: "1 hour", jwt_ttl: "5m30", selectors: ["k8s:ns:yelb", "k8s:container-name:envoy"] }
          |                                                   ^~~~~~~~~~~~~~~
          = help: jwt_ttl takes a duration such as "90s", "30m", "1h30m" or "24h", or an int of seconds

      """#)
  }

  @Test("a mesh name that is not a trust domain")
  func meshNameNotTrustDomain() {
    let source = Self.variant([
      (#"let td = mesh "am-multi-account-mesh""#, #"let td = mesh "AM-Multi""#),
    ])
    #expect(ModelTestSupport.diagnostics(source) == #"""
      model.spire:12:15: error: "AM-Multi" is not a valid name for a mesh: a trust domain is lowercase
       12 | let td = mesh "AM-Multi" { server: { cluster: hub } }
          |               ^~~~~~~~~~
          = help: a mesh's name is lowercase letters, digits, '.', '-' and '_', such as am-multi-account-mesh
      model.spire:16:19: error: "spiffe://am-multi-account-mesh/ns/spire/sa/spire-agent-front" is in trust domain "am-multi-account-mesh", which no mesh declares
       16 | let alias = entry "spiffe://am-multi-account-mesh/ns/spire/sa/spire-agent-front" { parent: td, selectors: ["k8s_psat:clu...
          |                   ^~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
          = help: the declared trust domains are: AM-Multi
      model.spire:17:7: error: "spiffe://am-multi-account-mesh/frontend" is in trust domain "am-multi-account-mesh", which no mesh declares
       17 | entry "spiffe://am-multi-account-mesh/frontend" { parent: alias, selectors: ["k8s:ns:yelb", "k8s:container-name:envoy"] ...
          |       ^~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
          = help: the declared trust domains are: AM-Multi

      """#)
  }
}

/// `import "spire"`: the host kind and the functions of stdlib/spire.spire in one module.
@Suite("the spire module")
struct SPIREModuleTests {
  @Test("one import binds spire.agents and the standard library's helpers, whose entries are ordinary declarations")
  func bothHalves() throws {
    let topology = try ModelTestSupport.topology(#"""
      import "k8s"
      import "spire"
      let shared = account "shared" { region: "us-east-2" }
      let hub = cluster "hub" in shared { cidr: "10.10.0.0/16" }
      let td = mesh "corp" { server: { cluster: hub } }
      let agents = spire.agents("hub-k8s", cluster: hub, mesh: td, service_account: "agent")
      let ui = k8s.workload("ui", in: hub, labels: { app: "ui" }, containers: ["envoy", "ui"])
      let nodes = spire.node_alias(agents)
      spire.workload_entry(ui, "ns/default/sa/ui", parent: nodes, ttl: "30m")
      """#)
    let entries = topology.declarations(of: "entry")
    #expect(entries.map(\.name) == ["spiffe://corp/ns/spire/sa/agent", "spiffe://corp/ns/default/sa/ui"])
    #expect(entries[0][field: "selectors"] == .list([
      .string("k8s_psat:cluster:hub-k8s"), .string("k8s_psat:agent_ns:spire"), .string("k8s_psat:agent_sa:agent"),
    ]))
    #expect(entries[1][field: "parent"] == .reference(entries[0].id))
    #expect(entries[1][field: "selectors"] == .list([
      .string("k8s:ns:default"), .string("k8s:sa:default"), .string("k8s:pod-label:app:ui"), .string("k8s:container-name:envoy"),
    ]))
    #expect(entries[1][field: "ttl"] == .string("30m"))
  }

  @Test("a helper given the wrong handle says which it takes")
  func wrongHandle() {
    let source = #"""
      import "spire"
      let shared = account "shared" { region: "us-east-2" }
      spire.node_alias(shared)
      """#
    #expect(ModelTestSupport.diagnostics(source).contains("node_alias takes a spire.agents(...) handle, not account"))
  }
}

/// What a trust domain lowers to, so that `plan` shows it.
@Suite("SPIRE lowering")
struct SPIRELoweringTests {
  @Test("server, CA, one psat cluster, agents and bundle per agent set, and an entry per entry, each waiting for what it needs")
  func resources() throws {
    let topology = try ModelTestSupport.topology(SPIRECheckTests.base)
    let resources = DesiredState.resources(for: topology).filter { $0.address.type.hasPrefix("spire.") }
    #expect(resources.map(\.address.description) == [
      "spire.server.am-multi-account-mesh", "spire.ca.am-multi-account-mesh",
      "spire.psat_cluster.am-multi-account-mesh/frontend-k8s-cluster", "spire.bundle.am-multi-account-mesh/frontend-k8s-cluster",
      "spire.agents.am-multi-account-mesh/frontend-k8s-cluster",
      "spire.entry.spiffe://am-multi-account-mesh/ns/spire/sa/spire-agent-front", "spire.entry.spiffe://am-multi-account-mesh/frontend",
    ])
    func resource(_ type: String, _ name: String) throws -> Resource {
      try #require(resources.first { $0.address == ResourceAddress(type: type, name: name) })
    }
    let psat = try resource("spire.psat_cluster", "am-multi-account-mesh/frontend-k8s-cluster")
    #expect(psat[attribute: "allow"] == .list([.string("spire:spire-agent-front")]))
    #expect(psat.dependencies.contains(ResourceAddress(type: "eks.access", name: "edge/frontend/spire-access")))
    #expect(psat.placement.cluster == "hub")
    let agents = try resource("spire.agents", "am-multi-account-mesh/frontend-k8s-cluster")
    #expect(agents.placement.cluster == "edge")
    #expect(agents.dependencies.contains(ResourceAddress(type: "spire.bundle", name: "am-multi-account-mesh/frontend-k8s-cluster")))
    let workload = try resource("spire.entry", "spiffe://am-multi-account-mesh/frontend")
    #expect(workload[attribute: "parent_id"] == .string("spiffe://am-multi-account-mesh/ns/spire/sa/spire-agent-front"))
    #expect(workload[attribute: "x509_svid_ttl"] == .int(3600))
    #expect(workload.dependencies.contains(ResourceAddress(type: "spire.entry", name: "spiffe://am-multi-account-mesh/ns/spire/sa/spire-agent-front")))
    #expect(workload.replaceOnChange == ["spiffe_id"])
  }
}

extension SPIRELoweringTests {
  @Test("agents in another VPC than their server's wait for the routes and attachments of both VPCs; the server's own do not")
  func agentsWaitForThePath() throws {
    let outcome = ModelTestSupport.session().run(file: GraphTests.tutorialPath)
    guard outcome.succeeded else { Issue.record("\(outcome.diagnostics)"); return }
    let resources = DesiredState.resources(for: outcome.topology)
    func dependencies(_ name: String) -> [String] {
      let agents = resources.first { $0.address == ResourceAddress(type: "spire.agents", name: name) }
      return (agents?.dependencies ?? []).map(\.description).sorted()
    }
    // The tutorial's server runs in eks-cluster-shared; backend's agents reach it through the gateway.
    let backend = dependencies("am-multi-account-mesh/backend-k8s-cluster")
    let path = backend.filter { $0.hasPrefix("ec2.") }
    let routes = resources.filter {
      $0.address.type == "ec2.route" && ["eks-cluster-backend", "eks-cluster-shared"].contains($0[attribute: "vpc"]?.string)
    }
    #expect(!routes.isEmpty)
    #expect(
      path
        == (routes.map(\.address.description) + [
          "ec2.transit_gateway_attachment.eks-cluster-backend", "ec2.transit_gateway_attachment.eks-cluster-shared",
        ]).sorted())
    #expect(!dependencies("am-multi-account-mesh/frontend-k8s-cluster").filter { $0.hasPrefix("ec2.route.") }.isEmpty)
  }
}
