/// Reads what `spire-server entry show` and `agent list` print: blocks of `Key : value` lines.
enum SPIREOutput {
  /// The value of every `key : value` line whose key is `key`, in order.
  static func values(of key: String, in text: String) -> [String] {
    text.split(whereSeparator: \.isNewline).compactMap { line -> String? in
      guard let colon = line.firstIndex(of: ":") else { return nil }
      guard line[..<colon].trimmingCharacters(in: .whitespaces) == key else { return nil }
      return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
    }
  }

  /// The entry IDs `entry show` lists.
  static func entryIDs(in text: String) -> [String] { values(of: "Entry ID", in: text) }

  /// The agents' SPIFFE IDs `agent list` lists.
  static func agentIDs(in text: String) -> [String] { values(of: "SPIFFE ID", in: text) }
}
