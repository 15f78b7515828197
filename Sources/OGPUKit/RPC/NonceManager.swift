import Foundation

/// Hands out nonces per sender locally, so many transactions can be in flight without a round
/// trip each, and without two of them ever getting the same nonce (the SDK bug fixed in 0.2.2).
///
/// The first reservation for an address reads `eth_getTransactionCount(…, "pending")`; later ones
/// just count up. When the node says a nonce was wrong ("nonce too low", "replacement transaction
/// underpriced") the sender calls `resync`, which trusts the node again but never goes backwards
/// past a nonce known to be taken.
public final class NonceManager: @unchecked Sendable {
    private let lock = NSLock()
    private var next: [Address: UInt64] = [:]

    public init() {}

    /// Reserves the next nonce for `address`, reading the node only when nothing is cached.
    public func reserve(for address: Address, using eth: EthClient) throws -> UInt64 {
        lock.lock()
        if let n = next[address] {
            next[address] = n + 1
            lock.unlock()
            return n
        }
        lock.unlock()
        let pending = try eth.transactionCount(of: address, at: .pending)
        lock.lock(); defer { lock.unlock() }
        // Another thread may have synced meanwhile: keep the higher value.
        let n = max(next[address] ?? 0, pending)
        next[address] = n + 1
        return n
    }

    /// Gives back a nonce that was reserved but never broadcast. Only the most recent reservation
    /// can be handed out again; an earlier one leaves a gap, so the cache is dropped and the next
    /// reservation re-reads the node (which reports the gap as the pending count).
    public func release(_ nonce: UInt64, for address: Address) {
        lock.lock(); defer { lock.unlock() }
        guard let n = next[address] else { return }
        if n == nonce + 1 { next[address] = nonce } else if nonce < n { next[address] = nil }
    }

    /// After the node rejected `tried` as taken: forget the cache, re-read, and skip past `tried`.
    public func resync(for address: Address, taken tried: UInt64, using eth: EthClient) throws {
        let pending = try eth.transactionCount(of: address, at: .pending)
        lock.lock(); defer { lock.unlock() }
        next[address] = max(pending, tried + 1)
    }

    public func reset(_ address: Address) {
        lock.lock(); next[address] = nil; lock.unlock()
    }

    /// The nonce the next reservation would return, if cached.
    public func peek(_ address: Address) -> UInt64? {
        lock.lock(); defer { lock.unlock() }
        return next[address]
    }
}
