import ArgumentParser
import Foundation
import Steeple

// Parses the command line and maps outcomes to the documented exit statuses: 0 success, 1 script
// errors, 2 usage errors. (Argument parser's own status for usage errors is 64.)
StandardStream.guardClosedDescriptors()
do {
  let arguments = CommandLineFixes.apply(Array(CommandLine.arguments.dropFirst()))
  try CommandLineFixes.checkHelpTopic(arguments)
  var command = try SteepleCommand.parseAsRoot(arguments)
  try command.run()
} catch {
  let code = SteepleCommand.exitCode(for: error)
  if code == .success {
    SteepleCommand.exit(withError: error)
  }
  if code.rawValue == 1 || code.rawValue == 2 {
    exit(code.rawValue)
  }
  let message = SteepleCommand.fullMessage(for: error)
  if !message.isEmpty {
    writeError(message + "\n")
  }
  exit(2)
}
