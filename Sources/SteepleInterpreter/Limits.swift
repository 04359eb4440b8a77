import SteepleSyntax

/// Sizes past which an operation fails cleanly instead of exhausting memory.
public enum Limits {
  /// The most elements a list made by one operation may have.
  public static let maxElements = 10_000_000
  /// The most bytes of UTF-8 a string made by one operation may have.
  public static let maxStringBytes = 64 << 20

  static func checkElements(_ count: Int, at range: SourceRange) throws {
    if count > maxElements {
      throw Diagnostic(code: "too-large", "the list would have \(count) elements, more than the limit of \(maxElements)",
        detail: "Steeple scripts describe topologies; build smaller lists", at: range)
    }
  }

  static func checkString(_ bytes: Int, at range: SourceRange) throws {
    if bytes > maxStringBytes {
      throw Diagnostic(code: "too-large", "the string would have \(bytes) bytes, more than the limit of \(maxStringBytes)",
        detail: "Steeple scripts describe topologies; build smaller strings", at: range)
    }
  }
}
