import SteepleEngine
import SteepleModel
import Testing

@Suite("the check report")
struct CheckReportRendererTests {
  let results = [
    CheckResult(check: Check(kind: "mtls", arguments: [.string("a"), .string("b")]), outcome: .passed(detail: "TLSv1.3\ncounters moved: x +1")),
    CheckResult(check: Check(kind: "all", arguments: [.string("a"), .string("b"), .string("c")], label: "verify all (3 services)"), outcome: .failed(reason: "1 of 6 disagree\nrow 1\nrow\u{7}2")),
    CheckResult(check: Check(kind: "odd", arguments: []), outcome: .unsupported(reason: "not here")),
  ]

  @Test("a detail of several lines continues indented, control characters escaped; a label names a check its arguments do not")
  func text() {
    #expect(
      CheckReportRenderer.text(results) == """
        checks:
          ✓ verify mtls "a" -> "b": TLSv1.3
              counters moved: x +1
          ✗ verify all (3 services): 1 of 6 disagree
              row 1
              row\\u{7}2
          - verify odd: not yet supported (not here)
        Checks: 1 passed, 1 failed, 1 not yet supported.

        """)
  }

  @Test("colours only the marks, and only when asked")
  func colors() {
    let text = CheckReportRenderer.text(results, colors: true)
    #expect(text.contains("  \u{1B}[32m✓\u{1B}[0m verify mtls"))
    #expect(text.contains("  \u{1B}[31m✗\u{1B}[0m verify all"))
    #expect(text.contains("  \u{1B}[33m-\u{1B}[0m verify odd"))
    #expect(!CheckReportRenderer.text(results).contains("\u{1B}"))
  }

  @Test("as JSON: counts, and each check with its label, arguments, location and text")
  func json() {
    let document = CheckReportRenderer.json(results) { $0.kind == "mtls" ? "x.spire:3:1" : nil }.compact()
    #expect(document.hasPrefix(#"{"passed":1,"failed":1,"unsupported":1,"checks":[{"check":"verify mtls \"a\" -> \"b\"","kind":"mtls","arguments":["a","b"],"at":"x.spire:3:1","outcome":"passed","detail":"TLSv1.3\ncounters moved: x +1","seconds":null}"#), "\(document)")
    #expect(document.contains(#""check":"verify all (3 services)","kind":"all","arguments":["a","b","c"],"at":null,"outcome":"failed""#))
  }
}
