#if canImport(FoundationEssentials)
import FoundationEssentials
import Glibc
#else
import Foundation
#endif

/// Frees reference cycles of script values while a session runs, and everything when it ends.
///
/// Values are reference-counted, and scripts make cycles easily: a local `fn f` that calls itself
/// captures the box that holds it; `m.f = fn() { m }` puts a closure capturing `m` inside `m`. Such
/// a cycle is never freed by reference counting alone.
///
/// Where cycles can run: lists and maps are copy-on-write values, so an array's storage can only
/// hold values older than itself; the one mutable cell that script values point to is a `Box`
/// (a captured variable), and only closures point to boxes (and frames, which are not values).
/// So every cycle of values runs through a closure that captured boxes, and every such closure is
/// linked into `newest` when it is made. The collector (`CycleScan`, trial deletion) looks only at
/// what those closures reach: their boxes, the list and map storage in the boxes, the closures in
/// those, and so on.
///
/// When it runs: after `minimumBudget` closures with captures were made since the last
/// collection, or an eighth of the objects and references the last one found live if that is
/// more, so scanning costs a bounded amount per closure made, and the garbage waiting for a scan
/// stays in proportion to the live data. It runs inside the making of a closure, a point where
/// the interpreter holds its temporaries as ordinary counted references.
///
/// The contract that keeps it safe: every reference the scan subtracts is a counted, stored
/// reference (a box's value, a closure's captured box, an element of an array's storage), so an
/// object whose count is higher than the references the scan found is held from outside the
/// scanned set (a global, a frame's slot, a native built-in's local, a REPL result, an error in
/// flight, a handle...) and is kept, with everything it reaches. What is left reaches nothing from
/// outside: its boxes are emptied and it is freed. Anything the scan does not enter (errors,
/// handles, built-ins) counts as outside, which keeps a value rather than frees it. Debug builds
/// check both halves: no object has fewer references than the scan counted, and every object
/// found unreachable is really freed once its boxes are emptied.
///
/// Global cells: a top-level function's code holds the global cell that holds the function. Cells
/// live as long as their namespace (the session's or an imported file's), that is the session,
/// so those cycles are broken when the session ends (`breakCycles`): a finished run leaks nothing
/// (LeakSanitizer checks it under scripts/fuzz).
///
/// The closures are kept in an intrusive list that does not hold them: a closure links itself in
/// when made and unlinks itself when freed, so a closure that is garbage without a cycle is freed
/// at once, as if nothing tracked it.
final class CycleCollector {
    /// The newest live closure that captured boxes (closures without captures cannot close a
    /// cycle); older ones follow through `Closure.nextTracked`.
    fileprivate var newest: Unmanaged<Closure>?
    /// Top-level namespaces: the session's and each imported file's.
    private var namespaces: [Globals] = []

    /// Closures with captures to make before the next collection.
    private var untilCollection: Int
    /// The fewest closures made between two collections: a scan of a small heap costs more than
    /// the garbage of this many closures weighs.
    static let minimumBudget = 10_000
    /// Tests set this (debug builds also read `OGPU_DEBUG_COLLECT_EVERY`) to collect far more
    /// often than a run would, so that a collector bug shows up as a wrong result.
    var fixedBudget: Int? {
        didSet { untilCollection = fixedBudget ?? Self.minimumBudget }
    }

    /// What the collector did, for tests and the soak benchmark.
    private(set) var collections = 0
    /// Objects (boxes, closures, list and map storage) found unreachable and freed.
    private(set) var freedObjects = 0

    init() {
        #if DEBUG
        if let every = getenv("OGPU_DEBUG_COLLECT_EVERY").flatMap({ Int(String(cString: $0)) }), every > 0 {
            fixedBudget = every
        }
        #endif
        untilCollection = fixedBudget ?? Self.minimumBudget
    }

    @inline(__always)
    func track(_ closure: Closure) {
        let node = Unmanaged.passUnretained(closure)
        closure.tracker = Unmanaged.passUnretained(self)
        closure.nextTracked = newest
        if let n = newest { n._withUnsafeGuaranteedRef { $0.previousTracked = node } }
        newest = node
        untilCollection &-= 1
        if untilCollection <= 0 { collect() }
    }

    func track(_ globals: Globals) { namespaces.append(globals) }

    /// Finds the closures, boxes, lists and maps that only reach each other and frees them.
    @inline(never)
    func collect() {
        var scan = CycleScan()
        let (live, freed) = scan.collect(from: newest)
        collections += 1
        freedObjects += freed
        // The next scan visits what stays again: waiting for closures in proportion to it keeps
        // the scanning per closure made bounded, and the garbage between scans in proportion to
        // the live data. (Sizing it on all that was scanned, garbage included, let the budget
        // grow with every scan, and memory with it.)
        untilCollection = fixedBudget ?? max(Self.minimumBudget, live / 8)
    }

    /// Frees the functions that constants held before they were rebound (REPL redefinition, or
    /// `import` inside a function): a call may be running one of them until its run ends, so
    /// `GlobalCell` keeps them until then. Called at the end of each run (file or REPL input).
    func releaseRetiredFunctions() {
        for g in namespaces { g.releaseRetiredFunctions() }
    }

    /// The session ends: empties every captured box and global cell. Values still held outside
    /// the session (a result the caller kept) stay valid, but their closures see `nil` in what
    /// they captured.
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

extension Globals {
    func releaseRetiredFunctions() {
        for cell in cells.values { cell.releaseRetired() }
    }
}
