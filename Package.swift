// swift-tools-version: 6.0
import PackageDescription

let strict: [SwiftSetting] = [
  .enableUpcomingFeature("ExistentialAny"),
  .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
  name: "Steeple",
  products: [
    .library(name: "Steeple", targets: ["Steeple"]),
    .executable(name: "steeple", targets: ["steeple"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
    .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
  ],
  targets: [
    // Source text, tokens, syntax tree, diagnostics. Depends on nothing.
    .target(name: "SteepleSyntax", swiftSettings: strict),
    // Resolver, values, evaluator, modules and core builtins.
    .target(name: "SteepleInterpreter", dependencies: ["SteepleSyntax"], swiftSettings: strict),
    // The typed topology: declarations as plain data, schemas, static checks.
    .target(name: "SteepleModel", dependencies: ["SteepleSyntax"], swiftSettings: strict),
    // Resources, the provider protocol, plan, the apply graph, the journal.
    .target(name: "SteepleEngine", dependencies: ["SteepleModel", "SteepleSyntax"], swiftSettings: strict),
    // The embedded local cloud: accounts, IAM, RAM, networks, EKS and token issuers, state in SQLite.
    .target(
      name: "SteepleLocal",
      dependencies: [
        "SteepleEngine", "SteepleModel", .product(name: "GRDB", package: "GRDB.swift"),
        .product(name: "Crypto", package: "swift-crypto"),
      ], swiftSettings: strict),
    // The embedding API: sessions, host bindings, results as Swift values.
    .target(
      name: "Steeple",
      dependencies: ["SteepleInterpreter", "SteepleSyntax", "SteepleModel", "SteepleEngine", "SteepleLocal"],
      swiftSettings: strict),
    // libedit (line editing and history for `steeple repl`), and the C shim Swift calls it through.
    .systemLibrary(name: "CLineEdit", pkgConfig: "libedit", providers: [.apt(["libedit-dev"])]),
    .target(name: "LineEditShim", dependencies: ["CLineEdit"]),
    // The `steeple` command.
    .executableTarget(
      name: "steeple",
      dependencies: ["Steeple", "CLineEdit", "LineEditShim", .product(name: "ArgumentParser", package: "swift-argument-parser")],
      swiftSettings: strict),
    // A small tool that embeds Steeple with a builtin and a module of its own.
    .executableTarget(name: "EmbeddingExample", dependencies: ["Steeple"], swiftSettings: strict),
    // What several test targets share: temporary folders.
    .target(name: "SteepleTestSupport", path: "Tests/SteepleTestSupport", swiftSettings: strict),
    .testTarget(name: "SteepleSyntaxTests", dependencies: ["SteepleSyntax"], swiftSettings: strict),
    .testTarget(
      // FuzzRegressionTests replays the fuzz target's whole pipeline, model and plan included.
      name: "SteepleInterpreterTests", dependencies: ["SteepleInterpreter", "SteepleSyntax", "Steeple", "SteepleModel", "SteepleEngine"],
      exclude: ["FuzzCrashers"], resources: [.copy("Golden")], swiftSettings: strict),
    .testTarget(
      name: "SteepleEngineTests", dependencies: ["SteepleTestSupport", "SteepleEngine", "SteepleModel"], resources: [.copy("Golden")],
      swiftSettings: strict),
    .testTarget(
      name: "SteepleLocalTests", dependencies: ["SteepleTestSupport", "SteepleLocal", "SteepleEngine", "SteepleModel", "Steeple"],
      swiftSettings: strict),
    .testTarget(
      name: "SteepleModelTests", dependencies: ["Steeple", "SteepleModel", "SteepleEngine", "SteepleSyntax"],
      resources: [.copy("Golden")], swiftSettings: strict),
    .testTarget(
      name: "SteepleTests", dependencies: ["SteepleTestSupport", "Steeple", "SteepleSyntax"],
      resources: [.copy("Fixtures")], swiftSettings: strict),
  ],
  swiftLanguageModes: [.v6]
)
