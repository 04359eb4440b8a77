import Testing

@Suite("Test support: marked sources")
struct MarkedSourceTests {
  @Test func markersAreRemovedAndLocated() {
    let source = MarkedSource("let 1️⃣x = é😀2️⃣y\n3️⃣z")
    #expect(source.text == "let x = é😀y\nz")
    #expect(source.offset("1️⃣") == 4)
    #expect(source.offset("2️⃣") == 14)
    #expect(source.location("1️⃣") == "1:5")
    #expect(source.location("2️⃣") == "1:11")
    #expect(source.location("3️⃣") == "2:1")
  }

  @Test func aDigitBeforeAMarkerIsText() {
    let source = MarkedSource("121️⃣abc")
    #expect(source.text == "12abc")
    #expect(source.location("1️⃣") == "1:3")
  }

  @Test func textWithoutMarkersIsUnchanged() {
    let source = MarkedSource("plain 1 2\n")
    #expect(source.text == "plain 1 2\n")
    #expect(source.offsets.isEmpty)
  }
}
