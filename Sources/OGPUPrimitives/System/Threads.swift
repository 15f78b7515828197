#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Detached threads and a condition variable on pthreads. Foundation's `Thread` and
/// `NSCondition` live in the full Foundation, which would link ICU's 30 MB of data into the
/// binary (README, "Start-up and binary size").
public enum DetachedThread {
    /// Starts `body` on a new detached thread; false (and `body` not run) when the system refuses
    /// a thread, so the caller decides how to go on without one.
    @discardableResult
    public static func start(_ body: @escaping @Sendable () -> Void) -> Bool {
        let box = Unmanaged.passRetained(ThreadBody(body)).toOpaque()
        var thread = pthread_t()
        let rc = pthread_create(&thread, nil, { raw in
            Unmanaged<ThreadBody>.fromOpaque(raw!).takeRetainedValue().run()
            return nil
        }, box)
        guard rc == 0 else {
            Unmanaged<ThreadBody>.fromOpaque(box).release()
            return false
        }
        pthread_detach(thread)
        return true
    }
}

/// What a thread runs, boxed to pass through pthread_create's pointer.
private final class ThreadBody {
    let run: @Sendable () -> Void
    init(_ run: @escaping @Sendable () -> Void) { self.run = run }
}

/// A lock with a condition to wait on (NSCondition's shape: `lock`, `unlock`, `wait`,
/// `broadcast`), on a pthread mutex and condition variable.
public final class Condition: @unchecked Sendable {  // Sendable: the lock serializes every access
    private let mutex = Lock()
    private let cond: UnsafeMutablePointer<pthread_cond_t>

    public init() {
        cond = .allocate(capacity: 1)
        cond.initialize(to: pthread_cond_t())
        pthread_cond_init(cond, nil)
    }

    deinit {
        pthread_cond_destroy(cond)
        cond.deallocate()
    }

    public func lock() { mutex.lock() }
    public func unlock() { mutex.unlock() }
    /// Releases the lock until `broadcast` (or a spurious wake-up: callers wait in a loop).
    public func wait() { pthread_cond_wait(cond, mutex.mutex) }
    public func broadcast() { pthread_cond_broadcast(cond) }
}
