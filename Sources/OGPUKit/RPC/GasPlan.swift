#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import OGPUPrimitives

/// Remembers the last gas estimate per call *shape* — target, 4-byte selector, calldata length,
/// and whether value is sent — so the next call of that shape (the next task publish, whose calldata
/// differs only in the config URL) starts from a known limit. The limit is only a starting point:
/// `TransactionSender.gasLimit(for:)` proves it with an `eth_call` before anything is signed.
/// Sendable: the estimates table is read and written under `lock` only.
public final class GasPlan: @unchecked Sendable {
    struct Shape: Hashable {
        let to: Address
        let selector: [UInt8]
        let length: Int
        let paysValue: Bool

        init(_ r: TransactionRequest) {
            to = r.to
            selector = Array(r.data.prefix(4))
            length = r.data.count
            paysValue = r.value > 0
        }
    }

    private let lock = Lock()
    private var estimates: [Shape: UInt64] = [:]
    /// Shapes are few (one per contract function and calldata size); the cap only guards memory.
    private let capacity = 256

    public init() {}

    public func remember(_ estimate: UInt64, for request: TransactionRequest) {
        lock.lock(); defer { lock.unlock() }
        if estimates.count >= capacity { estimates.removeAll() }
        estimates[Shape(request)] = estimate
    }

    /// The padded limit from the last estimate of this shape, or nil when none is known.
    public func limit(for request: TransactionRequest, fees: FeeOracle) -> UInt64? {
        lock.lock(); defer { lock.unlock() }
        return estimates[Shape(request)].map(fees.gasLimit(forEstimate:))
    }

    public func forget() {
        lock.lock(); estimates.removeAll(); lock.unlock()
    }
}
