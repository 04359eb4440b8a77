import SteepleSyntax

/// Sizes past which an operation fails cleanly instead of exhausting memory.
public enum Limits {
  /// The most elements a list made by one operation may have.
  public static let maxElements = 10_000_000
  /// The most bytes of UTF-8 a string made by one operation may have.
  public static let maxStringBytes = 64 << 20

  /// Checks a list about to have `count` elements against the size and memory limits. A list
  /// `growing` one element at a time is checked against memory only where its storage doubles.
  static func checkElements(_ count: Int, at range: SourceRange, growing: Bool = false) throws {
    if count > maxElements {
      throw Diagnostic(code: "too-large", "the list would have \(count) elements, more than the limit of \(maxElements)",
        detail: "Steeple scripts describe topologies; build smaller lists", at: range)
    }
    if count >= 1 << 16, !growing || count & (count - 1) == 0 {
      try checkMemory(count * MemoryLayout<Value>.stride, at: range)
    }
  }

  static func checkString(_ bytes: Int, at range: SourceRange) throws {
    if bytes > maxStringBytes {
      throw Diagnostic(code: "too-large", "the string would have \(bytes) bytes, more than the limit of \(maxStringBytes)",
        detail: "Steeple scripts describe topologies; build smaller strings", at: range)
    }
    try checkMemory(bytes, at: range)
  }
}

/// Work that grows with the size of the data, charged to the step budget.
///
/// A step is one statement, loop iteration or call, which costs well under a microsecond; but one
/// operation on a big value (joining two 30 MB strings, `range(10000000)`, sorting a long list,
/// searching a long text) costs milliseconds to seconds and may allocate hundreds of megabytes.
/// Without charging for it, a loop of such operations would run for minutes, or exhaust memory,
/// inside any step budget. So an operation on big data also takes steps: one per `bytesPerStep`
/// bytes copied, compared or scanned, per `charactersPerStep` bytes of text walked character by
/// character, per `searchBytesPerStep` bytes of text searched, and per `elementsPerStep` list
/// elements copied or compared. Operations on small data (the common case) take no extra step and
/// do not look up the meter at all.
///
/// The running script's runtime is found through a task-local (`Limits.meter`, bound by
/// `Interpreter.run` and `Interpreter.call`), so that operators, which are not handed the
/// runtime, can charge too. With no meter bound (a value used outside a run) nothing is charged.
extension Limits {
  enum Work {
    /// Bytes copied, compared or scanned as bytes.
    case bytes(Int)
    /// Bytes of text walked character by character (grapheme clusters).
    case characters(Int)
    /// Bytes of text searched for a substring.
    case search(Int)
    /// List elements or record fields copied or compared.
    case elements(Int)

    var steps: Int {
      switch self {
      case .bytes(let count): return count / Limits.bytesPerStep
      case .characters(let count): return count / Limits.charactersPerStep
      case .search(let count): return count / Limits.searchBytesPerStep
      case .elements(let count): return count / Limits.elementsPerStep
      }
    }
  }

  static let bytesPerStep = 8 << 10
  static let charactersPerStep = 2 << 10
  static let searchBytesPerStep = 256
  static let elementsPerStep = 1 << 10

  /// The runtime of the script running on this thread, if any.
  struct Meter: @unchecked Sendable {
    unowned(unsafe) let runtime: Runtime
  }

  @TaskLocal static var meter: Meter?

  /// Charges work to the running script's budget. When that spends the budget, the script stops
  /// with `step-budget` at its next step; for operations that can fail, prefer `charge(_:at:)`.
  static func charge(_ work: Work) {
    let steps = work.steps
    guard steps > 0, let runtime = meter?.runtime else { return }
    runtime.charge(steps)
  }

  /// Charges work to the running script's budget, failing here with `step-budget` when that
  /// spends it.
  static func charge(_ work: Work, at range: SourceRange) throws {
    let steps = work.steps
    guard steps > 0, let runtime = meter?.runtime else { return }
    runtime.charge(steps)
    if runtime.fuel <= 0 { try runtime.refuel(at: range) }
  }
}

extension Runtime {
  /// Takes `steps` steps at once: from the current chunk, then from the reserve. A reserve spent
  /// this way ends the run at the next step (`refuel` finds it empty).
  func charge(_ steps: Int) {
    guard steps > 0 else { return }
    let available = max(fuel, 0)
    if available >= steps {
      fuel = available - steps
      return
    }
    fuel = 0
    let owed = steps - available
    reserve = reserve > owed ? reserve - owed : 0
  }
}
