import Steeple
import SteepleCatalog
import SteepleEngine
import Testing

/// The mesh's policy (`mesh.service`, `mesh.allow`) and `verify`'s operands, each check as the text
/// a user reads: one valid mesh of two services in one cluster, changed in one place per test.
@Suite("Mesh policy checks")
struct MeshPolicyCheckTests {
  /// Agents, two workloads with their entries, the appserver admitting the ui, the ui calling it, and one check of each kind: no problem.
  static let base = #"""
    import "aws"
    import "k8s"
    import "spire"
    import "mesh"
    let shared = account "shared" { region: "us-east-2" }
    let hub = cluster "hub" in shared { cidr: "10.10.0.0/16" }
    let td = mesh "am-multi-account-mesh" { server: { cluster: hub } }
    let nodes = spire.agents("hub-k8s-cluster", cluster: hub, mesh: td)
    k8s.namespace("yelb", in: hub)
    let ui_pods = k8s.workload("yelb-ui", in: hub, namespace: "yelb", labels: { app: "yelb-ui" }, containers: ["yelb-ui"], ports: [80])
    let app_pods = k8s.workload("yelb-appserver", in: hub, namespace: "yelb", labels: { app: "yelb-appserver" }, containers: ["yelb-appserver"], ports: [4567])
    let alias = spire.node_alias(nodes)
    let ui_id = spire.workload_entry(ui_pods, "ns/yelb/sa/yelb-ui", parent: alias)
    let app_id = spire.workload_entry(app_pods, "ns/yelb/sa/yelb-appserver", parent: alias)
    let app = mesh.service("yelb-appserver", workload: app_pods, identity: app_id, port: 4567, allow: [ui_id])
    let ui = mesh.service("yelb-ui", workload: ui_pods, identity: ui_id, port: 80, tls: "permissive", public: true, calls: [app])
    verify mtls ui -> app
    verify denied app -> ui
    verify svid ui { valid_for: "30m" }
    verify attested nodes { after: "2h", stop: [nodes] }
    verify all

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

  static func lines(_ lines: String...) -> String { lines.joined(separator: "\n") }

  @Test("the base script has no problem, and a service's identity_id reads while it runs")
  func valid() {
    #expect(ModelTestSupport.diagnostics(Self.base) == "")
    var printed = ""
    var configuration = Session.Configuration()
    configuration.output = { printed += $0 }
    configuration.standardLibrary = ModelTestSupport.packageRoot.appendingPathComponent("stdlib").path
    let outcome = Session(configuration).run(source: Self.base + "print(ui.identity_id, app.identity_id)\n", name: "model.spire")
    #expect(outcome.succeeded)
    #expect(printed == "spiffe://am-multi-account-mesh/ns/yelb/sa/yelb-ui spiffe://am-multi-account-mesh/ns/yelb/sa/yelb-appserver\n")
  }

  @Test("an identity whose entry selects another container than the proxy, with the selectors it lacks")
  func selectorsMissing() {
    let source = Self.variant([
      (#"let ui_id = spire.workload_entry(ui_pods, "ns/yelb/sa/yelb-ui", parent: alias)"#, #"let ui_id = entry "spiffe://am-multi-account-mesh/ns/yelb/sa/yelb-ui" { parent: alias, selectors: ["k8s:ns:yelb", "k8s:container-name:yelb-ui"] }"#),
    ])
    #expect(ModelTestSupport.diagnostics(source) == #"""
      model.spire:16:53: error: entry "spiffe://am-multi-account-mesh/ns/yelb/sa/yelb-ui" is not issued to the proxy of mesh.service "yelb-ui": its selectors are not all shown by container "envoy" of k8s.workload "yelb-ui"
       16 | ...i = mesh.service("yelb-ui", workload: ui_pods, identity: ui_id, port: 80, tls: "permissive", public: true, calls: [app])
          |                                                   ^~~~~~~~~~~~~~~
          = help: container "envoy" lacks k8s:container-name:yelb-ui; it shows k8s:ns:yelb, k8s:sa:default, k8s:pod-name:yelb-ui, k8s:pod-label:app:yelb-ui, k8s:container-name:envoy
      model.spire:13:88: note: the entry's selectors are written here
       13 | ...://am-multi-account-mesh/ns/yelb/sa/yelb-ui" { parent: alias, selectors: ["k8s:ns:yelb", "k8s:container-name:yelb-ui"] }
          |                                                                  ^~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
      model.spire:19:1: error: verify svid can never pass: no entry issues "spiffe://am-multi-account-mesh/ns/yelb/sa/yelb-ui" to container "envoy" of mesh.service "yelb-ui"
       19 | verify svid ui { valid_for: "30m" }
          | ^~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
          = help: declare an entry with that ID whose selectors container "envoy" shows: k8s:ns:yelb, k8s:sa:default, k8s:pod-name:yelb-ui, k8s:pod-label:app:yelb-ui, k8s:container-name:envoy
      model.spire:16:23: note: mesh.service "yelb-ui" is declared here
       16 | ...t ui = mesh.service("yelb-ui", workload: ui_pods, identity: ui_id, port: 80, tls: "permissive", public: true, calls: [ap...
          |                        ^~~~~~~~~

      """#)
  }

  @Test("an identity no entry issues, with the closest ID")
  func noEntry() {
    let source = Self.variant([
      (#"identity: app_id,"#, #"identity: "spiffe://am-multi-account-mesh/ns/yelb/sa/yelb-appservr","#),
    ])
    #expect(ModelTestSupport.diagnostics(source) == #"""
      model.spire:15:62: error: no entry issues "spiffe://am-multi-account-mesh/ns/yelb/sa/yelb-appservr", the identity of mesh.service "yelb-appserver"
       15 | ...r", workload: app_pods, identity: "spiffe://am-multi-account-mesh/ns/yelb/sa/yelb-appservr", port: 4567, allow: [ui_id])
          |                            ^~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
          = did you mean 'spiffe://am-multi-account-mesh/ns/yelb/sa/yelb-appserver'?
          = help: its proxy would have no SVID to present; declare the entry for container "envoy" of its workload, such as spire.workload_entry(workload, path, parent: ...)
      model.spire:17:1: error: verify mtls yelb-ui -> yelb-appserver can never pass: no entry issues the identity of mesh.service "yelb-appserver" (spiffe://am-multi-account-mesh/ns/yelb/sa/yelb-appservr)
       17 | verify mtls ui -> app
          | ^~~~~~~~~~~~~~~~~~~~~
          = help: the policy refuses this edge; admit the caller with mesh.allow(to: ..., from: ...) or the callee's allow, or verify denied
      model.spire:15:24: note: mesh.service "yelb-appserver" is declared here
       15 | ... app = mesh.service("yelb-appserver", workload: app_pods, identity: "spiffe://am-multi-account-mesh/ns/yelb/sa/yelb-apps...
          |                        ^~~~~~~~~~~~~~~~
      model.spire:18:1: error: verify denied yelb-appserver -> yelb-ui can never pass: no entry issues the identity of mesh.service "yelb-appserver" (spiffe://am-multi-account-mesh/ns/yelb/sa/yelb-appservr)
       18 | verify denied app -> ui
          | ^~~~~~~~~~~~~~~~~~~~~~~
          = help: denied passes only when the handshake is refused for the policy's reason; without an SVID it fails earlier
      model.spire:15:24: note: mesh.service "yelb-appserver" is declared here
       15 | ... app = mesh.service("yelb-appserver", workload: app_pods, identity: "spiffe://am-multi-account-mesh/ns/yelb/sa/yelb-apps...
          |                        ^~~~~~~~~~~~~~~~

      """#)
  }

  @Test("a call the callee does not admit, at calls, and the mtls check that can never pass")
  func callNotAdmitted() {
    let source = Self.variant([
      (#", allow: [ui_id])"#, #")"#),
    ])
    #expect(ModelTestSupport.diagnostics(source) == #"""
      model.spire:16:113: error: mesh.service "yelb-ui" calls mesh.service "yelb-appserver", whose listener does not admit "spiffe://am-multi-account-mesh/ns/yelb/sa/yelb-ui"
       16 | ...i = mesh.service("yelb-ui", workload: ui_pods, identity: ui_id, port: 80, tls: "permissive", public: true, calls: [app])
          |                                                                                                               ^~~~~~~~~~~~
          = help: admit it where the callee is declared, allow: [..., "spiffe://am-multi-account-mesh/ns/yelb/sa/yelb-ui"], or from here: mesh.allow(to: <yelb-appserver>, from: <yelb-ui>)
      model.spire:15:24: note: mesh.service "yelb-appserver" admits no one
       15 | let app = mesh.service("yelb-appserver", workload: app_pods, identity: app_id, port: 4567)
          |                        ^~~~~~~~~~~~~~~~
      model.spire:17:1: error: verify mtls yelb-ui -> yelb-appserver can never pass: mesh.service "yelb-appserver" does not admit "spiffe://am-multi-account-mesh/ns/yelb/sa/yelb-ui"
       17 | verify mtls ui -> app
          | ^~~~~~~~~~~~~~~~~~~~~
          = help: the policy refuses this edge; admit the caller with mesh.allow(to: ..., from: ...) or the callee's allow, or verify denied
      model.spire:15:24: note: mesh.service "yelb-appserver" is declared here
       15 | let app = mesh.service("yelb-appserver", workload: app_pods, identity: app_id, port: 4567)
          |                        ^~~~~~~~~~~~~~~~

      """#)
  }

  @Test("allow on a listener without TLS")
  func allowWithoutTLS() {
    let source = Self.variant([
      (#"port: 4567, allow"#, #"port: 4567, tls: "none", allow"#),
    ])
    #expect(ModelTestSupport.diagnostics(source) == #"""
      model.spire:15:105: error: mesh.service "yelb-appserver" admits callers by SPIFFE ID, but its listener has no TLS
       15 | let app = mesh.service("yelb-appserver", workload: app_pods, identity: app_id, port: 4567, tls: "none", allow: [ui_id])
          |                                                                                                         ^~~~~~~~~~~~~~
          = help: without a client certificate there is no ID to match and anyone may call it; use tls: "strict", or drop allow
      model.spire:15:92: note: tls is none here
       15 | let app = mesh.service("yelb-appserver", workload: app_pods, identity: app_id, port: 4567, tls: "none", allow: [ui_id])
          |                                                                                            ^~~~~~~~~~~

      """#)
  }

  @Test("public with strict TLS")
  func publicStrict() {
    let source = Self.variant([
      (#"tls: "permissive", "#, #""#),
    ])
    #expect(ModelTestSupport.diagnostics(source) == #"""
      model.spire:16:80: error: mesh.service "yelb-ui" is public, but its listener requires a client certificate
       16 | let ui = mesh.service("yelb-ui", workload: ui_pods, identity: ui_id, port: 80, public: true, calls: [app])
          |                                                                                ^~~~~~~~~~~~
          = help: clients outside the mesh have no SVID; use tls: "permissive" to accept them in plain text too, or drop public

      """#)
  }

  @Test("a port the workload does not serve")
  func portNotServed() {
    let source = Self.variant([
      (#"port: 4567, allow"#, #"port: 4568, allow"#),
    ])
    #expect(ModelTestSupport.diagnostics(source) == #"""
      model.spire:15:80: error: k8s.workload "yelb-appserver" does not serve port 4568
       15 | let app = mesh.service("yelb-appserver", workload: app_pods, identity: app_id, port: 4568, allow: [ui_id])
          |                                                                                ^~~~~~~~~~
          = did you mean '4567'?
          = help: it serves 4567; the listener forwards to one of them
      model.spire:11:29: note: k8s.workload "yelb-appserver" is declared here
       11 | ...pods = k8s.workload("yelb-appserver", in: hub, namespace: "yelb", labels: { app: "yelb-appserver" }, containers: ["yelb-...
          |                        ^~~~~~~~~~~~~~~~

      """#)
  }

  @Test("an admission from another trust domain")
  func admissionAcrossTrustDomains() {
    let source = Self.variant([
      (#"allow: [ui_id])"#, #"allow: [ui_id, "spiffe://other-domain/ns/yelb/sa/tracker"])"#),
    ])
    #expect(ModelTestSupport.diagnostics(source) == #"""
      model.spire:15:92: error: mesh.service "yelb-appserver" in trust domain "am-multi-account-mesh" admits "spiffe://other-domain/ns/yelb/sa/tracker" of "other-domain"
       15 | ...ppserver", workload: app_pods, identity: app_id, port: 4567, allow: [ui_id, "spiffe://other-domain/ns/yelb/sa/tracker"])
          |                                                                 ^~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
          = help: its listener validates client certificates against its own trust domain's bundle only, so that caller's SVID never verifies; federation is not modelled
      model.spire:15:62: note: its identity is written here
       15 | ...ppserver", workload: app_pods, identity: app_id, port: 4567, allow: [ui_id, "spiffe://other-domain/ns/yelb/sa/tracker"])
          |                                   ^~~~~~~~~~~~~~~~

      """#)
  }

  @Test("a call to a service in another trust domain")
  func callAcrossTrustDomains() {
    let source = Self.variant([
      (#"calls: [app])"#, #"calls: [app, ext])"#),
      (#"let ui = "#, Self.lines(#"let ext = mesh.service("ext", workload: app_pods, identity: "spiffe://other-domain/ext", port: 4567)"#, #"let ui = "#)),
    ])
    #expect(ModelTestSupport.diagnostics(source) == #"""
      model.spire:16:51: error: no entry issues "spiffe://other-domain/ext", the identity of mesh.service "ext"
       16 | let ext = mesh.service("ext", workload: app_pods, identity: "spiffe://other-domain/ext", port: 4567)
          |                                                   ^~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
          = help: its proxy would have no SVID to present; declare the entry for container "envoy" of its workload, such as spire.workload_entry(workload, path, parent: ...)
      model.spire:17:113: error: mesh.service "yelb-ui" in trust domain "am-multi-account-mesh" calls mesh.service "ext" in "other-domain"
       17 | ...esh.service("yelb-ui", workload: ui_pods, identity: ui_id, port: 80, tls: "permissive", public: true, calls: [app, ext])
          |                                                                                                          ^~~~~~~~~~~~~~~~~
          = help: each side validates the other against its own trust domain's bundle, so the handshake fails; federation is not modelled
      model.spire:16:51: note: the callee's identity is written here
       16 | let ext = mesh.service("ext", workload: app_pods, identity: "spiffe://other-domain/ext", port: 4567)
          |                                                   ^~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~

      """#)
  }

  @Test("a warning for an admitted ID no entry issues")
  func allowNotIssued() {
    let source = Self.variant([
      (#"allow: [ui_id])"#, #"allow: [ui_id, "spiffe://am-multi-account-mesh/ns/yelb/sa/tracker"])"#),
    ])
    #expect(ModelTestSupport.diagnostics(source) == #"""
      model.spire:15:92: warning: mesh.service "yelb-appserver" admits "spiffe://am-multi-account-mesh/ns/yelb/sa/tracker", which no entry issues
       15 | ..., workload: app_pods, identity: app_id, port: 4567, allow: [ui_id, "spiffe://am-multi-account-mesh/ns/yelb/sa/tracker"])
          |                                                        ^~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
          = help: no workload can present that ID; declare its entry, or admit an entry handle instead of a string

      """#)
  }

  @Test("mesh.allow across trust domains, and naming an ID no entry issues")
  func meshAllow() {
    let source = Self.variant([
      (#"verify all"#, Self.lines(#"verify all"#, #"mesh.allow(to: app, from: "spiffe://other-domain/tracker")"#, #"mesh.allow(to: ui, from: "spiffe://am-multi-account-mesh/ns/yelb/sa/trackr")"#)),
    ])
    #expect(ModelTestSupport.diagnostics(source) == #"""
      model.spire:22:21: error: mesh.allow admits "spiffe://other-domain/tracker" of "other-domain" to mesh.service "yelb-appserver" in "am-multi-account-mesh"
       22 | mesh.allow(to: app, from: "spiffe://other-domain/tracker")
          |                     ^~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
          = help: the listener validates client certificates against its own trust domain's bundle only, so that caller's SVID never verifies; federation is not modelled
      model.spire:15:62: note: the service's identity is written here
       15 | let app = mesh.service("yelb-appserver", workload: app_pods, identity: app_id, port: 4567, allow: [ui_id])
          |                                                              ^~~~~~~~~~~~~~~~
      model.spire:23:20: warning: mesh.allow admits "spiffe://am-multi-account-mesh/ns/yelb/sa/trackr", which no entry issues
       23 | mesh.allow(to: ui, from: "spiffe://am-multi-account-mesh/ns/yelb/sa/trackr")
          |                    ^~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
          = help: no workload can present that ID; declare its entry, or pass an entry handle instead of a string

      """#)
  }

  @Test("mesh.allow to a listener without TLS")
  func meshAllowWithoutTLS() {
    let source = Self.variant([
      (#"port: 4567, allow: [ui_id]"#, #"port: 4567, tls: "none""#),
      (#"verify all"#, Self.lines(#"verify all"#, #"mesh.allow(to: app, from: ui)"#)),
    ])
    #expect(ModelTestSupport.diagnostics(source) == #"""
      model.spire:22:12: error: mesh.allow admits "spiffe://am-multi-account-mesh/ns/yelb/sa/yelb-ui" to mesh.service "yelb-appserver", whose listener has no TLS
       22 | mesh.allow(to: app, from: ui)
          |            ^~~~~~~
          = help: without a client certificate there is no ID to match and anyone may call it; give the service tls: "strict", or drop this mesh.allow
      model.spire:15:92: note: tls is none here
       15 | let app = mesh.service("yelb-appserver", workload: app_pods, identity: app_id, port: 4567, tls: "none")
          |                                                                                            ^~~~~~~~~~~

      """#)
  }

  @Test("verify operands that name nothing, the wrong kind, or too many")
  func operands() {
    let source = Self.variant([
      (#"verify all"#, Self.lines(#"verify all"#, #"verify mtls "no-such" -> "also-none""#, #"verify mtls "yelb-iu" -> app"#, #"verify svid app -> ui"#, #"verify attested ui"#)),
    ])
    #expect(ModelTestSupport.diagnostics(source) == #"""
      model.spire:22:13: error: verify mtls: no mesh.service (or workload behind one) is named "no-such"
       22 | verify mtls "no-such" -> "also-none"
          |             ^~~~~~~~~
          = help: the names are: yelb-appserver, yelb-ui; a handle names one exactly
      model.spire:22:26: error: verify mtls: no mesh.service (or workload behind one) is named "also-none"
       22 | verify mtls "no-such" -> "also-none"
          |                          ^~~~~~~~~~~
          = help: the names are: yelb-appserver, yelb-ui; a handle names one exactly
      model.spire:23:13: error: verify mtls: no mesh.service (or workload behind one) is named "yelb-iu"
       23 | verify mtls "yelb-iu" -> app
          |             ^~~~~~~~~
          = did you mean 'yelb-ui'?
          = help: the names are: yelb-appserver, yelb-ui; a handle names one exactly
      model.spire:24:1: error: verify svid takes one operand, not 2
       24 | verify svid app -> ui
          | ^~~~~~~~~~~~~~~~~~~~~
          = help: write verify svid ui (a mesh.service or k8s.workload handle)
      model.spire:25:17: error: verify attested takes a spire.agents, not mesh.service "yelb-ui"
       25 | verify attested ui
          |                 ^~
          = help: write verify attested front (a spire.agents handle)

      """#)
  }

  @Test("checks that can never pass: mtls the policy denies, denied it allows, svid of another ID")
  func neverPasses() {
    let source = Self.variant([
      (#"verify all"#, Self.lines(#"verify all"#, #"verify mtls app -> ui"#, #"verify denied ui -> app"#, #"verify svid "yelb-appserver" { id: "spiffe://am-multi-account-mesh/other" }"#)),
    ])
    #expect(ModelTestSupport.diagnostics(source) == #"""
      model.spire:22:1: error: verify mtls yelb-appserver -> yelb-ui can never pass: mesh.service "yelb-ui" does not admit "spiffe://am-multi-account-mesh/ns/yelb/sa/yelb-appserver"
       22 | verify mtls app -> ui
          | ^~~~~~~~~~~~~~~~~~~~~
          = help: the policy refuses this edge; admit the caller with mesh.allow(to: ..., from: ...) or the callee's allow, or verify denied
      model.spire:16:23: note: mesh.service "yelb-ui" is declared here
       16 | ...t ui = mesh.service("yelb-ui", workload: ui_pods, identity: ui_id, port: 80, tls: "permissive", public: true, calls: [ap...
          |                        ^~~~~~~~~
      model.spire:23:1: error: verify denied yelb-ui -> yelb-appserver can never pass: mesh.service "yelb-appserver" admits "spiffe://am-multi-account-mesh/ns/yelb/sa/yelb-ui"
       23 | verify denied ui -> app
          | ^~~~~~~~~~~~~~~~~~~~~~~
          = help: the policy allows this edge; remove the admission, or verify mtls
      model.spire:15:92: note: it is admitted here
       15 | let app = mesh.service("yelb-appserver", workload: app_pods, identity: app_id, port: 4567, allow: [ui_id])
          |                                                                                            ^~~~~~~~~~~~~~
      model.spire:24:1: error: verify svid can never pass: mesh.service "yelb-appserver" presents "spiffe://am-multi-account-mesh/ns/yelb/sa/yelb-appserver", not "spiffe://am-multi-account-mesh/other"
       24 | verify svid "yelb-appserver" { id: "spiffe://am-multi-account-mesh/other" }
          | ^~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
          = help: its proxy holds the SVID of its identity; write id: "spiffe://am-multi-account-mesh/ns/yelb/sa/yelb-appserver", or leave id out
      model.spire:15:24: note: mesh.service "yelb-appserver" is declared here
       15 | let app = mesh.service("yelb-appserver", workload: app_pods, identity: app_id, port: 4567, allow: [ui_id])
          |                        ^~~~~~~~~~~~~~~~

      """#)
  }

  @Test("verify svid of a workload no entry applies to")
  func svidOfWorkload() {
    let source = Self.variant([
      (#"verify all"#, Self.lines(#"verify all"#, #"k8s.workload("redis-server", in: hub, namespace: "yelb", containers: ["redis-server"])"#, #"verify svid "redis-server""#)),
    ])
    #expect(ModelTestSupport.diagnostics(source) == #"""
      model.spire:23:1: error: verify svid can never pass: no entry applies to a container of k8s.workload "redis-server"
       23 | verify svid "redis-server"
          | ^~~~~~~~~~~~~~~~~~~~~~~~~~
          = help: an entry applies when its k8s: selectors are all shown by one container; declare one, such as spire.workload_entry(workload, path, parent: ...)
      model.spire:22:14: note: k8s.workload "redis-server" is declared here
       22 | k8s.workload("redis-server", in: hub, namespace: "yelb", containers: ["redis-server"])
          |              ^~~~~~~~~~~~~~

      """#)
  }
}
