import Testing
@testable import SteepleSyntax

@Suite("Spelling suggestions")
struct SpellingTests {
  static let names = ["region", "account", "cluster_name", "maxSteps", "print", "len", "a", "xs"]

  @Test func typo() {
    #expect(Spelling.nearest(to: "regon", in: Self.names) == "region")
    #expect(Spelling.nearest(to: "acount", in: Self.names) == "account")
    #expect(Spelling.nearest(to: "regiom", in: Self.names) == "region")
    #expect(Spelling.nearest(to: "pront", in: Self.names) == "print")
  }

  @Test func transpositionCountsAsOneEdit() {
    #expect(Spelling.nearest(to: "prnit", in: Self.names) == "print")
    #expect(Spelling.nearest(to: "lne", in: Self.names) == "len")
    #expect(Spelling.nearest(to: "acocunt", in: Self.names) == "account")
  }

  @Test func caseIsIgnored() {
    #expect(Spelling.nearest(to: "Region", in: Self.names) == "region")
    #expect(Spelling.nearest(to: "ACCOUNT", in: Self.names) == "account")
    #expect(Spelling.nearest(to: "maxsteps", in: Self.names) == "maxSteps")
  }

  @Test func underscoresAreIgnored() {
    #expect(Spelling.nearest(to: "clustername", in: Self.names) == "cluster_name")
    #expect(Spelling.nearest(to: "max_steps", in: Self.names) == "maxSteps")
    #expect(Spelling.nearest(to: "_region", in: Self.names) == "region")
  }

  @Test func tooFarReturnsNil() {
    #expect(Spelling.nearest(to: "zebra", in: Self.names) == nil)
    #expect(Spelling.nearest(to: "regionally", in: Self.names) == nil)
    #expect(Spelling.nearest(to: "lens", in: ["length"]) == nil)
    #expect(Spelling.nearest(to: "anything", in: [String]()) == nil)
  }

  @Test func theAllowedDistanceGrowsWithTheName() {
    // A third of the name's length, at least 1 and at most 3; names of one or two letters match
    // only by case and underscores, since any short name is one edit from another.
    #expect(Spelling.nearest(to: "ab", in: ["xy"]) == nil)
    #expect(Spelling.nearest(to: "ab", in: ["ax"]) == nil)
    #expect(Spelling.nearest(to: "b", in: ["a"]) == nil)
    #expect(Spelling.nearest(to: "ab", in: ["AB"]) == "AB")
    #expect(Spelling.nearest(to: "abc", in: ["abx"]) == "abx")
    #expect(Spelling.nearest(to: "abcdef", in: ["abcdxy"]) == "abcdxy")
    #expect(Spelling.nearest(to: "abcdef", in: ["abcxyz"]) == nil)
    #expect(Spelling.nearest(to: "abcdefghijklmnop", in: ["abcdefghijklmxyz"]) == "abcdefghijklmxyz")
    #expect(Spelling.nearest(to: "abcdefghijklmnop", in: ["abcdefghijklwxyz"]) == nil)
  }

  @Test func theNameItselfIsNeverSuggested() {
    #expect(Spelling.nearest(to: "region", in: ["region"]) == nil)
    #expect(Spelling.nearest(to: "region", in: ["region", "regions"]) == "regions")
  }

  @Test func theClosestWinsAndTiesGoToTheFirst() {
    #expect(Spelling.nearest(to: "regionn", in: ["regions_x", "region"]) == "region")
    #expect(Spelling.nearest(to: "cat", in: ["bat", "cab"]) == "bat")
    #expect(Spelling.nearest(to: "cat", in: ["cab", "bat"]) == "cab")
  }

  @Test func editDistance() {
    func distance(_ a: String, _ b: String) -> Int {
      Spelling.editDistance(Array(a.unicodeScalars), Array(b.unicodeScalars))
    }
    #expect(distance("", "abc") == 3)
    #expect(distance("abc", "") == 3)
    #expect(distance("kitten", "sitting") == 3)
    #expect(distance("ab", "ba") == 1)
    #expect(distance("abc", "abc") == 0)
    #expect(distance("héllo", "hello") == 1)
  }
}

@Suite("Spelling suggestions: habits from other languages")
struct SpellingHabitTests {
  static let builtins = ["print", "len", "range", "str", "int", "sorted", "reversed", "min", "max", "map", "filter"]

  @Test func namesFromOtherLanguagesFindTheSteepleName() {
    #expect(Spelling.nearest(to: "sort", in: Self.builtins) == "sorted")
    #expect(Spelling.nearest(to: "reverse", in: Self.builtins) == "reversed")
    #expect(Spelling.nearest(to: "length", in: Self.builtins) == "len")
    #expect(Spelling.nearest(to: "lenght", in: Self.builtins) == "len")
    #expect(Spelling.nearest(to: "size", in: Self.builtins) == "len")
    #expect(Spelling.nearest(to: "toString", in: Self.builtins) == "str")
    #expect(Spelling.nearest(to: "push", in: ["append", "extend", "pop"]) == "append")
  }

  @Test func aHabitIsSuggestedOnlyWhenItsTargetExists() {
    #expect(Spelling.nearest(to: "sort", in: ["print", "len"]) == nil)
  }

  @Test func aCloseNameWinsOverAHabit() {
    #expect(Spelling.nearest(to: "sizes", in: ["size_s", "len"]) == "size_s")
    #expect(Spelling.nearest(to: "mapp", in: Self.builtins) == "map")
  }
}
