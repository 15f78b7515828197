import Foundation
import OGPUPrimitives

/// How waiting for a task ended (PROTOCOL.md §9.5).
public enum TaskWaitOutcome: Sendable {
    /// FINALIZED: the confirmed response (FIRST_RESPONSE, or confirmed by the client).
    case finalized(TaskInfo, ResponseInfo?)
    /// MANUAL_CONFIRMATION task with responses awaiting the client's choice.
    case responded(TaskInfo, [ResponseInfo])
    case canceled(TaskInfo)
    /// EXPIRED on chain, or past its expiry time by the chain's clock (EXPIRED is only set lazily).
    case expired(TaskInfo)
}

public enum TaskWaitError: Error, Sendable, CustomStringConvertible {
    case timedOut(task: Address, lastStatus: TaskStatus, seconds: Double)
    case cancelled(task: Address)

    public var description: String {
        switch self {
        case .timedOut(let t, let s, let secs): return "task \(t.checksummed) still \(s) after waiting \(Int(secs)) s"
        case .cancelled(let t): return "stopped waiting for task \(t.checksummed)"
        }
    }
}

extension OpenGPUClient {
    /// Polls the task until it settles: finalized, responded (manual confirmation), canceled or
    /// expired. Polling backs off from `pollInterval` to 2 s; transient read errors are retried
    /// until `timeout`.
    public func waitForTask(_ task: Address, timeout: Double = 300, pollInterval: Double = 0.25) throws -> TaskWaitOutcome {
        let deadline = Date().addingTimeInterval(timeout)
        var delay = pollInterval
        var last: TaskStatus = .new
        while true {
            if let info = try? self.task(task) {
                last = info.status
                switch info.status {
                case .finalized:
                    let confirmed = try responses(of: task).first { $0.confirmed }
                    return .finalized(info, confirmed)
                case .responded where info.deliveryMethod != .firstResponse:
                    return .responded(info, try responses(of: task))
                case .canceled:
                    return .canceled(info)
                case .expired:
                    return .expired(info)
                default:
                    if let now = try? eth.block(.latest)?.timestamp, info.isExpired(now: now) { return .expired(info) }
                }
            }
            guard Date() < deadline else { throw TaskWaitError.timedOut(task: task, lastStatus: last, seconds: timeout) }
            guard CancellationToken.sleep(min(delay, max(0, deadline.timeIntervalSinceNow)), token: cancellation) else {
                throw TaskWaitError.cancelled(task: task)
            }
            delay = min(delay * 1.5, 2)
        }
    }
}
