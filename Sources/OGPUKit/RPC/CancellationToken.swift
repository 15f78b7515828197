#if canImport(FoundationEssentials)
import FoundationEssentials
import Glibc
#else
import Foundation
#endif
import OGPUPrimitives

/// A flag a caller (a REPL's Ctrl-C handler, a script's deadline) sets to stop in-flight work.
/// Transfers poll it from libcurl's progress callback; waits poll it between sleeps.
/// Sendable: `cancelled` is read and written under `lock`; the linked `InterruptFlag` is itself thread-safe.
public final class CancellationToken: @unchecked Sendable {
    private let lock = Lock()
    private var cancelled = false
    /// Also cancelled while this flag is raised (a session's Ctrl-C flag): the signal thread raises
    /// it and in-flight work stops at its next poll, with no watcher thread in between.
    private let interrupt: InterruptFlag?

    public init(linkedTo interrupt: InterruptFlag? = nil) { self.interrupt = interrupt }

    public func cancel() { lock.lock(); cancelled = true; lock.unlock() }

    public var isCancelled: Bool {
        if interrupt?.isRaised == true { return true }
        lock.lock(); defer { lock.unlock() }
        return cancelled
    }

    /// Sleeps up to `seconds`, waking early (and returning false) when cancelled.
    @discardableResult
    public static func sleep(_ seconds: Double, token: CancellationToken?) -> Bool {
        var remaining = seconds
        while remaining > 0 {
            if token?.isCancelled == true { return false }
            let step = min(remaining, 0.05)
            usleep(useconds_t(step * 1_000_000))
            remaining -= step
        }
        return token?.isCancelled != true
    }
}
