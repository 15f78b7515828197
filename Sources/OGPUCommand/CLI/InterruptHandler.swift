#if canImport(FoundationEssentials)
import FoundationEssentials
import Glibc
#else
import Foundation
#endif
import OGPUScript
import OGPUPrimitives

/// The write end of the self-pipe; the signal handler's only state (a C function cannot capture).
nonisolated(unsafe) private var interruptPipeWrite: Int32 = -1

/// Turns SIGINT (Ctrl-C) into a call to whatever is running: the first Ctrl-C asks the evaluation to
/// stop (it raises an "interrupted" error at the next check); a second one before it has stopped
/// exits with 130, so a stuck call can always be left.
///
/// The handler only writes a byte to a pipe (async-signal-safe); a reader thread does the Swift
/// work. It is installed synchronously with `signal`, so a Ctrl-C that comes right after start-up
/// is never lost (a dispatch signal source registers asynchronously and can miss it).
final class InterruptHandler: @unchecked Sendable {
    static let shared = InterruptHandler()

    private let lock = Lock()
    private var action: (() -> Void)?
    private var pending = 0
    private var installed = false

    private init() {}

    func install() {
        lock.withLock {
            guard !installed else { return }
            installed = true
            var fds: [Int32] = [-1, -1]
            guard pipe(&fds) == 0 else { return }
            interruptPipeWrite = fds[1]
            let readEnd = fds[0]
            // A plain detached pthread (Foundation's Thread would bring the full Foundation in).
            var reader = pthread_t()
            let started = pthread_create(&reader, nil, { raw in
                let fd = Int32(Int(bitPattern: raw) - 1)
                var byte: UInt8 = 0
                while read(fd, &byte, 1) == 1 { InterruptHandler.shared.fire() }
                return nil
            }, UnsafeMutableRawPointer(bitPattern: Int(readEnd) + 1))
            if started == 0 { pthread_detach(reader) }
            signal(SIGINT) { _ in
                var byte: UInt8 = 1
                _ = write(interruptPipeWrite, &byte, 1)
            }
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
