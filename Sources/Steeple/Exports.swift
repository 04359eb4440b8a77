// Embedders import only `Steeple`: values, diagnostics and source ranges come with it.
@_exported public import SteepleInterpreter
@_exported public import SteepleSyntax
@_exported public import SteepleModel
@_exported public import SteepleEngine
