import Foundation
import Steeple
import Testing

/// `steeple eval FILE --set name=value` (and every command that reads a script): run parameters,
/// seen by the script as `params`.
@Suite("run parameters")
struct RunParameterTests {
  static let script = #"""
    print(params, len(params))
    let env = params.get("env", "dev")
    let replicas = int(params.get("replicas", "1"))
    print("env=\(env) replicas=\(replicas + 1)")

    """#

  @Test("--set gives the script a frozen record of strings, in command-line order")
  func setParameters() throws {
    let result = try TestSupport.steeple("eval", "-", "--set", "env=prod", "--set", "replicas=3", "--set", "expr=a=b", stdin: Self.script)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout == #"""
      { env: "prod", replicas: "3", expr: "a=b" } 3
      env=prod replicas=4

      """#)
    #expect(result.stderr == "")
  }

  @Test("without --set, params is an empty record")
  func noParameters() throws {
    let result = try TestSupport.steeple("eval", "-", stdin: Self.script)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout == "{} 0\nenv=dev replicas=2\n")
  }

  @Test("a later --set of the same name wins; an empty value is a value")
  func laterWins() throws {
    let result = try TestSupport.steeple("eval", "-", "--set", "env=a", "--set", "env=", stdin: #"print(params)"#)
    #expect(result.stdout == #"{ env: "" }"# + "\n")
  }

  @Test("check takes --set too, and the script sees the same parameters")
  func checkTakesParameters() throws {
    let result = try TestSupport.steeple(
      "check", "-", "--set", "env=prod", stdin: #"if params.env != "prod" { fail("not prod") }"#)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout == "no errors in 1 file\n")
    let missing = try TestSupport.steeple("check", "-", stdin: #"let env = params.env"#)
    #expect(missing.status == 1)
    #expect(missing.stderr.contains("<stdin>:1:18: error: record has no field 'env'"))
  }

  @Test("params is frozen")
  func frozen() throws {
    let result = try TestSupport.steeple("run", "-", "--set", "a=1", stdin: "params.a = \"2\"\n")
    #expect(result.status == 1)
    #expect(result.stderr.contains("error: cannot change a frozen record"))
  }

  @Test("--set without a name and '=' is a usage error")
  func malformed() throws {
    for bad in ["env", "=prod"] {
      let result = try TestSupport.steeple("run", "-", "--set", bad, stdin: "print(1)")
      #expect(result.status == 2)
      #expect(result.stderr.hasPrefix("Error: --set takes name=value, such as --set env=prod; got '\(bad)'\n"))
      #expect(result.stdout == "")
    }
  }

  @Test("an embedding session passes parameters the same way")
  func embedding() {
    var configuration = Session.Configuration()
    var printed = ""
    configuration.output = { printed += $0 }
    configuration.parameters = [("region", "us-west-2")]
    let outcome = Session(configuration).run(source: #"print(params.region, params.get("x"))"#)
    #expect(outcome.succeeded)
    #expect(printed == "us-west-2 nil\n")
  }
}
