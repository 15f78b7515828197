import Dispatch
import Foundation
import OGPUCommand
import OGPUScript

/// Runs the MCP server's work on its one `ScriptEngine`, one call at a time, each on the engine's
/// big-stack thread as the REPL does; the protocol's tasks only await the result, so a long `wait`
/// never blocks the threads that read requests.
///
/// Every call has a deadline: when it passes, or when the client cancels the request, the
/// session's interrupt flag is raised (the same flag Ctrl-C raises at the REPL), so a running
/// `wait`, `sleep` or network call stops at its next check with an `interrupted` error and the
/// session stays usable.
final class SessionWorker: @unchecked Sendable {
    /// How a call ended besides its own result.
    enum Stop { case none, timedOut, cancelled }

    private let engine: ScriptEngine
    /// Serial: calls queue here and never overlap.
    private let queue = DispatchQueue(label: "ogpu-mcp-session")

    init(engine: ScriptEngine) { self.engine = engine }

    /// Runs `body` on the session; nil when the request was cancelled before its turn came.
    func run<T>(timeout seconds: Double, _ body: @escaping () -> T) async -> (result: T, stop: Stop)? {
        let call = CallState()
        let engine = self.engine
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<(result: T, stop: Stop)?, Never>) in
                queue.async {
                    guard call.start() else { return continuation.resume(returning: nil) }
                    let timer = DispatchSource.makeTimerSource(queue: .global())
                    timer.schedule(deadline: .now() + seconds)
                    timer.setEventHandler { if call.stop(.timedOut) { engine.interrupt() } }
                    timer.resume()
                    let result = ScriptSession.onBigStack(body)
                    timer.cancel()
                    continuation.resume(returning: (result, call.finish()))
                }
            }
        } onCancel: {
            if call.stop(.cancelled) { engine.interrupt() }
        }
    }

    /// Waits (up to `seconds`) for the call in progress to end, after interrupting it: the server
    /// is going away, and a send in flight should reach its journal record's end.
    func drain(seconds: Double) {
        engine.interrupt()
        let done = DispatchSemaphore(value: 0)
        queue.async { done.signal() }
        _ = done.wait(timeout: .now() + seconds)
    }
}

/// One call's life: queued, running, stopped (by its deadline or a cancel) and finished.
private final class CallState: @unchecked Sendable {
    private let lock = NSLock()
    private var running = false
    private var finished = false
    private var stopped = SessionWorker.Stop.none

    /// False when the call was cancelled while queued: it is skipped.
    func start() -> Bool {
        lock.withLock {
            if stopped == .cancelled { finished = true; return false }
            running = true
            return true
        }
    }

    /// Records why the call is being stopped; true when it is running and should be interrupted.
    func stop(_ reason: SessionWorker.Stop) -> Bool {
        lock.withLock {
            guard !finished, stopped == .none else { return false }
            stopped = reason
            return running
        }
    }

    func finish() -> SessionWorker.Stop {
        lock.withLock {
            finished = true
            return stopped
        }
    }
}
