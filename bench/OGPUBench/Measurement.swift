import Foundation

/// The clock a measurement runs on.
enum BenchmarkClock {
    /// CPU seconds used by the calling thread: unlike wall time, it does not count the time other
    /// processes on a shared machine take from us, so ratios stay meaningful under load.
    case threadCPU
    /// Monotonic wall time, for peers that measure wall time too (eth-abi's `perf_counter`).
    case wall

    var now: Double {
        switch self {
        case .threadCPU:
            var ts = timespec()
            clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
            return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
        case .wall:
            return Double(DispatchTime.now().uptimeNanoseconds) / 1e9
        }
    }
}

/// Calls `body`, which does `operationsPerCall` operations, until `seconds` have passed on `clock`;
/// returns operations per second. The clock is read only between calls, so a call should do enough
/// work (a batch) for the reading to cost nothing by comparison. `warmUp` makes one uncounted call
/// first, as the Python peers that warm up do.
func operationsPerSecond(seconds: Double, operationsPerCall: Int, clock: BenchmarkClock = .threadCPU,
                         warmUp: Bool = false, _ body: () throws -> Void) rethrows -> Double {
    if warmUp { try body() }
    let start = clock.now
    var count = 0
    while true {
        try body()
        count += operationsPerCall
        let elapsed = clock.now - start
        if elapsed >= seconds { return Double(count) / elapsed }
    }
}
