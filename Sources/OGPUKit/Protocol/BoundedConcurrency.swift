import Dispatch
import OGPUPrimitives

/// Runs independent blocking reads (HTTP fetches) on a few threads at once.
enum BoundedConcurrency {
    /// `body(0..<count)` on at most `width` threads at a time; results in index order. Returns once
    /// every call has.
    static func map<T: Sendable>(_ count: Int, width: Int, _ body: @escaping @Sendable (Int) -> T) -> [T] {
        if count == 0 { return [] }
        if count == 1 || width <= 1 { return (0..<count).map(body) }
        let box = Results<T>(count)
        let group = DispatchGroup()
        for _ in 0..<min(width, count) {
            group.enter()
            let work: @Sendable () -> Void = {
                while let i = box.claim() { box.set(i, body(i)) }
                group.leave()
            }
            // Without a thread the caller does the share itself (the results are the same).
            if !DetachedThread.start(work) { work() }
        }
        group.wait()
        return box.values()
    }

    /// Sendable: every field is touched under `lock` only.
    private final class Results<T>: @unchecked Sendable {
        private let lock = Lock()
        private var next = 0
        private var slots: [T?]

        init(_ count: Int) { slots = Array(repeating: nil, count: count) }

        func claim() -> Int? {
            lock.lock(); defer { lock.unlock() }
            guard next < slots.count else { return nil }
            next += 1
            return next - 1
        }

        func set(_ i: Int, _ v: T) { lock.lock(); slots[i] = v; lock.unlock() }

        func values() -> [T] { lock.lock(); defer { lock.unlock() }; return slots.map { $0! } }
    }
}
