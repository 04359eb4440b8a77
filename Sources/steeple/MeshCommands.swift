import ArgumentParser
import Dispatch
import Foundation
import SteepleLocal
import SteepleSPIRE

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// `steeple serve`: the applied mesh's data plane, up until SIGINT or SIGTERM.
struct ServeCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "serve",
    abstract: "Run the applied mesh's data plane: a mutual TLS listener for each service, until Ctrl-C.",
    discussion: """
      Applies nothing: opens the state of FILE (or --state DIR), starts a listener on loopback for each \
      applied mesh.service, presenting the X.509-SVID its SPIRE agents hold and admitting only the SPIFFE \
      IDs of its policy (its allow list and the mesh.allow naming it), and prints one line a service: \
      '<service> <host>:<port> <SPIFFE ID> tls <mode>', or '<service> no listener: <first cause>'. It \
      runs until SIGINT (Ctrl-C) or SIGTERM, then closes every listener, keeps their counters in the \
      state for 'steeple stats', and exits 0. 'steeple svid ID --key --out DIR' writes an SVID a client \
      can present to a listener.
      """)

  @ArgumentParser.Argument(help: ArgumentHelp("A script, to find the state beside it.", valueName: "file"))
  var file: String?

  @OptionGroup var state: StateOptions

  func run() throws {
    let directory = try state.directory(orUsageErrorFor: file, command: "serve")
    guard FileManager.default.fileExists(atPath: directory + "/" + LocalCloud.databaseFileName) else {
      throw spireFailure("there is no state in \(directory)", help: "apply a script with a mesh first, or pass --state DIR")
    }
    let provider: LocalProvider
    do {
      provider = try LocalProvider(stateDirectory: directory)
    } catch {
      throw spireFailure("cannot open the state in \(directory): \(error)", help: nil)
    }
    let (stops, stop) = AsyncStream<Int32>.makeStream()
    let signals = [SIGINT, SIGTERM].map { number in
      signal(number, SIG_IGN)
      let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
      source.setEventHandler { stop.yield(number) }
      source.resume()
      return source
    }
    defer {
      for source in signals { source.cancel() }
      signal(SIGINT, SIG_DFL)
      signal(SIGTERM, SIG_DFL)
    }
    let started = try runBlocking({ () async throws -> Bool in
      let served: ServedMesh
      do {
        served = try await ServedMesh.start(provider)
      } catch {
        writeError("steeple: error: cannot start the data plane: \(error)\n")
        return false
      }
      var lines = ["serving \(served.listeners.count) service\(served.listeners.count == 1 ? "" : "s") of \(directory) (Ctrl-C to stop):"]
      for listener in served.listeners {
        if let address = listener.address {
          lines.append("\(listener.service) \(address) \(listener.identity) tls \(listener.tls)")
        } else {
          lines.append("\(listener.service) no listener: \(listener.problem ?? "unknown")")
        }
      }
      try? writeOutput(lines.joined(separator: "\n") + "\n")
      for await _ in stops { break }
      try await served.stop()
      try? writeOutput("stopped: every listener closed; counters kept for 'steeple stats'\n")
      return true
    }, waiting: { _, done in done.wait() })
    if !started { throw ExitCode(1) }
  }
}

/// `steeple stats`: the data plane's last counters, per listener and upstream.
struct StatsCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "stats",
    abstract: "Print the mesh data plane's last counters, per listener and upstream, as Envoy names them.",
    discussion: """
      The counters (ssl.handshake, ssl.connection_error, ssl.fail_verify_san, ssl.fail_verify_error, \
      ssl.no_certificate) the data plane had when it last stopped: after 'steeple serve' or a verify \
      mtls, denied or all check. One line a counter, '<scope>.<stat>: <value>', the scope \
      'listener.<service>' or 'cluster.<from> -> <to>'. --service keeps the lines of one service's \
      listener and its upstreams. Reads the state of FILE (or --state DIR); writes nothing.
      """)

  @ArgumentParser.Argument(help: ArgumentHelp("A script, to find the state beside it.", valueName: "file"))
  var file: String?

  @Option(
    name: .customLong("service"),
    help: ArgumentHelp("Only this service's listener and upstreams (<trust domain>/<service>, or its name).", valueName: "name"))
  var service: String?

  @Flag(name: .customLong("json"), help: "Print a JSON array of {scope, service, stat, value}.")
  var json = false

  @OptionGroup var state: StateOptions

  func run() throws {
    let directory = try state.directory(orUsageErrorFor: file, command: "stats")
    guard FileManager.default.fileExists(atPath: directory + "/" + LocalCloud.databaseFileName) else {
      throw spireFailure("there is no state in \(directory)", help: "apply a script with a mesh first, or pass --state DIR")
    }
    let lines: [MeshStatLine]
    do {
      lines = try LocalCloud(stateDirectory: directory, readOnly: true).meshStats()
    } catch {
      throw spireFailure("cannot read the state in \(directory): \(error)", help: nil)
    }
    var chosen = lines
    if let service {
      let services = Array(Set(lines.map(\.service))).sorted()
      let matches = services.filter { $0 == service || $0.split(separator: "/").last.map(String.init) == service }
      guard !matches.isEmpty else {
        // Near the full name, or near the service's own name as the user may have written it.
        func nearness(_ name: String) -> Int {
          min(NameSuggestion.distance(service, name), NameSuggestion.distance(service, name.split(separator: "/").last.map(String.init) ?? name))
        }
        let close = services.min { nearness($0) < nearness($1) }.flatMap { nearness($0) <= max(2, service.count / 3) ? $0 : nil }
        throw spireFailure(
          "no counters of a service named '\(service)' are kept",
          help: services.isEmpty
            ? "run 'steeple serve' or a verify mtls, denied or all check first"
            : (close.map { "did you mean '\($0)'? " } ?? "") + "the services: \(services.joined(separator: ", "))")
      }
      chosen = lines.filter { matches.contains($0.service) }
    }
    if json {
      let encoder = JSONEncoder()
      encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
      try writeOutput(String(decoding: try encoder.encode(chosen), as: UTF8.self) + "\n")
    } else if chosen.isEmpty {
      try writeOutput("No counters are kept yet: run 'steeple serve' or a verify mtls, denied or all check.\n")
    } else {
      try writeOutput(chosen.map { "\($0.scope).\($0.stat): \($0.value)" }.joined(separator: "\n") + "\n")
    }
  }
}
