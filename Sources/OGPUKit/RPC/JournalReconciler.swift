#if canImport(FoundationEssentials)
import FoundationEssentials
import Glibc
#else
import Foundation
#endif
import OGPUPrimitives

/// Settles what an interrupted session left in the send journal: every transaction that was
/// signed but has no final state is looked up by hash and recorded as mined or reverted. One that
/// no node knows can be re-broadcast — the *same signed bytes*, so it lands at most once — or,
/// when its nonce has been used by something else, recorded as rejected.
public struct JournalReconciler {
    public enum Outcome: Sendable, Equatable {
        case mined(block: UInt64)
        case reverted(block: UInt64)
        /// Still pending in the node's pool.
        case pending
        /// No node knew it and its nonce was still free: the same signed bytes (same hash) were
        /// broadcast again. Check again later for the outcome.
        case rebroadcast
        /// Its nonce was consumed by another transaction (it stayed unfound over several lookups):
        /// it can never be mined.
        case superseded
        /// Not known to the node and not re-broadcast (rebroadcast disabled or no raw bytes).
        case unknown
        /// Re-broadcast refused by the node with this message (not a used nonce); still unresolved.
        case refused(String)
    }

    public let eth: EthClient
    public let journal: SendJournal
    public let chainId: UInt64
    /// A transaction whose nonce is used and that is not found is looked up this many more times,
    /// `absencePause` seconds apart, before it is recorded as superseded.
    public var absenceLookups = 2
    public var absencePause = 1.0

    public init(eth: EthClient, journal: SendJournal, chainId: UInt64) {
        self.eth = eth
        self.journal = journal
        self.chainId = chainId
    }

    /// Reconciles every unresolved entry of this chain; returns (hash, label, outcome) in journal order.
    public func run(rebroadcast: Bool) throws -> [(hash: String, label: String?, outcome: Outcome)] {
        var out = [(String, String?, Outcome)]()
        for record in try journal.unresolved() {
            if let c = record.fields["chainId"]?.stringValue, c != String(chainId) { continue }
            out.append((record.hash, record.label, try reconcile(record, rebroadcast: rebroadcast)))
        }
        return out
    }

    func reconcile(_ record: SendJournal.Record, rebroadcast: Bool) throws -> Outcome {
        if let receipt = try eth.receipt(record.hash) {
            try journal.record(receipt.succeeded ? .mined : .reverted, hash: record.hash, [("block", .int(receipt.blockNumber)), ("via", "reconcile")])
            return receipt.succeeded ? .mined(block: receipt.blockNumber) : .reverted(block: receipt.blockNumber)
        }
        if try eth.transactionKnown(record.hash) { return .pending }
        guard let from = record.from.flatMap({ try? Address(hex: $0) }), let nonce = record.nonce else { return .unknown }
        let mined = try eth.transactionCount(of: from, at: .latest)
        if nonce < mined {
            // Its nonce is used — by it, if the node's indexes lag, or by another transaction. The
            // block that used the nonce says which; without history, look again before recording
            // it as never mined: one failed lookup proves nothing.
            if let (_, hashes) = try? eth.blockThatUsed(nonce: nonce, of: from) {
                if hashes.contains(record.hash.lowercased()) { return .pending }  // mined; its receipt is not indexed yet
                try journal.record(.rejected, hash: record.hash, [("reason", "nonce used by another transaction"), ("via", "reconcile")])
                return .superseded
            }
            for _ in 0..<absenceLookups {
                usleep(useconds_t(absencePause * 1_000_000))
                if let receipt = try eth.receipt(record.hash) {
                    try journal.record(receipt.succeeded ? .mined : .reverted, hash: record.hash,
                                       [("block", .int(receipt.blockNumber)), ("via", "reconcile")])
                    return receipt.succeeded ? .mined(block: receipt.blockNumber) : .reverted(block: receipt.blockNumber)
                }
                if try eth.transactionKnown(record.hash) { return .pending }
            }
            try journal.record(.rejected, hash: record.hash, [("reason", "nonce used by another transaction"), ("via", "reconcile")])
            return .superseded
        }
        guard rebroadcast, let rawHex = record.raw, let raw = try? Hex.decode(rawHex) else { return .unknown }
        do {
            _ = try eth.sendRawTransaction(raw)
        } catch let e as RPCError {
            let m = (e.serverMessage ?? "").lowercased()
            if m.contains("nonce too low") {
                try journal.record(.rejected, hash: record.hash, [("reason", .string(m)), ("via", "reconcile")])
                return .superseded
            }
            if !m.contains("already known") && !m.contains("known transaction") {
                // The node answered and refused (a nonce gap, no funds for gas, a chain reset):
                // nothing was sent, and the bytes may become valid later, so the entry stays open.
                // Other entries are still checked. A transport failure throws: delivery unknown.
                guard case .server(_, let message, _, _) = e else { throw e }
                return .refused(message)
            }
        }
        try journal.record(.sent, hash: record.hash, [("via", "reconcile")])
        return .rebroadcast
    }
}
