import SteepleEngine

/// The errors the embedded cloud returns, worded as AWS and Kubernetes word them.
///
/// Each function names the real service's error code; the message follows the service's own text
/// where it has a fixed one, with the names filled in.
extension ProviderError {
  static func accessDenied(caller: String, action: String, resource: String) -> ProviderError {
    ProviderError(
      code: "AccessDenied", message: "User: \(caller) is not authorized to perform: \(action) on resource: \(resource)")
  }

  /// The local state itself cannot be used (not a service error).
  static func state(_ message: String) -> ProviderError { ProviderError(code: "LocalStateError", message: message) }

  static func invalidParameter(_ message: String, code: String = "InvalidParameterValue") -> ProviderError {
    ProviderError(code: code, message: message)
  }

  static func notFound(code: String, _ message: String) -> ProviderError { ProviderError(code: code, message: message) }

  static func dependencyViolation(_ message: String) -> ProviderError {
    ProviderError(code: "DependencyViolation", message: message)
  }

  /// Kubernetes' 401, as `kubectl` prints it.
  static var kubernetesUnauthorized: ProviderError {
    ProviderError(code: "Unauthorized", message: "error: You must be logged in to the server (Unauthorized)")
  }

  /// Kubernetes' 403 from RBAC: `pods is forbidden: User "x" cannot list resource "pods" in API group "" ...`.
  static func kubernetesForbidden(user: String, verb: String, resource: String, group: String = "", namespace: String?)
    -> ProviderError
  {
    let scope = namespace.map { "in the namespace \"\($0)\"" } ?? "at the cluster scope"
    return ProviderError(
      code: "Forbidden",
      message: "\(resource) is forbidden: User \"\(user)\" cannot \(verb) resource \"\(resource)\" in API group \"\(group)\" \(scope)")
  }

  /// Kubernetes' 404: `namespaces "yelb" not found`.
  static func kubernetesNotFound(_ resource: String, _ name: String) -> ProviderError {
    ProviderError(code: "NotFound", message: "\(resource) \"\(name)\" not found")
  }
}
