import ArgumentParser

/// What the command line needs before argument parser sees it.
enum CommandLineFixes {
  /// Options whose value is a number that may be negative: `--max-steps -1` is a bad value, not
  /// a missing one (argument parser would take `-1` for an option).
  static let numericOptions: Set<String> = ["--max-steps", "--max-memory"]

  /// Joins a numeric option and a value that starts with `-` into `--option=value`.
  static func apply(_ arguments: [String]) -> [String] {
    var result: [String] = []
    var index = 0
    while index < arguments.count {
      let argument = arguments[index]
      if argument == "--" {
        result += arguments[index...]
        break
      }
      if numericOptions.contains(argument), index + 1 < arguments.count, arguments[index + 1].hasPrefix("-"),
        arguments[index + 1].dropFirst().first?.isNumber == true
      {
        result.append("\(argument)=\(arguments[index + 1])")
        index += 2
        continue
      }
      result.append(argument)
      index += 1
    }
    return result
  }

  /// `steeple help NAME` with a NAME that is no subcommand is a usage error (argument parser
  /// prints the general help and succeeds).
  static func checkHelpTopic(_ arguments: [String]) throws {
    guard arguments.first == "help", arguments.count > 1 else { return }
    let names = SteepleCommand.configuration.subcommands.compactMap { $0.configuration.commandName }
    let topic = arguments[1]
    guard !topic.hasPrefix("-"), !names.contains(topic) else { return }
    throw ValidationError("no subcommand named '\(topic)'; the subcommands are: \(names.joined(separator: ", "))")
  }
}
