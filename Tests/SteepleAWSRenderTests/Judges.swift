import Foundation
import SteepleTestSupport

/// The third-party tools that judge the rendering: cfn-lint (CloudFormation), kubernetes-validate
/// (Kubernetes manifests, built-in kinds) and pyhcl (SPIRE's HCL). scripts/setup installs them.
enum Judges {
  static let hasCFNLint = ExternalTool.succeeds(["cfn-lint", "--version"])
  static let hasKubernetesValidate = ExternalTool.succeeds(["kubernetes-validate", "--version"])
  static let hasPyHCL = ExternalTool.succeeds(["python3", "-c", "import hcl"])

  /// Whether a judge's test runs: when the tool is there, and always in CI (CI=true), where a
  /// missing tool must fail the test rather than skip it.
  static func runs(_ installed: Bool) -> Bool { installed || RenderTestSupport.inCI }

  /// SPIRE 1.15's documented configuration keys, by where they may appear: a section
  /// (`server`, `agent`, `health_checks`), or a plugin's `plugin_data` (`<role> <Type> <name>`),
  /// or one entry of a plugin's `clusters` map (`... clusters`).
  ///
  /// Source: spiffe/spire at ef8527e (1.15.3, 2026-08-21): doc/spire_server.md, doc/spire_agent.md,
  /// doc/plugin_server_nodeattestor_k8s_psat.md, doc/plugin_server_bundlepublisher_k8s_configmap.md,
  /// doc/plugin_agent_nodeattestor_k8s_psat.md, doc/plugin_agent_workloadattestor_k8s.md,
  /// doc/plugin_server_datastore_sql.md, doc/plugin_server_keymanager_disk.md, as summarised in
  /// the project's research notes (shared/reference/aws-provider.md §1).
  static let spireKeys: [String: [String]] = [
    "top server": ["server", "plugins", "health_checks", "telemetry"],
    "top agent": ["agent", "plugins", "health_checks", "telemetry"],
    "server": [
      "trust_domain", "bind_address", "bind_port", "data_dir", "socket_path", "ca_ttl", "default_x509_svid_ttl",
      "default_jwt_svid_ttl", "ca_key_type", "ca_subject", "jwt_issuer", "jwt_key_type", "log_level", "log_format", "log_file",
      "admin_ids", "agent_ttl", "audit_log_enabled", "federation", "ratelimit", "experimental",
    ],
    "agent": [
      "trust_domain", "server_address", "server_port", "data_dir", "socket_path", "trust_bundle_path", "trust_bundle_url",
      "trust_bundle_unix_socket", "trust_bundle_spiffe_workload_api", "trust_bundle_format", "insecure_bootstrap", "rebootstrap_mode",
      "rebootstrap_delay", "disable_workload_api", "disable_sds_api", "sds", "log_level", "log_format", "log_file", "admin_socket_path",
      "join_token", "experimental", "allowed_foreign_jwt_claims", "authorized_delegates", "availability_target",
      "workload_x509_svid_key_type", "x509_svid_cache_max_size", "jwt_svid_cache_max_size", "retry_bootstrap",
    ],
    "health_checks": ["listener_enabled", "bind_address", "bind_port", "live_path", "ready_path"],
    "server DataStore sql": ["database_type", "connection_string", "ro_connection_string", "max_open_conns", "max_idle_conns", "conn_max_lifetime", "disable_migration", "log_sql"],
    "server KeyManager disk": ["keys_path"],
    "server NodeAttestor k8s_psat": ["clusters"],
    "server NodeAttestor k8s_psat clusters": [
      "service_account_allow_list", "kube_config_file", "audience", "allowed_node_label_keys", "allowed_pod_label_keys",
      "use_pod_uid_for_agent_id",
    ],
    "server BundlePublisher k8s_configmap": ["clusters"],
    "server BundlePublisher k8s_configmap clusters": ["configmap_name", "configmap_key", "namespace", "kubeconfig_path", "format", "refresh_hint"],
    "agent KeyManager memory": [],
    "agent NodeAttestor k8s_psat": ["cluster", "token_path"],
    "agent WorkloadAttestor k8s": [
      "kubelet_secure_port", "kubelet_read_only_port", "kubelet_ca_path", "skip_kubelet_verification", "token_path", "certificate_path",
      "private_key_path", "use_anonymous_authentication", "node_name_env", "node_name", "disable_container_selectors",
      "enable_namespace_labels", "disable_kubelet_client", "max_poll_attempts", "poll_retry_interval", "reload_interval",
      "use_new_container_locator", "sigstore",
    ],
  ]

  /// Parses a SPIRE config with pyhcl and prints each key that is not in `spireKeys` where it is
  /// (one a line, `where: key`), or `parse error: ...`; nothing when every key is documented.
  static let spireKeyCheck = #"""
    import hcl, json, sys
    allowed = json.loads(sys.argv[1])
    try:
        conf = hcl.load(open(sys.argv[2]))
    except Exception as error:
        print("parse error: %s" % error)
        sys.exit(0)
    role = "server" if "server" in conf else "agent"
    def check(where, keys):
        for key in keys:
            if where not in allowed:
                print("%s: (no documented keys) %s" % (where, key))
            elif key not in allowed[where]:
                print("%s: %s" % (where, key))
    check("top " + role, conf.keys())
    for section in (role, "health_checks"):
        check(section, conf.get(section, {}).keys())
    for kind, named in conf.get("plugins", {}).items():
        for name, plugin in named.items():
            where = "%s %s %s" % (role, kind, name)
            data = plugin.get("plugin_data", {})
            check(where, data.keys())
            clusters = data.get("clusters")
            if isinstance(clusters, dict):
                for entry in clusters.values():
                    check(where + " clusters", entry.keys())
    """#
}
