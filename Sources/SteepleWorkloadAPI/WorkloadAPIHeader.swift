public import GRPCCore

/// The SPIFFE Workload Endpoint's guard against calls not meant for it (a browser or a proxy
/// forwarding a request): every call must carry the metadata `workload.spiffe.io: true`, and one
/// without it is refused with `InvalidArgument` before any handler runs.
public struct WorkloadAPIHeader: ServerInterceptor {
  /// The metadata key every Workload API call carries.
  public static let key = "workload.spiffe.io"
  /// The value it must have.
  public static let value = "true"

  /// The interceptor.
  public init() {}

  public func intercept<Input: Sendable, Output: Sendable>(
    request: StreamingServerRequest<Input>, context: ServerContext,
    next: @Sendable (StreamingServerRequest<Input>, ServerContext) async throws -> StreamingServerResponse<Output>
  ) async throws -> StreamingServerResponse<Output> {
    guard request.metadata[stringValues: Self.key].contains(Self.value) else {
      throw RPCError(
        code: .invalidArgument,
        message: "security header missing from request: a Workload API call must carry the metadata '\(Self.key): \(Self.value)'")
    }
    return try await next(request, context)
  }
}
