import Foundation

/// `spire-server entry show` output, as SPIRE 1.15 prints it, so users and their scripts recognise it.
public enum EntryShowFormat {
  /// The pretty output: `Found N entries` (or `Found 1 entry`), then one block per entry with labels
  /// padded to 24 columns, each block followed by a blank line. Optional lines (Downstream, Expiration
  /// time, FederatesWith, DNS name, Admin, StoreSvid, Hint) appear only when set, in SPIRE's order.
  public static func text(_ entries: [RegistrationEntry]) -> String {
    var out = "Found \(entries.count) \(entries.count == 1 ? "entry" : "entries")\n"
    for entry in entries { out += block(entry) }
    return out
  }

  /// One entry's block, as `entry create` and `entry show` print it.
  public static func block(_ entry: RegistrationEntry) -> String {
    var lines: [(String, String)] = [
      ("Entry ID", entry.id.isEmpty ? "(none)" : entry.id), ("SPIFFE ID", entry.spiffeID.description),
      ("Parent ID", entry.parentID.description), ("Revision", String(entry.revisionNumber)),
    ]
    if entry.downstream { lines.append(("Downstream", "true")) }
    lines.append(("X509-SVID TTL", entry.x509SVIDTTL == 0 ? "default" : String(entry.x509SVIDTTL)))
    lines.append(("JWT-SVID TTL", entry.jwtSVIDTTL == 0 ? "default" : String(entry.jwtSVIDTTL)))
    if entry.expiresAt != 0 { lines.append(("Expiration time", goTimeString(epochSeconds: entry.expiresAt))) }
    lines += entry.selectors.map { ("Selector", $0.description) }
    lines += entry.federatesWith.map { ("FederatesWith", $0.name) }
    lines += entry.dnsNames.map { ("DNS name", $0) }
    if entry.admin { lines.append(("Admin", "true")) }
    if entry.storeSVID { lines.append(("StoreSvid", "true")) }
    if !entry.hint.isEmpty { lines.append(("Hint", entry.hint)) }
    return lines.map { label, value in label.padding(toLength: 24, withPad: " ", startingAt: 0) + ": " + value + "\n" }
      .joined() + "\n"
  }

  /// The `-output json` output: the `ListEntriesResponse` as SPIRE's protojson printer writes it
  /// (proto field names, unpopulated fields included, 64-bit integers as strings, keys sorted, one line).
  public static func json(_ entries: [RegistrationEntry]) -> String {
    let document: JSONValue = .object(["entries": .array(entries.map(jsonValue)), "next_page_token": .string("")])
    return document.encoded() + "\n"
  }

  /// One entry as SPIRE's API type `Entry` renders in JSON.
  public static func jsonValue(_ entry: RegistrationEntry) -> JSONValue {
    func id(_ id: SPIFFEID) -> JSONValue {
      .object(["trust_domain": .string(id.trustDomain.name), "path": .string(id.path)])
    }
    return .object([
      "id": .string(entry.id), "spiffe_id": id(entry.spiffeID), "parent_id": id(entry.parentID),
      "selectors": .array(entry.selectors.map { .object(["type": .string($0.type), "value": .string($0.value)]) }),
      "x509_svid_ttl": .number(Double(entry.x509SVIDTTL)), "jwt_svid_ttl": .number(Double(entry.jwtSVIDTTL)),
      "federates_with": .array(entry.federatesWith.map { .string($0.name) }), "hint": .string(entry.hint),
      "admin": .bool(entry.admin), "created_at": .string(String(entry.createdAt)), "downstream": .bool(entry.downstream),
      "expires_at": .string(String(entry.expiresAt)), "dns_names": .array(entry.dnsNames.map(JSONValue.string)),
      "revision_number": .string(String(entry.revisionNumber)), "store_svid": .bool(entry.storeSVID),
    ])
  }

  /// Go's `time.Time.String()` of a UTC time: `2019-03-12 17:04:26 +0000 UTC`.
  static func goTimeString(epochSeconds: Int64) -> String {
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = TimeZone(identifier: "UTC")
    formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
    return formatter.string(from: Date(timeIntervalSince1970: TimeInterval(epochSeconds))) + " +0000 UTC"
  }
}
