import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2Posix

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// One workload's Workload API endpoint: the `SpiffeWorkloadAPI` service on a Unix socket, mode 0600
/// in a folder of mode 0700, so that only its owner's processes reach it. A socket stands for one
/// workload: whoever connects gets that workload's SVIDs and nothing else.
public final class WorkloadSocketServer: Sendable {
  /// The socket's path.
  public let path: String
  /// `unix://` and the path: what `SPIFFE_ENDPOINT_SOCKET` holds for a client of this socket.
  public var endpoint: String { "unix://" + path }

  private let service: WorkloadAPIService
  private let server: GRPCServer<HTTP2ServerTransport.Posix>
  private let running: Task<Void, any Error>

  private init(path: String, service: WorkloadAPIService, server: GRPCServer<HTTP2ServerTransport.Posix>, running: Task<Void, any Error>) {
    self.path = path
    self.service = service
    self.server = server
    self.running = running
  }

  /// Makes `folder` (and its parents) when missing and sets it to mode 0700. Throws when it cannot.
  public static func prepare(folder: String) throws {
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    guard chmod(folder, 0o700) == 0 else { throw WorkloadSocketError.permissions(path: folder, errno: errno) }
  }

  /// Serves `service` on a socket at `path` (its folder made and set to 0700, a stale socket file
  /// replaced) and returns once it listens.
  public static func start(path: String, service: WorkloadAPIService) async throws -> WorkloadSocketServer {
    let folder = (path as NSString).deletingLastPathComponent
    try prepare(folder: folder)
    let server = GRPCServer(
      transport: .http2NIOPosix(address: .unixDomainSocket(path: path), transportSecurity: .plaintext),
      services: [service], interceptors: [WorkloadAPIHeader()])
    let running = Task { try await server.serve() }
    do {
      _ = try await server.transport.listeningAddress
    } catch {
      running.cancel()
      throw WorkloadSocketError.listen(path: path, cause: "\(error)")
    }
    guard chmod(path, 0o600) == 0 else {
      let code = errno
      server.beginGracefulShutdown()
      service.feed.finish()
      _ = try? await running.value
      throw WorkloadSocketError.permissions(path: path, errno: code)
    }
    return WorkloadSocketServer(path: path, service: service, server: server, running: running)
  }

  /// Ends the open streams, stops listening, waits for the calls in flight and removes the socket file.
  public func stop() async {
    service.feed.finish()
    server.beginGracefulShutdown()
    _ = try? await running.value
    unlink(path)
  }
}

/// Why a Workload API socket could not be served.
public enum WorkloadSocketError: Error, Equatable, Sendable, CustomStringConvertible {
  /// The folder or the socket could not be given its mode.
  case permissions(path: String, errno: Int32)
  /// The socket could not be bound.
  case listen(path: String, cause: String)

  public var description: String {
    switch self {
    case .permissions(let path, let code): "cannot restrict \(path) to its owner: \(String(cString: strerror(code)))"
    case .listen(let path, let cause): "cannot listen on \(path): \(cause)"
    }
  }
}
