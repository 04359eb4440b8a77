import ArgumentParser
import Foundation
import SteepleLocal
import SteepleSPIRE

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Which embedded SPIRE server of a state a command reads: every SPIRE command takes this.
struct SPIREServerOptions: ParsableArguments {
  @ArgumentParser.Argument(help: ArgumentHelp("A script, to find the state beside it.", valueName: "file"))
  var file: String?

  @Option(
    name: .customLong("trust-domain"),
    help: ArgumentHelp("The trust domain whose server to read, when the state has several.", valueName: "name"))
  var trustDomain: String?

  @OptionGroup var state: StateOptions

  /// The state's cloud, opened read-only, and the trust domain to read; a clear error otherwise.
  func open(command: String) throws -> (cloud: LocalCloud, trustDomain: TrustDomain) {
    let directory = try state.directory(orUsageErrorFor: file, command: command)
    guard FileManager.default.fileExists(atPath: directory + "/" + LocalCloud.databaseFileName) else {
      throw spireFailure(
        "there is no state in \(directory)", help: "apply a script with a mesh first, or pass --state DIR to name another state")
    }
    let cloud: LocalCloud
    let domains: [TrustDomain]
    do {
      cloud = try LocalCloud(stateDirectory: directory, readOnly: true)
      domains = try cloud.spireTrustDomains()
    } catch {
      throw spireFailure("cannot read the state in \(directory): \(error)", help: nil)
    }
    if let trustDomain {
      let wanted: TrustDomain
      do {
        wanted = try TrustDomain(parsingNameOrID: trustDomain)
      } catch {
        throw ValidationError("--trust-domain '\(trustDomain)' is not a trust domain: \(error)")
      }
      guard domains.contains(wanted) else {
        throw spireFailure(
          "no SPIRE server of the state in \(directory) serves the trust domain '\(wanted)'",
          help: domains.isEmpty ? "apply a script with a mesh first" : "its trust domains: \(Self.listing(domains))")
      }
      return (cloud, wanted)
    }
    switch domains.count {
    case 0:
      throw spireFailure("the state in \(directory) has no SPIRE server", help: "apply a script with a mesh first")
    case 1: return (cloud, domains[0])
    default:
      throw spireFailure(
        "the state in \(directory) has several SPIRE servers", help: "pick one with --trust-domain: \(Self.listing(domains))")
    }
  }

  static func listing(_ domains: [TrustDomain]) -> String { domains.map(\.name).joined(separator: ", ") }
}

/// Says a SPIRE command's error on standard error, with what to do, and ends it with status 1.
func spireFailure(_ message: String, help: String?) -> ExitCode {
  writeError("steeple: error: \(message)\n" + (help.map { "   = help: \($0)\n" } ?? ""))
  return ExitCode(1)
}

/// `steeple entries`: the server's registration entries, as `spire-server entry show` prints them.
struct EntriesCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "entries",
    abstract: "List the SPIRE server's registration entries, as 'spire-server entry show' does.",
    discussion: """
      Prints SPIRE 1.15's layout: 'Found N entries', then one block an entry (Entry ID, SPIFFE ID, \
      Parent ID, Revision, TTLs, Selector lines). With --json, the shape of 'entry show -output json'. \
      Reads the state named by --state, or the one of FILE; nothing is written.
      """)

  @OptionGroup var server: SPIREServerOptions

  @Flag(name: .customLong("json"), help: "Print the entries as 'spire-server entry show -output json' does.")
  var json = false

  func run() throws {
    let (cloud, trustDomain) = try server.open(command: "entries")
    let store: EntryStore
    do {
      store = try cloud.entries(trustDomain)
    } catch {
      throw spireFailure("cannot read the entries of '\(trustDomain)': \(error)", help: nil)
    }
    try writeOutput(json ? EntryShowFormat.json(store.entries) : EntryShowFormat.text(store.entries))
  }
}

/// `steeple bundle`: the trust bundle, as `spire-server bundle show` prints it.
struct BundleCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "bundle",
    abstract: "Print the trust domain's bundle: its CA certificates, as PEM or in the SPIFFE bundle format.",
    discussion: """
      The bundle holds every CA agents and workloads must trust: the current one, the next one once it \
      is prepared, and former ones until they expire. --format spiffe prints a JWK Set, as \
      'spire-server bundle show -format spiffe' does. Reads the state named by --state, or the one of FILE.
      """)

  enum Format: String, ExpressibleByArgument, CaseIterable {
    case pem, spiffe
  }

  @OptionGroup var server: SPIREServerOptions

  @Option(name: .customLong("format"), help: "pem (concatenated CA certificates) or spiffe (a JWK Set).")
  var format: Format = .pem

  func run() throws {
    let (cloud, trustDomain) = try server.open(command: "bundle")
    do {
      guard let ca = try cloud.server(trustDomain) else {
        throw spireFailure("no SPIRE server serves '\(trustDomain)'", help: "apply a script with a mesh first")
      }
      let bundle = ca.bundle()
      try writeOutput(format == .pem ? bundle.pem : try bundle.spiffeBundleJSON(prettyPrinted: true) + "\n")
    } catch let exit as ExitCode {
      throw exit
    } catch {
      throw spireFailure("cannot read the bundle of '\(trustDomain)': \(error)", help: nil)
    }
  }
}

/// `steeple svid`: a workload's SVID and the bundle, written as `spire-agent api fetch x509 -write` writes them.
struct SVIDCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "svid",
    abstract: "Write a workload's X.509-SVID and the trust bundle as PEM files.",
    discussion: """
      NAME is the SVID's SPIFFE ID, its path (yelb/frontend) or its entry's ID; the state is the one \
      named by --state, or the one of FILE. Writes DIR/svid.pem (the \
      SVID's certificate chain) and DIR/bundle.pem (the CA certificates to verify it with), as \
      'spire-agent api fetch x509 -write DIR' does; with --key also DIR/svid.key, the private key, readable \
      by its owner only. DIR is made when missing.
      """)

  @ArgumentParser.Argument(help: ArgumentHelp("The SVID's SPIFFE ID, path or entry ID.", valueName: "name"))
  var name: String

  @Option(name: .customLong("out"), help: ArgumentHelp("The directory to write the files into.", valueName: "dir"))
  var out: String

  @Flag(name: .customLong("key"), help: "Also write svid.key, the SVID's private key (mode 0600).")
  var key = false

  @OptionGroup var server: SPIREServerOptions

  func run() throws {
    let (cloud, trustDomain) = try server.open(command: "svid")
    let held: [HeldSVID]
    let ca: ServerCA?
    do {
      held = try cloud.heldSVIDs(trustDomain)
      ca = try cloud.server(trustDomain)
    } catch {
      throw spireFailure("cannot read the SVIDs of '\(trustDomain)': \(error)", help: nil)
    }
    let missing = "no agent holds an SVID named '\(name)' in '\(trustDomain)'"
    guard let ca else { throw Self.noSVID(named: name, held: held, summary: missing, listing: "the SVIDs") }
    let chosen = try Self.freshest(named: name, in: trustDomain, held: held, summary: missing, listing: "the SVIDs")
    do {
      try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
      try Self.writeFile(chosen.svid.chainPEM, to: out + "/svid.pem", mode: 0o644)
      try Self.writeFile(ca.bundle().pem, to: out + "/bundle.pem", mode: 0o644)
      if key { try Self.writeFile(chosen.svid.exportPrivateKeyPKCS8PEM(), to: out + "/svid.key", mode: 0o600) }
    } catch {
      throw spireFailure("cannot write the SVID into \(out): \(error)", help: "check that DIR is a directory you may write in")
    }
    writeError("wrote \(chosen.svid.spiffeID) (serial \(chosen.svid.serialNumber)) to \(out)/svid.pem, bundle.pem"
      + (key ? ", svid.key" : "") + "\n")
  }

  /// Whether `name` names the held SVID: its ID, its path (with or without the leading `/`) or its entry's ID.
  /// The SVID named `name` (its SPIFFE ID, its path or its entry's ID) that expires last, for `svid`
  /// and `jwt`; otherwise the error `summary`, with "did you mean" and the `listing` of every SVID held.
  static func freshest(named name: String, in trustDomain: TrustDomain, held: [HeldSVID], summary: String, listing: String) throws -> HeldSVID {
    let matching = held.filter { names($0, name, in: trustDomain) }
    guard let chosen = matching.max(by: { $0.svid.notAfter < $1.svid.notAfter }) else {
      throw noSVID(named: name, held: held, summary: summary, listing: listing)
    }
    return chosen
  }

  static func noSVID(named name: String, held: [HeldSVID], summary: String, listing: String) -> ExitCode {
    let known = Array(Set(held.map(\.svid.spiffeID.description))).sorted()
    let close = closest(to: name, among: known)
    return spireFailure(
      summary,
      help: known.isEmpty
        ? "no workload has an SVID yet: apply a script whose entries match its workloads"
        : (close.map { "did you mean '\($0)'? " } ?? "") + "\(listing): \(known.joined(separator: ", "))")
  }

  static func names(_ held: HeldSVID, _ name: String, in trustDomain: TrustDomain) -> Bool {
    let id = held.svid.spiffeID
    return name == id.description || name == id.path || "/" + name == id.path || name == held.entryID
  }

  /// The SPIFFE ID among `known` nearest `name`, near the ID or near its path as the user may have
  /// written it; nil when none is close.
  static func closest(to name: String, among known: [String]) -> String? {
    func nearness(_ id: String) -> Int {
      let path = id.split(separator: "/", maxSplits: 3, omittingEmptySubsequences: false).dropFirst(3).joined()
      return min(NameSuggestion.distance(name, id), NameSuggestion.distance(name, path), NameSuggestion.distance(name, "/" + path))
    }
    return known.filter { nearness($0) <= max(2, name.count / 3) }.min { nearness($0) < nearness($1) }
  }

  /// Writes `text` to a file that only gets `mode` (a key file is never readable by others, not even briefly).
  static func writeFile(_ text: String, to path: String, mode: mode_t) throws {
    let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, mode)
    guard descriptor >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
    defer { close(descriptor) }
    guard fchmod(descriptor, mode) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
    let bytes = Array(text.utf8)
    var written = 0
    while written < bytes.count {
      let count = bytes[written...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
      guard count > 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
      written += count
    }
  }
}
