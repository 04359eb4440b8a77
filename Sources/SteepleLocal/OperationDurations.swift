public import SteepleEngine
import SteepleCatalog

/// How long each operation takes in the real services, in seconds: the local cloud waits this long
/// times its time scale before it acts (0 = at once). The figures live with each resource type in
/// the catalog (`ResourceType.durations`).
public enum OperationDurations {
  /// The modelled duration of one action, in seconds (before the time scale).
  public static func seconds(for action: Action) -> Double { Catalog.standard.seconds(for: action) }
}
