// Embedders import only `Steeple`: values, diagnostics, source ranges, the model and
// the engine come with it.
@_exported public import SteepleInterpreter
@_exported public import SteepleModel
@_exported public import SteepleSyntax
@_exported public import SteepleEngine

/// A declaration of the model (not the syntax tree's `SteepleSyntax.Declaration`).
public typealias Declaration = SteepleModel.Declaration
