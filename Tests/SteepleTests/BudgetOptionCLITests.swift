import Foundation
import Testing

/// The options that bound a run (`--max-steps`, `--max-memory`) and the usage errors around them.
@Suite("steeple command: budget options and usage errors")
struct BudgetOptionCLITests {
  @Test("help for an unknown subcommand is a usage error")
  func helpForAnUnknownSubcommand() throws {
    let result = try TestSupport.steeple("help", "frob")
    #expect(result.status == 2)
    #expect(result.stderr.hasPrefix("Error: no subcommand named 'frob'; the subcommands are: run, check"))
    #expect(try TestSupport.steeple("help", "run").status == 0)
  }

  @Test("a negative --max-steps is a bad value, not a missing one")
  func negativeMaxSteps() throws {
    let result = try TestSupport.steeple("run", "--max-steps", "-1", "topology.spire")
    #expect(result.status == 2)
    #expect(result.stderr.hasPrefix("Error: --max-steps must be a positive number of steps, not -1"))
  }

  @Test("a budget of one step is one step")
  func oneStep() throws {
    let result = try TestSupport.steeple("eval", "--max-steps", "1", "output-only.spire")
    #expect(result.status == 1)
    #expect(result.stderr.contains("error: the step budget of 1 step is used up"))
  }

  @Test("--max-memory takes sizes with units and stops a script that keeps too much")
  func maxMemory() throws {
    let result = try TestSupport.steeple(
      "eval", "--max-memory", "200M", "-", stdin: "var kept = []\nfor i in range(100) {\n  kept.append(range(10000000))\n}\n")
    #expect(result.status == 1)
    #expect(result.stderr.hasPrefix("<stdin>:3:15: error: the run would use more than 200 MiB of memory"), "\(result.stderr)")
    #expect(result.stderr.contains("   |               ^~~~~~~~~~~~~~~\n"))
  }
}
