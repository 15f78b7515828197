import OGPUPrimitives

/// Runs `work(0)`, `work(1)`, … on one background thread, at most `lookahead` items ahead of a
/// consumer that takes the results in the same order: a batch pins item k+1's config while item
/// k's transaction is being sent, so the pins cost the batch no wall time and memory stays flat
/// (`lookahead` results at most, however long the batch).
/// Sendable: `results`, `taken` and `stopped` are touched only under `condition`.
final class OrderedPrefetch<T>: @unchecked Sendable {
    private let condition = Condition()
    private var results: [Int: Result<T, Error>] = [:]
    private var taken = 0
    private var stopped = false

    /// Set only when the system refused a background thread: `take` then does each item's work itself.
    private var inlineWork: (@Sendable (Int) throws -> T)?

    init(count: Int, lookahead: Int = 32, _ work: @escaping @Sendable (Int) throws -> T) {
        let started = DetachedThread.start { [self] in
            for i in 0..<count {
                condition.lock()
                while !stopped && i - taken >= lookahead { condition.wait() }
                let stop = stopped
                condition.unlock()
                if stop { return }
                let r = Result { try work(i) }
                condition.lock()
                results[i] = r
                condition.broadcast()
                condition.unlock()
            }
        }
        if !started { inlineWork = work }
    }

    /// Item `i`'s result, waiting for it; items must be taken in order, each once.
    func take(_ i: Int) -> Result<T, Error> {
        if let inlineWork { taken = i + 1; return Result { try inlineWork(i) } }
        condition.lock(); defer { condition.unlock() }
        while results[i] == nil { condition.wait() }
        taken = i + 1
        condition.broadcast()
        return results.removeValue(forKey: i)!
    }

    /// Ends the background work early (the consumer stopped taking).
    func stop() {
        condition.lock()
        stopped = true
        condition.broadcast()
        condition.unlock()
    }
}
