// swift-tools-version: 6.0
import PackageDescription

let strict: [SwiftSetting] = [
  .enableUpcomingFeature("ExistentialAny"),
  .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
  name: "Steeple",
  products: [
    // The language, the model, the domain catalog, the engine and the embedding API: no SQLite,
    // no swift-crypto (scripts/check-products proves it).
    .library(name: "Steeple", targets: ["Steeple"]),
    // The embedded local cloud, a provider for `Deployment`: links GRDB (SQLite) and swift-crypto.
    .library(name: "SteepleLocal", targets: ["SteepleLocal"]),
    // The aws provider: renders CloudFormation, Kubernetes manifests and SPIRE configs, and drives the
    // aws CLI and kubectl with them.
    .library(name: "SteepleAWS", targets: ["SteepleAWS"]),
    .executable(name: "steeple", targets: ["steeple"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
    .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
    .package(url: "https://github.com/apple/swift-asn1", from: "1.7.4"),
    .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
    .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
    // The SPIFFE Workload API (SteepleWorkloadAPI): gRPC over HTTP/2 on Unix sockets, protobuf messages.
    .package(url: "https://github.com/grpc/grpc-swift-2", from: "2.4.3"),
    .package(url: "https://github.com/grpc/grpc-swift-nio-transport", from: "2.9.2"),
    .package(url: "https://github.com/grpc/grpc-swift-protobuf", from: "2.4.1"),
    .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
    // The aws provider runs the aws CLI and kubectl.
    .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.2"),
  ],
  targets: [
    // Source text, tokens, syntax tree, diagnostics. Depends on nothing.
    .target(name: "SteepleSyntax", swiftSettings: strict),
    // Resolver, values, evaluator, modules and core builtins.
    .target(name: "SteepleInterpreter", dependencies: ["SteepleSyntax"], swiftSettings: strict),
    // The typed topology, domain-free: declarations as plain data, the schema machinery, and the
    // generic checks (fields, names, references, duplicates) that run a catalog's cross-checks.
    .target(name: "SteepleModel", dependencies: ["SteepleSyntax"], swiftSettings: strict),
    // The embedded SPIRE: CA, X.509-SVIDs, bundles, registration entries, attestation. Depends on no other
    // Steeple target.
    .target(
      name: "SteepleSPIRE",
      dependencies: [
        .product(name: "Crypto", package: "swift-crypto"), .product(name: "_CryptoExtras", package: "swift-crypto"),
        .product(name: "X509", package: "swift-certificates"), .product(name: "SwiftASN1", package: "swift-asn1"),
      ], swiftSettings: strict),
    // The mesh's data plane: per service a TLS 1.3 listener presenting the service's X.509-SVID and
    // admitting only the SPIFFE IDs of its policy, upstreams for its calls, Envoy-named counters and
    // handshake checks. Plain-value configuration; depends on the embedded SPIRE only for SVIDs/bundles.
    .target(
      name: "SteepleDataPlane",
      dependencies: [
        "SteepleSPIRE", .product(name: "X509", package: "swift-certificates"), .product(name: "SwiftASN1", package: "swift-asn1"),
        .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
        .product(name: "NIOTLS", package: "swift-nio"), .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
        .product(name: "NIOSSL", package: "swift-nio-ssl"),
      ], swiftSettings: strict),
    // The SPIFFE Workload API served on Unix sockets: the code generated from workload.proto, the
    // service answering from a workload's identity (SVIDs, bundles, JWT signing) and following its
    // rotations, and the per-workload socket server. Depends on the embedded SPIRE for the values only.
    .target(
      name: "SteepleWorkloadAPI",
      dependencies: [
        "SteepleSPIRE", .product(name: "X509", package: "swift-certificates"),
        .product(name: "GRPCCore", package: "grpc-swift-2"),
        .product(name: "GRPCNIOTransportHTTP2Posix", package: "grpc-swift-nio-transport"),
        .product(name: "GRPCProtobuf", package: "grpc-swift-protobuf"),
        .product(name: "SwiftProtobuf", package: "swift-protobuf"),
      ],
      exclude: ["workload.proto"], swiftSettings: strict),
    // Resources, the provider protocol, plan, the apply graph, the journal. Domain-free.
    .target(name: "SteepleEngine", dependencies: ["SteepleModel", "SteepleSyntax"], swiftSettings: strict),
    // The domain catalog, one file per family (accounts, IAM, network, EKS, Kubernetes, mesh): each
    // family's kinds, cross-checks, lowering to resources, resource types, defaults and rules.
    .target(name: "SteepleCatalog", dependencies: ["SteepleModel", "SteepleEngine", "SteepleSyntax"], swiftSettings: strict),
    // The embedded local cloud: accounts, IAM, RAM, networks, EKS and token issuers, the embedded SPIRE's
    // attestation through them, the mesh's data plane run from the applied policy, state in SQLite.
    .target(
      name: "SteepleLocal",
      dependencies: [
        "SteepleEngine", "SteepleModel", "SteepleCatalog", "SteepleSPIRE", "SteepleDataPlane",
        .product(name: "GRDB", package: "GRDB.swift"),
        .product(name: "Crypto", package: "swift-crypto"),
      ], swiftSettings: strict),
    // The aws provider: rendering (pure) and driving the aws CLI and kubectl from what it renders.
    .target(
      name: "SteepleAWS", dependencies: ["SteepleEngine", "SteepleModel", "SteepleCatalog", "SteepleSyntax", .product(name: "Subprocess", package: "swift-subprocess")],
      swiftSettings: strict),
    // The embedding API: sessions, host bindings, results as Swift values. Not the local provider.
    .target(
      name: "Steeple",
      dependencies: ["SteepleInterpreter", "SteepleSyntax", "SteepleModel", "SteepleCatalog", "SteepleEngine"],
      swiftSettings: strict),
    // libedit (line editing and history for `steeple repl`), and the C shim Swift calls it through.
    .systemLibrary(name: "CLineEdit", pkgConfig: "libedit", providers: [.apt(["libedit-dev"])]),
    .target(name: "LineEditShim", dependencies: ["CLineEdit"]),
    // The `steeple` command.
    .executableTarget(
      name: "steeple",
      dependencies: [
        "Steeple", "SteepleLocal", "SteepleAWS", "SteepleSPIRE", "SteepleWorkloadAPI", "CLineEdit", "LineEditShim",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ],
      swiftSettings: strict),
    // Times SVID issuance against swift-crypto's raw P-256 key generation and signing (scripts/bench/spire).
    .executableTarget(name: "spire-bench", dependencies: ["SteepleSPIRE", .product(name: "Crypto", package: "swift-crypto")], swiftSettings: strict),
    // Mutual TLS handshakes through the data plane's proxies against raw swift-nio-ssl ones (scripts/bench/mesh).
    .executableTarget(
      name: "mesh-bench",
      dependencies: [
        "SteepleDataPlane", "SteepleSPIRE", .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOPosix", package: "swift-nio"), .product(name: "NIOTLS", package: "swift-nio"),
        .product(name: "NIOSSL", package: "swift-nio-ssl"),
      ], swiftSettings: strict),
    // scripts/bench/plan's reference: bare fsynced SQLite transactions through GRDB.
    .executableTarget(
      name: "SQLiteReference", dependencies: [.product(name: "GRDB", package: "GRDB.swift")], swiftSettings: strict),
    // A small tool that embeds Steeple with a builtin and a module of its own.
    .executableTarget(name: "EmbeddingExample", dependencies: ["Steeple", "SteepleLocal"], swiftSettings: strict),
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
    .testTarget(name: "SteepleCatalogTests", dependencies: ["SteepleCatalog", "SteepleEngine", "SteepleModel"], swiftSettings: strict),
    .testTarget(
      name: "SteepleLocalTests",
      dependencies: [
        "SteepleTestSupport", "SteepleLocal", "SteepleCatalog", "SteepleEngine", "SteepleModel", "SteepleSPIRE", "Steeple",
        .product(name: "GRDB", package: "GRDB.swift"),
      ],
      swiftSettings: strict),
    .testTarget(
      name: "SteepleModelTests", dependencies: ["Steeple", "SteepleModel", "SteepleCatalog", "SteepleEngine", "SteepleSyntax"],
      resources: [.copy("Golden")], swiftSettings: strict),
    .testTarget(
      name: "SteepleSPIRETests",
      dependencies: [
        "SteepleTestSupport", "SteepleSPIRE", .product(name: "Crypto", package: "swift-crypto"),
        .product(name: "X509", package: "swift-certificates"), .product(name: "SwiftASN1", package: "swift-asn1"),
      ], swiftSettings: strict),
    .testTarget(
      name: "SteepleDataPlaneTests",
      dependencies: [
        "SteepleTestSupport", "SteepleDataPlane", "SteepleSPIRE", .product(name: "X509", package: "swift-certificates"),
        .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
        .product(name: "NIOEmbedded", package: "swift-nio"), .product(name: "NIOSSL", package: "swift-nio-ssl"),
      ], swiftSettings: strict),
    // The aws provider's rendering: the tutorial's files (golden), and third-party judges of them
    // (cfn-lint, kubernetes-validate, pyhcl).
    .testTarget(
      name: "SteepleAWSRenderTests",
      dependencies: ["SteepleTestSupport", "SteepleAWS", "Steeple", "SteepleCatalog", "SteepleEngine", "SteepleModel", "SteepleSyntax"],
      resources: [.copy("Golden")], swiftSettings: strict),
    .testTarget(
      name: "SteepleWorkloadAPITests",
      dependencies: [
        "SteepleTestSupport", "SteepleWorkloadAPI", "SteepleSPIRE", .product(name: "GRPCCore", package: "grpc-swift-2"),
        .product(name: "GRPCNIOTransportHTTP2Posix", package: "grpc-swift-nio-transport"),
        .product(name: "SwiftProtobuf", package: "swift-protobuf"),
      ], swiftSettings: strict),
    .testTarget(
      name: "SteepleAWSDriveTests",
      dependencies: ["SteepleTestSupport", "SteepleAWS", "Steeple", "SteepleEngine", "SteepleModel", "SteepleCatalog"],
      resources: [.copy("Fixtures"), .copy("Golden")], swiftSettings: strict),
    .testTarget(
      name: "SteepleTests", dependencies: ["SteepleTestSupport", "Steeple", "SteepleSyntax", "SteepleLocal", "SteepleSPIRE"],
      resources: [.copy("Fixtures")], swiftSettings: strict),
  ],
  swiftLanguageModes: [.v6]
)
