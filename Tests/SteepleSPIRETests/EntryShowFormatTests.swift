import Testing

@testable import SteepleSPIRE

@Suite struct EntryShowFormatTests {
  @Test func textIsSPIRE115sLayout() throws {
    let store = try TutorialEntries.store()
    let text = EntryShowFormat.text(Array(store.entries.prefix(1)) + [store.entries[2]])
    #expect(
      text == """
        Found 2 entries
        Entry ID                : entry-1
        SPIFFE ID               : spiffe://am-multi-account-mesh/ns/spire/sa/spire-agent-front
        Parent ID               : spiffe://am-multi-account-mesh/spire/server
        Revision                : 0
        X509-SVID TTL           : default
        JWT-SVID TTL            : default
        Selector                : k8s_psat:cluster:frontend-k8s-cluster
        Selector                : k8s_psat:agent_ns:spire
        Selector                : k8s_psat:agent_sa:spire-agent-front

        Entry ID                : entry-3
        SPIFFE ID               : spiffe://am-multi-account-mesh/frontend
        Parent ID               : spiffe://am-multi-account-mesh/ns/spire/sa/spire-agent-front
        Revision                : 0
        X509-SVID TTL           : default
        JWT-SVID TTL            : default
        Selector                : k8s:ns:yelb
        Selector                : k8s:sa:default
        Selector                : k8s:pod-label:app:yelb-ui
        Selector                : k8s:pod-label:tier:frontend
        Selector                : k8s:container-name:envoy


        """)
  }

  @Test func optionalLinesAppearWhenSetInSPIREsOrder() throws {
    var entry = TutorialEntries.all[4]
    entry.id = "e"
    entry.downstream = true
    entry.x509SVIDTTL = 3600
    entry.jwtSVIDTTL = 300
    entry.expiresAt = 1_552_410_266
    entry.federatesWith = [try TrustDomain("domain.test")]
    entry.dnsNames = ["yelb-db.yelb.svc.cluster.local"]
    entry.admin = true
    entry.storeSVID = true
    entry.hint = "db"
    entry.selectors = [try Selector(parsing: "k8s:ns:yelb")]
    #expect(EntryShowFormat.text([entry]) == """
      Found 1 entry
      Entry ID                : e
      SPIFFE ID               : spiffe://am-multi-account-mesh/yelbdb
      Parent ID               : spiffe://am-multi-account-mesh/ns/spire/sa/spire-agent-back
      Revision                : 0
      Downstream              : true
      X509-SVID TTL           : 3600
      JWT-SVID TTL            : 300
      Expiration time         : 2019-03-12 17:04:26 +0000 UTC
      Selector                : k8s:ns:yelb
      FederatesWith           : domain.test
      DNS name                : yelb-db.yelb.svc.cluster.local
      Admin                   : true
      StoreSvid               : true
      Hint                    : db


      """)
    #expect(EntryShowFormat.text([]) == "Found 0 entries\n")
  }

  @Test func jsonIsSPIREsProtojsonShape() throws {
    let store = try TutorialEntries.store()
    let created = String(Int64(testNow.timeIntervalSince1970))
    #expect(
      EntryShowFormat.json([store.entries[3]])
        == #"{"entries":[{"admin":false,"created_at":"\#(created)","dns_names":[],"downstream":false,"expires_at":"0","federates_with":[],"hint":"","id":"entry-4","jwt_svid_ttl":0,"parent_id":{"path":"/ns/spire/sa/spire-agent-back","trust_domain":"am-multi-account-mesh"},"revision_number":"0","selectors":[{"type":"k8s","value":"ns:yelb"},{"type":"k8s","value":"sa:default"},{"type":"k8s","value":"pod-label:app:redis-server"},{"type":"k8s","value":"pod-label:tier:cache"},{"type":"k8s","value":"container-name:envoy"}],"spiffe_id":{"path":"/redis","trust_domain":"am-multi-account-mesh"},"store_svid":false,"x509_svid_ttl":0}],"next_page_token":""}"#
        + "\n")
    #expect(EntryShowFormat.json([]) == #"{"entries":[],"next_page_token":""}"# + "\n")
  }

  @Test func jsonEscapesAsGoDoes() {
    #expect(JSONValue.string("a<b>&\"\n\u{1}").encoded() == #""a\u003cb\u003e\u0026\"\n\u0001""#)
  }
}
