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
/// The closures are kept in an intrusive list that does not hold them: a closure links itself in
/// when made and unlinks itself when freed, so a closure that is garbage without a cycle is freed
/// at once, as if nothing tracked it (an earlier version kept every closure alive until a prune,
/// which cost each closure ~400 instructions in malloc and free alone).
final class CycleBreaker {
    /// The newest live closure that captured boxes (closures without captures cannot close a
    /// cycle of their own); older ones follow through `Closure.nextTracked`.
    fileprivate var newest: Unmanaged<Closure>?
    /// Top-level namespaces: the session's and each imported file's.
    private var namespaces: [Globals] = []

    @inline(__always)
    func track(_ closure: Closure) {
        let node = Unmanaged.passUnretained(closure)
        closure.tracker = Unmanaged.passUnretained(self)
        closure.nextTracked = newest
        if let n = newest { n._withUnsafeGuaranteedRef { $0.previousTracked = node } }
        newest = node
    }

    func track(_ globals: Globals) { namespaces.append(globals) }

    /// Empties every captured box and global cell. Values still held outside the session (a
    /// result the caller kept) stay valid, but their closures see `nil` in what they captured.
    func breakCycles() {
        // Hold every tracked closure and detach it (its deinit must not touch this list later:
        // a value kept by the caller may outlive the session), then empty what they captured.
        var closures: [Closure] = []
        var next = newest
        while let node = next {
            let c = node.takeUnretainedValue()
            next = c.nextTracked
            c.tracker = nil
            c.nextTracked = nil
            c.previousTracked = nil
            closures.append(c)
        }
        newest = nil
        let namespaces = self.namespaces
        self.namespaces = []
        for c in closures {
            for i in 0..<c.captureCount { c.captures[i].value = .null }
        }
        for g in namespaces {
            for cell in g.cells.values { cell.clear() }
        }
    }
}

extension Closure {
    /// Unlinks a freed closure from its session's list.
    @inline(__always)
    func untrack() {
        guard let tracker else { return }
        let next = nextTracked, previous = previousTracked
        if let previous {
            previous._withUnsafeGuaranteedRef { $0.nextTracked = next }
        } else {
            tracker._withUnsafeGuaranteedRef { $0.newest = next }
        }
        if let next { next._withUnsafeGuaranteedRef { $0.previousTracked = previous } }
    }
}
