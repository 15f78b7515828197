import Synchronization
import OGPUPrimitives

/// A flag that any thread may raise at any moment (a Ctrl-C handler) and the working thread polls.
///
/// It is a plain value around one heap cell, so raising, reading and copying it touch no reference
/// count: the script evaluator is compiled with non-atomic reference counting (it runs on one
/// thread), so an object that another thread retains at the same time could have its count
/// corrupted. The owner allocates it once and deallocates it after the last reader is gone.
/// Sendable: its only state is the `Atomic<Bool>` in its cell, which the owner keeps allocated
/// while any thread may use the flag.
public struct InterruptFlag: @unchecked Sendable {
    private let cell: UnsafeMutablePointer<Atomic<Bool>>

    /// A new, lowered flag; call `deallocate()` when neither side will use it again.
    public static func allocate() -> InterruptFlag {
        let cell = UnsafeMutablePointer<Atomic<Bool>>.allocate(capacity: 1)
        cell.initialize(to: Atomic(false))
        return InterruptFlag(cell: cell)
    }

    private init(cell: UnsafeMutablePointer<Atomic<Bool>>) { self.cell = cell }

    public func deallocate() {
        cell.deinitialize(count: 1)
        cell.deallocate()
    }

    public func raise() { cell.pointee.store(true, ordering: .relaxed) }

    public func lower() { cell.pointee.store(false, ordering: .relaxed) }

    @inline(__always)
    public var isRaised: Bool { cell.pointee.load(ordering: .relaxed) }
}
