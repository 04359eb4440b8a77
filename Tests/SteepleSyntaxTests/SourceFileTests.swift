import Testing
@testable import SteepleSyntax

@Suite("Source files and ranges")
struct SourceFileTests {
  @Test func lineStarts() {
    #expect(SourceFile(name: "t", text: "").lineStarts == [0])
    #expect(SourceFile(name: "t", text: "a\nbc\n\nd").lineStarts == [0, 2, 5, 6])
  }

  @Test func locations() {
    let file = SourceFile(name: "t", text: "ab\nhé😀x\n\nlast")
    #expect("\(file.location(of: 0))" == "1:1")
    #expect("\(file.location(of: 2))" == "1:3")
    #expect("\(file.location(of: 3))" == "2:1")
    #expect("\(file.location(of: 4))" == "2:2")
    // 'é' is two bytes and '😀' four; columns count scalars.
    #expect("\(file.location(of: 6))" == "2:3")
    #expect("\(file.location(of: 10))" == "2:4")
    #expect("\(file.location(of: 12))" == "3:1")
    #expect("\(file.location(of: 13))" == "4:1")
    #expect(file.location(of: 13).offset == 13)
    // Offsets outside the file are clamped to it.
    #expect("\(file.location(of: -5))" == "1:1")
    #expect("\(file.location(of: 1000))" == "4:5")
  }

  @Test func columnsAfterInvalidUTF8FollowTheDecodedLine() {
    // 0xE2 starts a three-byte sequence, but 'a' follows: one U+FFFD, then "ab".
    let file = SourceFile(name: "t", bytes: [0xE2, 0x61, 0x62, 0x20, 0x78])
    #expect(file.lineText(1) == "\u{FFFD}ab x")
    #expect("\(file.location(of: 4))" == "1:5")
  }

  @Test func lineText() {
    let file = SourceFile(name: "t", text: "one\r\ntwo\nthree")
    #expect(file.lineText(1) == "one")
    #expect(file.lineText(2) == "two")
    #expect(file.lineText(3) == "three")
    #expect(file.lineText(0) == "")
    #expect(file.lineText(4) == "")
  }

  @Test func text() {
    let file = SourceFile(name: "t", text: "hello world")
    #expect(file.text(from: 6, to: 11) == "world")
    #expect(file.text(from: 6, to: 100) == "world")
    #expect(file.text(from: 8, to: 3) == "")
  }

  @Test func ranges() {
    let file = SourceFile(name: "main.spire", text: "let a = b + c")
    let b = SourceRange(file: file, start: 8, end: 9)
    let c = SourceRange(file: file, start: 12, end: 13)
    #expect(b.text == "b")
    #expect(b.through(c).text == "b + c")
    #expect(c.through(b).text == "b + c")
    #expect("\(c)" == "main.spire:1:13")
    #expect("\(b.endLocation)" == "1:10")
    // An end before the start is an empty range at the start.
    #expect(SourceRange(file: file, start: 5, end: 2).end == 5)
    #expect(file.description == "main.spire")
  }
}
