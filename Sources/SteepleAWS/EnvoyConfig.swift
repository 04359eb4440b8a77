import SteepleEngine

/// The Envoy (v3 API) bootstrap of one mesh service's proxy, beside its workload: an inbound
/// listener in front of the workload's port, presenting the service's SVID and admitting only the
/// SPIFFE IDs of its policy, and for each call an outbound listener on `127.0.0.1:<callee port>`
/// whose upstream presents the same SVID and accepts only the callee's. Certificates and the trust
/// bundle come by SDS from the SPIRE agent's socket: the certificate named by the service's SPIFFE
/// ID, the validation context by the trust domain's ID (`spiffe://<td>`), SAN matchers typed URI.
enum EnvoyConfig {
  /// The folder the bootstraps are written to, for reading (the ConfigMaps carry the same text).
  static let folder = "envoy"
  /// The port the inbound listener takes; the Service's `targetPort`.
  static let inboundPort = 15001
  static let adminPort = 9901
  /// The Envoy image, a release of the 1.39 line.
  static let image = "envoyproxy/envoy:v1.39.5"
  static let agentCluster = "spire_agent"

  /// The name of the upstream cluster a caller's proxy dials `callee` (a service name) through.
  static func upstreamCluster(_ callee: String) -> String { "upstream_\(callee)" }

  /// The prefix of the inbound listener's statistics (`listener.0.0.0.0_15001.ssl.handshake`).
  static var inboundListenerStats: String { "listener.0.0.0.0_\(inboundPort)" }

  /// The prefix of an upstream cluster's statistics (`cluster.upstream_b.ssl.handshake`).
  static func upstreamClusterStats(_ callee: String) -> String { "cluster." + upstreamCluster(callee) }

  /// Where a callee is reached from its callers: a host name and a port.
  struct Upstream {
    let service: Resource
    let host: String
    let port: Int
  }

  static func bootstrap(_ service: Resource, admits: [String], upstreams: [Upstream]) -> YAMLNode {
    let name = service.string("service") ?? service.address.name
    let trustDomain = service.string("trust_domain") ?? ""
    let identity = service.string("identity")
    let tls = service.string("tls") ?? "strict"
    let appPort = service.int("port") ?? 0
    var listeners: [YAMLNode] = [inboundListener(identity: identity, trustDomain: trustDomain, tls: tls, admits: admits)]
    var clusters: [YAMLNode] = [
      spireAgentCluster,
      staticCluster("local_app", host: "127.0.0.1", port: appPort),
    ]
    for upstream in upstreams {
      let callee = upstream.service.string("service") ?? upstream.service.address.name
      let clusterName = upstreamCluster(callee)
      listeners.append(
        .object([
          ("name", .string("outbound_\(callee)")),
          ("address", socketAddress("127.0.0.1", upstream.service.int("port") ?? upstream.port)),
          ("filter_chains", .list([.object([("filters", .list([tcpProxy("outbound_\(callee)", cluster: clusterName)]))])])),
        ]))
      var cluster: [(String, YAMLNode?)] = [
        ("name", .string(clusterName)), ("connect_timeout", .string("5s")), ("type", .string("LOGICAL_DNS")),
        ("dns_lookup_family", .string("V4_ONLY")),
        ("load_assignment", loadAssignment(clusterName, address: socketAddress(upstream.host, upstream.port))),
      ]
      if upstream.service.string("tls") != "none", let calleeIdentity = upstream.service.string("identity") {
        cluster.append(
          (
            "transport_socket",
            .object([
              ("name", .string("envoy.transport_sockets.tls")),
              (
                "typed_config",
                .object([
                  ("@type", .string("type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext")),
                  ("common_tls_context", commonTLSContext(identity: identity, trustDomain: trustDomain, admits: [calleeIdentity])),
                ])
              ),
            ])
          ))
      }
      clusters.append(.object(cluster))
    }
    return .object([
      ("node", .object([("id", .string(name)), ("cluster", .string(name))])),
      ("admin", .object([("address", socketAddress("127.0.0.1", adminPort))])),
      ("static_resources", .object([("listeners", .list(listeners)), ("clusters", .list(clusters))])),
    ])
  }

  static func inboundListener(identity: String?, trustDomain: String, tls: String, admits: [String]) -> YAMLNode {
    let plain = YAMLNode.object([("filters", .list([tcpProxy("inbound", cluster: "local_app")]))])
    let secured = YAMLNode.object([
      ("filter_chain_match", tls == "permissive" ? .object([("transport_protocol", .string("tls"))]) : nil),
      ("filters", .list([tcpProxy("inbound", cluster: "local_app")])),
      (
        "transport_socket",
        .object([
          ("name", .string("envoy.transport_sockets.tls")),
          (
            "typed_config",
            .object([
              ("@type", .string("type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext")),
              ("require_client_certificate", .bool(true)),
              ("common_tls_context", commonTLSContext(identity: identity, trustDomain: trustDomain, admits: admits)),
            ])
          ),
        ])
      ),
    ])
    let chains: [YAMLNode] =
      switch tls {
      case "none": [plain]
      case "permissive": [secured, plain]
      default: [secured]
      }
    return .object([
      ("name", .string("inbound")), ("address", socketAddress("0.0.0.0", inboundPort)),
      (
        "listener_filters",
        tls == "permissive"
          ? .list([
            .object([
              ("name", .string("envoy.filters.listener.tls_inspector")),
              (
                "typed_config",
                .object([("@type", .string("type.googleapis.com/envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector"))])
              ),
            ])
          ]) : nil
      ),
      ("filter_chains", .list(chains)),
    ])
  }

  /// The SVID by SDS (named by the SPIFFE ID), and the trust domain's bundle by SDS with the SAN
  /// matchers of the admitted IDs.
  static func commonTLSContext(identity: String?, trustDomain: String, admits: [String]) -> YAMLNode {
    .object([
      ("tls_certificate_sds_secret_configs", identity.map { .list([sdsSecret($0)]) }),
      (
        "combined_validation_context",
        .object([
          (
            "default_validation_context",
            .object([
              (
                "match_typed_subject_alt_names",
                .list(admits.map { .object([("san_type", .string("URI")), ("matcher", .object([("exact", .string($0))]))]) })
              )
            ])
          ),
          ("validation_context_sds_secret_config", sdsSecret("spiffe://\(trustDomain)")),
        ])
      ),
    ])
  }

  static func sdsSecret(_ name: String) -> YAMLNode {
    .object([
      ("name", .string(name)),
      (
        "sds_config",
        .object([
          ("resource_api_version", .string("V3")),
          (
            "api_config_source",
            .object([
              ("api_type", .string("GRPC")), ("transport_api_version", .string("V3")),
              ("grpc_services", .list([.object([("envoy_grpc", .object([("cluster_name", .string(agentCluster))]))])])),
            ])
          ),
        ])
      ),
    ])
  }

  /// The SPIRE agent's socket as a gRPC (HTTP/2) cluster.
  static var spireAgentCluster: YAMLNode {
    .object([
      ("name", .string(agentCluster)), ("connect_timeout", .string("1s")), ("type", .string("STATIC")),
      (
        "load_assignment",
        loadAssignment(agentCluster, address: .object([("pipe", .object([("path", .string(SPIREConfigs.agentSocket))]))]))
      ),
      (
        "typed_extension_protocol_options",
        .object([
          (
            "envoy.extensions.upstreams.http.v3.HttpProtocolOptions",
            .object([
              ("@type", .string("type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions")),
              ("explicit_http_config", .object([("http2_protocol_options", .map([]))])),
            ])
          )
        ])
      ),
    ])
  }

  static func staticCluster(_ name: String, host: String, port: Int) -> YAMLNode {
    .object([
      ("name", .string(name)), ("connect_timeout", .string("1s")), ("type", .string("STATIC")),
      ("load_assignment", loadAssignment(name, address: socketAddress(host, port))),
    ])
  }

  static func loadAssignment(_ cluster: String, address: YAMLNode) -> YAMLNode {
    .object([
      ("cluster_name", .string(cluster)),
      (
        "endpoints",
        .list([.object([("lb_endpoints", .list([.object([("endpoint", .object([("address", address)]))])]))])])
      ),
    ])
  }

  static func socketAddress(_ host: String, _ port: Int) -> YAMLNode {
    .object([("socket_address", .object([("address", .string(host)), ("port_value", .int(port))]))])
  }

  static func tcpProxy(_ prefix: String, cluster: String) -> YAMLNode {
    .object([
      ("name", .string("envoy.filters.network.tcp_proxy")),
      (
        "typed_config",
        .object([
          ("@type", .string("type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy")),
          ("stat_prefix", .string(prefix)), ("cluster", .string(cluster)),
        ])
      ),
    ])
  }
}
