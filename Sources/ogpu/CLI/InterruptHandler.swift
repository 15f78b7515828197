import Foundation

/// Turns SIGINT (Ctrl-C) into a call to whatever is running: the first Ctrl-C asks the evaluation to
/// stop (it raises an "interrupted" error at the next check); a second one before it has stopped
/// exits with 130, so a stuck call can always be left.
///
/// The signal is delivered through a dispatch source on another thread, never in a signal handler,
/// so the callback may do ordinary Swift work while the main thread evaluates.
final class InterruptHandler: @unchecked Sendable {
    static let shared = InterruptHandler()

    private let lock = NSLock()
    private var action: (() -> Void)?
    private var pending = 0
    private var source: DispatchSourceSignal?

    private init() {}

    func install() {
        lock.withLock {
            guard source == nil else { return }
            signal(SIGINT, SIG_IGN)
            let s = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global(qos: .userInteractive))
            s.setEventHandler { [weak self] in self?.fire() }
            s.resume()
            source = s
        }
    }

    /// Runs `body` with Ctrl-C mapped to `onInterrupt`.
    func whileRunning<T>(onInterrupt: @escaping () -> Void, _ body: () -> T) -> T {
        lock.withLock { action = onInterrupt; pending = 0 }
        defer { lock.withLock { action = nil; pending = 0 } }
        return body()
    }

    private func fire() {
        let (current, count): ((() -> Void)?, Int) = lock.withLock {
            pending += 1
            return (action, pending)
        }
        guard let current else { return }
        if count >= 2 {
            Terminal.writeError("\nogpu: interrupted\n")
            exit(ExitStatus.interrupted)
        }
        current()
    }
}
