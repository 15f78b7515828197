import Foundation

/// A flag a caller (a REPL's Ctrl-C handler, a script's deadline) sets to stop in-flight work.
/// Transfers poll it from libcurl's progress callback; waits poll it between sleeps.
public final class CancellationToken: @unchecked Sendable {
    private let lock = NSLock()
    private var cancelled = false

    public init() {}

    public func cancel() { lock.lock(); cancelled = true; lock.unlock() }

    public var isCancelled: Bool { lock.lock(); defer { lock.unlock() }; return cancelled }

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
