// Embedders import only `Steeple`: values, diagnostics, source ranges, the model,
// the engine and the local provider come with it.
@_exported public import SteepleInterpreter
@_exported public import SteepleModel
@_exported public import SteepleSyntax
@_exported public import SteepleEngine
@_exported public import SteepleLocal

/// A declaration of the model (not the syntax tree's `SteepleSyntax.Declaration`).
public typealias Declaration = SteepleModel.Declaration
