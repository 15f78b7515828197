#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import OGPUPrimitives

/// Hands out nonces per sender locally, so many transactions can be in flight without a round
/// trip each, and without two of them ever getting the same nonce (the SDK bug fixed in 0.2.2).
///
/// The first reservation for an address reads `eth_getTransactionCount(…, "pending")`; later ones
/// just count up while reservations follow each other closely (a batch, a loop of publishes). After
/// `idleSeconds` without one, the next reads the node again and takes the higher of the two: the
/// same account may have sent meanwhile from another wallet or process, and starting from a stale
/// count would cost a refused send ("nonce too low") and a lookup by hash before resyncing.
/// When the node says a nonce was wrong ("nonce too low", "replacement transaction underpriced")
/// the sender calls `resync`, which trusts the node again but never goes backwards past a nonce
/// known to be taken.
/// Sendable: `next` and `lastUse` are read and written under `lock` only.
public final class NonceManager: @unchecked Sendable {
    private let lock = Lock()
    private var next: [Address: UInt64] = [:]
    private var lastUse: [Address: Double] = [:]
    public let idleSeconds: Double
    private let clock: () -> Double

    public init(idleSeconds: Double = 5, clock: @escaping () -> Double = { Date().timeIntervalSinceReferenceDate }) {
        self.idleSeconds = idleSeconds
        self.clock = clock
    }

    /// Reserves the next nonce for `address`, reading the node when nothing is cached or the
    /// cache has been idle.
    public func reserve(for address: Address, using eth: EthClient) throws -> UInt64 {
        lock.lock()
        let now = clock()
        if let n = next[address], let last = lastUse[address], now - last < idleSeconds {
            next[address] = n + 1
            lastUse[address] = now
            lock.unlock()
            return n
        }
        lock.unlock()
        let pending = try eth.transactionCount(of: address, at: .pending)
        lock.lock(); defer { lock.unlock() }
        // Another thread may have synced meanwhile, and the node may not list our own sends yet:
        // never go below what we already handed out.
        let n = max(next[address] ?? 0, pending)
        next[address] = n + 1
        lastUse[address] = clock()
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
        lastUse[address] = clock()
    }

    public func reset(_ address: Address) {
        lock.lock(); next[address] = nil; lastUse[address] = nil; lock.unlock()
    }

    /// The nonce the next reservation would return, if cached.
    public func peek(_ address: Address) -> UInt64? {
        lock.lock(); defer { lock.unlock() }
        return next[address]
    }
}
