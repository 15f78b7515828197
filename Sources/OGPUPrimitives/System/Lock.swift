#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A mutual-exclusion lock with NSLock's shape (`lock`, `unlock`, `withLock`), on a pthread mutex.
/// NSLock lives in the full Foundation, which would link ICU's 30 MB of data into the binary
/// (README, "Start-up and binary size"); Synchronization's `Mutex` cannot be locked and unlocked
/// in separate statements, which several callers need.
public final class Lock: @unchecked Sendable {  // Sendable: the mutex serializes every access
    /// Internal: `Condition` waits on this mutex.
    let mutex: UnsafeMutablePointer<pthread_mutex_t>

    public init() {
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    public func lock() { pthread_mutex_lock(mutex) }

    public func unlock() { pthread_mutex_unlock(mutex) }

    public func withLock<T>(_ body: () throws -> T) rethrows -> T {
        lock()
        defer { unlock() }
        return try body()
    }
}
