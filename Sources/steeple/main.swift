import ArgumentParser
import Foundation
import Steeple

// Parses the command line and maps outcomes to the documented exit statuses: 0 success, 1 script
// errors, 2 usage errors. (Argument parser's own status for usage errors is 64.) With
// `plan --detailed-exitcode`, 2 means "changes", so a usage error exits 1 there.
StandardStream.guardClosedDescriptors()
let arguments = CommandLineFixes.apply(Array(CommandLine.arguments.dropFirst()))
let usageStatus: Int32 = PlanHasChanges.requested(by: arguments) ? 1 : 2
do {
  try CommandLineFixes.checkHelpTopic(arguments)
  var command = try SteepleCommand.parseAsRoot(arguments)
  try command.run()
} catch is PlanHasChanges {
  exit(PlanHasChanges.status)
} catch {
  let code = SteepleCommand.exitCode(for: error)
  if code == .success {
    SteepleCommand.exit(withError: error)
  }
  if code.rawValue == 1 {
    exit(1)
  }
  if code.rawValue == 2 {
    exit(usageStatus)
  }
  let message = SteepleCommand.fullMessage(for: error)
  if !message.isEmpty {
    writeError(message + "\n")
  }
  exit(usageStatus)
}
