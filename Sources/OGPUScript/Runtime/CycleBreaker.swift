/// Frees reference cycles of script values when their session ends.
///
/// Values are reference-counted, and scripts make cycles easily: a local `fn f` that calls itself
/// captures the box that holds it; `m.f = fn() { m }` puts a closure capturing `m` inside `m`; a
/// top-level function's code holds the global cell that holds the function. Such a cycle is never
/// freed by reference counting alone. Every cycle runs through a closure's captured box or through
/// a global cell, so the session remembers those and, when it ends, empties them: the cycles come
/// apart and everything the run made is freed (a finished run leaks nothing; LeakSanitizer checks
/// it under scripts/fuzz).
///
/// While the session runs, a cycle that became garbage stays until the end (as in an arena); a
/// closure that was garbage without a cycle is dropped from the list at the next prune, which
/// runs when the list has doubled, so the list costs amortized O(1) per closure.
final class CycleBreaker {
    /// Closures that captured boxes (closures without captures cannot close a cycle of their own).
    private var closures: [Closure] = []
    private var pruneAt = CycleBreaker.minimumPrune
    private static let minimumPrune = 1024
    /// Top-level namespaces: the session's and each imported file's.
    private var namespaces: [Globals] = []

    @inline(__always)
    func track(_ closure: Closure) {
        closures.append(closure)
        if closures.count >= pruneAt { prune() }
    }

    func track(_ globals: Globals) { namespaces.append(globals) }

    /// Drops the closures nothing else refers to any more (freeing them and their boxes).
    private func prune() {
        var kept = 0
        for i in closures.indices where !isKnownUniquelyReferenced(&closures[i]) {
            closures.swapAt(kept, i)
            kept += 1
        }
        closures.removeLast(closures.count - kept)
        pruneAt = max(CycleBreaker.minimumPrune, kept * 2)
    }

    /// Empties every captured box and global cell. Values still held outside the session (a
    /// result the caller kept) stay valid, but their closures see `nil` in what they captured.
    func breakCycles() {
        let closures = self.closures, namespaces = self.namespaces
        self.closures = []
        self.namespaces = []
        for c in closures {
            for i in 0..<c.captureCount { c.captures[i].value = .null }
        }
        for g in namespaces {
            for cell in g.cells.values { cell.value = nil }
        }
    }
}
