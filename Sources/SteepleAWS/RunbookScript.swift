/// A runbook as a bash script that runs it: `set -euo pipefail`, the rendered folder in a
/// variable, a comment per stage and step, stack outputs in variables, and the steps of a
/// parallel stage as background jobs that are all waited for.
public enum RunbookScript {
  /// The script; `renderedFolder` is where the rendered files were written (overridable by
  /// setting `RENDERED` before running it), `heading` says what it is for.
  public static func text(_ runbook: Runbook, renderedFolder: String, heading: [String]) -> String {
    var lines = ["#!/usr/bin/env bash"]
    lines += heading.map { "# " + $0 }
    lines += [
      "# Every command can be run twice: a stopped run is finished by running the script again.",
      "set -euo pipefail",
      "",
      "\(Runbook.renderedFolder)=\"${\(Runbook.renderedFolder):-\(escaped(renderedFolder))}\"",
    ]
    for stage in runbook.stages {
      lines += ["", "# == " + stage.title]
      if stage.parallel {
        lines.append("pids=()")
        for step in stage.steps {
          lines.append("# " + step.title)
          lines.append("(")
          lines += step.commands.flatMap { shellLines($0) }.map { "  " + $0 }
          lines.append(") &")
          lines.append("pids+=(\"$!\")")
        }
        lines.append("for pid in \"${pids[@]}\"; do wait \"$pid\"; done")
      } else {
        for step in stage.steps {
          lines.append("# " + step.title)
          lines += step.commands.flatMap { shellLines($0) }
        }
      }
    }
    lines += ["", "echo 'steeple: runbook done' >&2"]
    return lines.joined(separator: "\n") + "\n"
  }

  /// One runbook command as shell lines.
  static func shellLines(_ command: RunbookCommand) -> [String] {
    switch command {
    case .run(let command): return [command.shellText]
    case .capture(let variable, let command): return ["\(variable)=\"$(\(command.shellText))\""]
    case .forEach(let item, let list, let command):
      return ["for \(item) in ${\(list)}; do", "  " + command.shellText, "done"]
    case .expect(let command, let expected, let failure):
      return [
        "if [ \"$(\(command.shellText))\" != \(ShellWord.quoted(expected)) ]; then",
        "  echo \(ShellWord.quoted("steeple: " + failure)) >&2",
        "  exit 1",
        "fi",
      ]
    case .awaitValue(let variable, let command, let tries):
      return [
        "\(variable)=''",
        "for attempt in $(seq \(tries)); do",
        "  \(variable)=\"$(\(command.shellText))\"",
        "  if [ -n \"${\(variable)}\" ]; then break; fi",
        "  sleep \(pauseSeconds)",
        "done",
        "if [ -z \"${\(variable)}\" ]; then",
        "  echo \(ShellWord.quoted("steeple: \(command.shellText) printed nothing after \(tries) tries")) >&2",
        "  exit 1",
        "fi",
      ]
    case .fill(let path, let into, let placeholders):
      let target = Runbook.file(into).shellText
      var lines = [
        "mkdir -p \"$(dirname \(target))\"",
        "filled=\"$(<\(Runbook.file(path).shellText))\"",
      ]
      for (name, variable) in placeholders.sorted(by: { $0.key < $1.key }) {
        lines.append("filled=\"${filled//'{{\(name)}}'/\"${\(variable)}\"}\"")
      }
      lines.append("printf '%s\\n' \"$filled\" > \(target)")
      return lines
    case .unless(let probe, let marker, let then):
      return [
        // Read whole before grep, so grep's early exit cannot fail the probe under pipefail.
        "if ! grep -qF -- \(ShellWord.quoted(marker)) <<<\"$(\(probe.shellText))\"; then",
        "  " + then.shellText,
        "fi",
      ]
    }
  }

  /// The seconds a runbook waits between two tries of an `awaitValue`.
  public static let pauseSeconds = 10

  /// Text inside double quotes.
  static func escaped(_ text: String) -> String {
    var escaped = ""
    for character in text {
      if "\"$`\\".contains(character) { escaped.append("\\") }
      escaped.append(character)
    }
    return escaped
  }
}
