import ArgumentParser
import Foundation
import SteepleLocal
import SteepleSPIRE

/// `steeple jwt`: a JWT-SVID for a workload, as `spire-agent api fetch jwt` fetches one.
struct JWTCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "jwt",
    abstract: "Print a JWT-SVID for a workload, signed by the trust domain's JWT key.",
    discussion: """
      NAME is a workload's SPIFFE ID, its path (yelb/frontend) or its entry's ID, as for 'steeple svid': \
      a workload an agent holds an SVID for. Prints one JWT-SVID (sub: the SPIFFE ID, aud: every \
      --audience, exp: the entry's JWT-SVID TTL, 5 minutes by default) on one line, for scripts to pass \
      as 'Authorization: Bearer'. 'steeple bundle --format spiffe' prints the keys that verify it. Reads \
      the state named by --state, or the one of FILE; nothing is written.
      """)

  @ArgumentParser.Argument(help: ArgumentHelp("The workload's SPIFFE ID, path or entry ID.", valueName: "name"))
  var name: String

  @Option(
    name: .customLong("audience"),
    help: ArgumentHelp("An audience the token is for (the aud claim); repeat it for several.", valueName: "audience"))
  var audience: [String] = []

  @OptionGroup var server: SPIREServerOptions

  func validate() throws {
    guard !audience.isEmpty else { throw ValidationError("a JWT-SVID needs an audience: pass --audience A") }
    guard !audience.contains("") else { throw ValidationError("--audience must not be empty") }
  }

  func run() throws {
    let (cloud, trustDomain) = try server.open(command: "jwt")
    let held: [HeldSVID]
    let entries: EntryStore
    let ca: ServerCA?
    do {
      held = try cloud.heldSVIDs(trustDomain)
      entries = try cloud.entries(trustDomain)
      ca = try cloud.server(trustDomain)
    } catch {
      throw spireFailure("cannot read the SVIDs of '\(trustDomain)': \(error)", help: nil)
    }
    let missing = "no workload named '\(name)' has an identity in '\(trustDomain)'"
    guard let ca else { throw SVIDCommand.noSVID(named: name, held: held, summary: missing, listing: "the workloads") }
    let chosen = try SVIDCommand.freshest(named: name, in: trustDomain, held: held, summary: missing, listing: "the workloads")
    let seconds = entries.entries.first { $0.id == chosen.entryID }?.jwtSVIDTTL ?? 0
    do {
      let svid = try ca.issueJWTSVID(
        for: chosen.svid.spiffeID, audience: audience,
        ttl: seconds > 0 ? TimeInterval(seconds) : ServerCA.defaultJWTSVIDTTL, now: Date())
      try writeOutput(svid.token + "\n")
    } catch {
      throw spireFailure("cannot sign a JWT-SVID for '\(chosen.svid.spiffeID)': \(error)", help: nil)
    }
  }
}
