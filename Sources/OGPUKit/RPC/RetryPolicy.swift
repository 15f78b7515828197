import OGPUPrimitives
/// Which failures may be repeated, and how long to wait between attempts.
///
/// Only *idempotent* methods are retried after the request may have reached the node: repeating a
/// read is harmless, repeating `eth_sendRawTransaction` is a decision for the sender (which checks
/// by hash first), and test-chain methods like `evm_increaseTime` would apply twice.
public struct RetryPolicy: Sendable {
    public var maxAttempts: Int
    public var baseDelay: Double
    public var maxDelay: Double

    public init(maxAttempts: Int = 4, baseDelay: Double = 0.1, maxDelay: Double = 2.0) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
    }

    public static let none = RetryPolicy(maxAttempts: 1)

    /// "Full jitter" exponential backoff: uniform in [0, min(max, base·2^attempt)], so many clients
    /// hitting one flaky node don't retry in lockstep. `attempt` counts from 0.
    public func delay(afterAttempt attempt: Int) -> Double {
        let cap = min(maxDelay, baseDelay * Double(1 << min(attempt, 20)))
        return Double.random(in: (cap / 2)...cap)
    }

    /// Methods whose repetition has no effect beyond the first call.
    public static func isIdempotent(_ method: String) -> Bool {
        if method == "eth_sendRawTransaction" || method == "eth_sendTransaction" || method == "eth_sign" { return false }
        return method.hasPrefix("eth_") || method.hasPrefix("net_") || method.hasPrefix("web3_")
            || method == "ogpu_manifest"
    }

    /// Whether `error` from `method` may be retried automatically.
    public static func isRetryable(_ error: RPCError, method: String) -> Bool {
        if error.isCancelled { return false }
        // Nothing reached the node: safe for any method.
        if error.certainlyNotDelivered { return true }
        guard isIdempotent(method) else { return false }
        switch error {
        case .transport(let t, _):
            switch t.kind {
            case .timedOut, .connectionLost, .connectFailed: return true
            case .responseTooLarge, .cancelled, .invalidURL, .other: return false
            }
        case .httpStatus(let status, _, _):
            return status == 429 || status == 408 || (500...599).contains(status)
        case .invalidResponse:
            // A truncated or garbled body from a proxy or overloaded node; a fresh read usually works.
            return true
        case .server(let code, let message, _, _):
            if error.isExecutionRevert { return false }
            let m = message.lowercased()
            return code == -32005 || code == 429
                || m.contains("rate limit") || m.contains("too many requests")
                || m.contains("header not found") || m.contains("block not found") || m.contains("timeout")
        }
    }
}
