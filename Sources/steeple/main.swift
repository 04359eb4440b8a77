import ArgumentParser
import Foundation

// Parses the command line and maps outcomes to the documented exit statuses: 0 success, 1 script
// errors, 2 usage errors. (Argument parser's own status for usage errors is 64.)
do {
  var command = try SteepleCommand.parseAsRoot()
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
    FileHandle.standardError.write(Data((message + "\n").utf8))
  }
  exit(2)
}
