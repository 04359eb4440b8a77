// Embedders import only `Steeple`: values, diagnostics, source ranges and the model come with it.
@_exported public import SteepleInterpreter
@_exported public import SteepleModel
@_exported public import SteepleSyntax

/// A declaration of the model (not the syntax tree's `SteepleSyntax.Declaration`).
public typealias Declaration = SteepleModel.Declaration
