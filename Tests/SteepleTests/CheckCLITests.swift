import Foundation
import Testing

/// `steeple check`: several files, missing ones, budgets, warnings.
@Suite("steeple check")
struct CheckCLITests {
  @Test("check reports a missing file, checks the others, and exits 2 at the end")
  func checkGoesOnPastAMissingFile() throws {
    let clean = try TestSupport.steeple("check", "missing.spire", "output-only.spire")
    #expect(clean.status == 2)
    #expect(clean.stderr.contains("no such file: missing.spire"))
    #expect(clean.stdout == "no errors in 1 file (1 more could not be read)\n")
    let withErrors = try TestSupport.steeple("check", "missing.spire", "check-a.spire")
    #expect(withErrors.status == 2)
    #expect(withErrors.stderr.contains("no such file: missing.spire"))
    #expect(withErrors.stderr.contains("check-a.spire:"))
    #expect(withErrors.stdout == "")
  }

  @Test("check stops a script that never ends with its default step budget")
  func checkHasADefaultStepBudget() throws {
    let result = try TestSupport.steeple("check", "forever.spire")
    #expect(result.status == 1)
    #expect(result.stderr.contains("error: the step budget of 10000000 steps is used up"))
    let raised = try TestSupport.steeple("check", "--max-steps", "500", "forever.spire")
    #expect(raised.stderr.contains("error: the step budget of 500 steps is used up"))
  }

  @Test("warnings print like errors, do not change the exit status, and fail check --warnings-as-errors")
  func warnings() throws {
    let script = "let total = 10\n  - 3\nprint(total)\n"
    let run = try TestSupport.steeple("eval", "-", stdin: script)
    #expect(run.status == 0)
    #expect(run.stdout == "10\n")
    #expect(run.stderr == """
      <stdin>:2:3: warning: the value of '- 3' is unused
       2 |   - 3
         |   ^~~
         = help: a line that starts with '-' begins a new statement: it does not subtract from the line above; to continue that line, end it with the operator
         = fix-it: join it to the line above: 'let total = 10 - 3'
      1 warning

      """)
    let check = try TestSupport.steeple("check", "-", stdin: script)
    #expect(check.status == 0)
    #expect(check.stdout == "no errors in 1 file\n")
    let strict = try TestSupport.steeple("check", "--warnings-as-errors", "-", stdin: script)
    #expect(strict.status == 1)
    #expect(strict.stderr.hasPrefix("<stdin>:2:3: error: the value of '- 3' is unused"))
    #expect(strict.stderr.hasSuffix("1 error\n"))
    #expect(strict.stdout == "")
  }
}
