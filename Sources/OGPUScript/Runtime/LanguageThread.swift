#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// The threading contract that lets this module count references non-atomically
/// (`-assume-single-threaded`, Package.swift): at any moment at most one thread runs the
/// language — any session's code, a check, a session's start or end — and a hand-over to
/// another thread goes through a join (`BigStack.run`) or a lock. Values are shared between
/// sessions (the built-in table, interned constants), so two sessions on two threads at once
/// would race their reference counts too, not only two threads in one session.
///
/// Debug builds check it at every entry (`ScriptSession`'s init, runs, `check` and end): an entry
/// while another thread is inside stops the process with a message naming the contract. A
/// thread that `BigStack.run` starts counts as the thread that started it, so a run on a big
/// stack, and a session used inside `Sandbox.onLargeStack`, are entries of their caller.
/// Release builds check nothing (the entries are on the hot path of a REPL and of the fuzzer).
enum LanguageThread {
    /// Runs `body` as an entry into the language (see above).
    @inline(__always)
    static func entry<T>(_ what: String, _ body: () throws -> T) rethrows -> T {
        #if DEBUG
        precondition(tryEnter(), violation(what))
        defer { leave() }
        #endif
        return try body()
    }

    static func violation(_ what: String) -> String {
        "\(what) on a second thread while another thread was inside the language: OGPUScript runs "
            + "on one thread at a time (-assume-single-threaded; see Package.swift and the README)"
    }

    #if DEBUG
    /// The logical thread inside (0: none), and how deep its entries nest (its own to touch).
    private static let owner = Atomic<UInt>(0)
    nonisolated(unsafe) private static var depth = 0

    /// Enters for the current (logical) thread; false, and nothing changed, when another is inside.
    static func tryEnter() -> Bool {
        let me = BigStack.logicalThread
        let (exchanged, current) = owner.compareExchange(expected: 0, desired: me, ordering: .acquiring)
        guard exchanged || current == me else { return false }
        depth += 1
        return true
    }

    static func leave() {
        depth -= 1
        if depth == 0 { owner.store(0, ordering: .releasing) }
    }
    #endif
}
