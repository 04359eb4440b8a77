/// One word of a command line: literal text and, where a value is known only while the runbook
/// runs (a stack's output), shell variables that the runbook captured earlier.
public struct ShellWord: Hashable, Sendable, ExpressibleByStringLiteral, CustomStringConvertible {
  /// A piece of a word: text as it is, or the value of a variable.
  public enum Part: Hashable, Sendable {
    case text(String)
    case variable(String)
  }

  public var parts: [Part]

  public init(parts: [Part]) { self.parts = parts }

  public init(_ text: String) { self.parts = [.text(text)] }

  public init(stringLiteral value: String) { self.init(value) }

  /// The value of one variable as a whole word.
  public static func variable(_ name: String) -> ShellWord { ShellWord(parts: [.variable(name)]) }

  /// The variables this word reads.
  public var variables: [String] {
    parts.compactMap { if case .variable(let name) = $0 { name } else { nil } }
  }

  /// The word as the shell reads it back to the same text: plain when it is made of characters
  /// the shell leaves alone, single-quoted text otherwise, double quotes around `${NAME}` when it
  /// reads variables.
  public var shellText: String {
    if variables.isEmpty {
      let text = parts.map { if case .text(let text) = $0 { text } else { "" } }.joined()
      return Self.quoted(text)
    }
    var word = "\""
    for part in parts {
      switch part {
      case .text(let text):
        for character in text {
          if "\"$`\\".contains(character) { word.append("\\") }
          word.append(character)
        }
      case .variable(let name): word += "${\(name)}"
      }
    }
    return word + "\""
  }

  /// The word with each variable replaced by its value; `nil` when one has no value.
  public func resolved(_ values: [String: String]) -> String? {
    var word = ""
    for part in parts {
      switch part {
      case .text(let text): word += text
      case .variable(let name):
        guard let value = values[name] else { return nil }
        word += value
      }
    }
    return word
  }

  public var description: String { shellText }

  /// `text` as one shell word: as it is when every character is safe unquoted, else in single quotes.
  public static func quoted(_ text: String) -> String {
    let safe = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:=,@%+")
    if !text.isEmpty && text.allSatisfy(safe.contains) { return text }
    return "'" + text.replacingOccurrences(of: "'", with: #"'\''"#) + "'"
  }
}
