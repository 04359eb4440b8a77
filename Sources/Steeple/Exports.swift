// Embedders import only `Steeple`: values, diagnostics, source ranges, the model, the domain
// catalog and the engine come with it. The local provider is the `SteepleLocal` product.
@_exported public import SteepleInterpreter
@_exported public import SteepleModel
@_exported public import SteepleSyntax
@_exported public import SteepleEngine
@_exported public import SteepleCatalog

/// A declaration of the model (not the syntax tree's `SteepleSyntax.Declaration`).
public typealias Declaration = SteepleModel.Declaration
