import ArgumentParser
import Foundation
import SteepleLocal
import SteepleSPIRE

/// `steeple serve`: the applied mesh's data plane and its workloads' Workload API sockets, up until
/// SIGINT or SIGTERM.
struct ServeCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "serve",
    abstract: "Run the applied mesh's data plane and its workloads' Workload API sockets, until Ctrl-C.",
    discussion: """
      Applies nothing: opens the state of FILE (or --state DIR), starts a listener on loopback for each \
      applied mesh.service, presenting the X.509-SVID its SPIRE agents hold and admitting only the SPIFFE \
      IDs of its policy (its allow list and the mesh.allow naming it), and prints one line a service: \
      '<service> <host>:<port> <SPIFFE ID> tls <mode>', or '<service> no listener: <first cause>'. It \
      also opens the SPIFFE Workload API on a Unix socket for each service's workload (mode 0600, in \
      the folder 'sockets' of the state or --sockets DIR, mode 0700), answering with the SVIDs its \
      entries give it, as a SPIRE agent's socket does, and prints '<service> socket unix://<path> \
      <SPIFFE ID>' for each: set SPIFFE_ENDPOINT_SOCKET to it to run a program with that identity. \
      The embedded SPIRE runs on meanwhile: SVIDs are renewed at half their lifetime and the sockets' \
      streams get them (--time-scale 0.01 runs its clock 100 times faster). It runs until SIGINT \
      (Ctrl-C) or SIGTERM, then closes every listener and socket, removes the sockets, keeps the \
      listeners' counters in the state for 'steeple stats', and exits 0. 'steeple svid ID --key --out \
      DIR' writes an SVID a client can present to a listener.
      """)

  /// The largest `--time-scale`: the modelled clock never runs slower than the wall clock.
  static let largestTimeScale = 1.0

  @ArgumentParser.Argument(help: ArgumentHelp("A script, to find the state beside it.", valueName: "file"))
  var file: String?

  @Option(
    name: .customLong("sockets"),
    help: ArgumentHelp("Open the Workload API sockets in DIR (made with mode 0700) instead of the state's folder 'sockets'.", valueName: "dir"))
  var sockets: String?

  @Option(
    name: .customLong("time-scale"), parsing: .unconditional,
    help: ArgumentHelp(
      "Run the embedded SPIRE's clock at 1/F of real time: 0.01 renews a 1-hour SVID every 18 seconds (from above 0 to 1).",
      valueName: "f"))
  var timeScale: Double = 1

  @OptionGroup var state: StateOptions

  func validate() throws {
    guard timeScale > 0, timeScale <= Self.largestTimeScale else {
      throw ValidationError("--time-scale must be a number above 0 and at most 1 for serve, not \(timeScale)")
    }
  }

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
    let folder = sockets.map { ($0 as NSString).standardizingPath } ?? directory + "/sockets"
    let absoluteFolder = folder.hasPrefix("/") ? folder : FileManager.default.currentDirectoryPath + "/" + folder
    let stops = StopSignals.install()
    defer { StopSignals.restore() }
    let timeScale = self.timeScale
    let started = try runBlocking({ () async throws -> Bool in
      let served: ServedMesh
      do {
        served = try await ServedMesh.start(provider)
      } catch {
        writeError("steeple: error: cannot start the data plane: \(error)\n")
        return false
      }
      let sockets: ServedSockets
      do {
        sockets = try await ServedSockets.open(served, in: absoluteFolder)
      } catch {
        writeError("steeple: error: cannot open the Workload API sockets: \(error)\n")
        try? await served.stop()
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
      lines += sockets.lines.map(\.text)
      try? writeOutput(lines.joined(separator: "\n") + "\n")
      let tick = Duration.milliseconds(Int64(max(20, min(250, timeScale * 1000))))
      let following = Task { await sockets.follow(timeScale: timeScale, tick: tick) }
      for await _ in stops { break }
      following.cancel()
      await following.value
      await sockets.close()
      try await served.stop()
      try? writeOutput("stopped: every listener and socket closed; counters kept for 'steeple stats'\n")
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
