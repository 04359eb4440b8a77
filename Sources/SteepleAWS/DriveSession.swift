import SteepleEngine

/// What one provider remembers across the engine's calls: that the preflight passed and the files
/// are written, each stack's deploy and each manifest's apply (done once, however many of their
/// resources the plan touches), each cluster's kubeconfig, and which resources of each stack and
/// manifest exist (a stack or manifest whose last resource is deleted is deleted itself).
actor DriveSession {
  private var prepared: Task<Void, any Error>?
  private var runs: [String: Task<Void, any Error>] = [:]
  private var members: [String: Set<ResourceAddress>] = [:]

  /// Runs `work` the first time only; later callers wait for that run and share its outcome.
  func prepare(_ work: @escaping @Sendable () async throws -> Void) async throws {
    if prepared == nil { prepared = Task { try await work() } }
    try await prepared!.value
  }

  /// Runs `work` once per `key` (`stack:NAME`, `manifest:PATH`, `kubeconfig:CLUSTER`); a failed run
  /// is forgotten so that a later call tries again.
  func once(_ key: String, _ work: @escaping @Sendable () async throws -> Void) async throws {
    let task: Task<Void, any Error>
    if let running = runs[key] {
      task = running
    } else {
      task = Task { try await work() }
      runs[key] = task
    }
    do {
      try await task.value
    } catch {
      if runs[key] == task { runs[key] = nil }
      throw error
    }
  }

  /// Waits for the run under `key` if one was started; what it threw is its own caller's to report.
  func awaitIfStarted(_ key: String) async {
    _ = try? await runs[key]?.value
  }

  /// Records that `address` exists in the group (`stack:NAME`, `manifest:PATH`).
  func add(_ address: ResourceAddress, to group: String) { members[group, default: []].insert(address) }

  /// Forgets `address` in the group; true when nothing of the group is left.
  func remove(_ address: ResourceAddress, from group: String) -> Bool {
    members[group, default: []].remove(address)
    return members[group, default: []].isEmpty
  }
}
