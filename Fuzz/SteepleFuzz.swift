// SteepleFuzz: the libFuzzer target over the whole pipeline, from the lexer to a plan.
//
// This file is not part of the Swift package (it lives outside Sources/, so SwiftPM ignores it).
// `scripts/fuzz SECONDS` compiles SteepleSyntax, SteepleInterpreter, SteepleModel, SteepleEngine
// and the parts of Steeple that do not need the local provider with
// `swiftc -sanitize=fuzzer,address` into .build-fuzz/, links this file and the configuration
// against them and runs libFuzzer seeded with every .spire file in the repository, the scripts in
// the tests and the saved crashers.
//
// What one input goes through (a session with the model host, in-memory modules, a step budget;
// then the model's checks, the lowering and a plan against an empty state) is
// `FuzzConfiguration`, in Tests/SteepleInterpreterTests/Support/FuzzConfiguration.swift: the one
// source for this target and for FuzzRegressionTests, which replays every saved crasher.

@inline(never)
func blackHole(_ value: Int) {
  if value == -1 { print("unreachable") }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let outcome = FuzzConfiguration.run(Array(UnsafeBufferPointer(start: data, count: size)))
  blackHole(outcome.codes.count &+ outcome.rendered.utf8.count &+ outcome.json.utf8.count &+ (outcome.resources ?? 0))
  return 0
}
