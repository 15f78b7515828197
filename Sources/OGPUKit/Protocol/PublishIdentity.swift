import OGPUPrimitives
import BigInt
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// How a draft's expiry was asked for. A relative expiry (`expiry: 1h`) becomes a different
/// on-chain expiry time on every run, so the identity of a draft uses what was *asked*, not the
/// time it produced.
public enum ExpirySpec: Sendable, Equatable {
    /// The draft's `expiryTime` as given (an absolute time).
    case absolute
    /// `seconds` after the moment of publishing.
    case relative(seconds: UInt64)
}

/// The identity of "the same draft" (docs/publishing.md): keccak256 of the chain id, the
/// Controller, the signing account, the source, the exact config bytes, the payment, the expiry
/// *as asked for* and the draft's occurrence among identical drafts of one batch. It depends on
/// nothing of the session, so it is the same across runs; it is stored in the journal's `meta`
/// as `draft` with each publish.
public struct PublishIdentity: Sendable, Hashable, CustomStringConvertible {
    public let hex: String

    public init(chainId: UInt64, controller: Address, signer: Address, draft: TaskDraft, expiry: ExpirySpec, occurrence: Int = 0) {
        let asked: String
        switch expiry {
        case .absolute: asked = "at:\(draft.expiryTime)"
        case .relative(let s): asked = "after:\(s)"
        }
        var bytes = Array("ogpu-publish-v1|\(chainId)|\(controller.checksummed)|\(signer.checksummed)|\(draft.source.checksummed)|".utf8)
        bytes += Keccak256.hash(draft.configBytes)
        bytes += Array("|\(draft.payment)|\(asked)|\(occurrence)".utf8)
        hex = Hex.encode(Keccak256.hash(bytes))
    }

    public var description: String { hex }
}

extension OpenGPUClient {
    /// The identity of each draft of one publish call: identical drafts in one batch are told
    /// apart by their occurrence (`publish([d, d])` means two tasks).
    func identities(_ drafts: [TaskDraft], expiries: [ExpirySpec], signer: Address) -> [PublishIdentity] {
        var seen = [PublishIdentity: Int]()
        return zip(drafts, expiries).map { d, e in
            let base = PublishIdentity(chainId: network.chainId, controller: network.contracts.controller, signer: signer, draft: d, expiry: e)
            let n = seen[base, default: 0]
            seen[base] = n + 1
            return n == 0 ? base : PublishIdentity(chainId: network.chainId, controller: network.contracts.controller, signer: signer,
                                                   draft: d, expiry: e, occurrence: n)
        }
    }

    /// The latest journaled publish of `identity` that still stands for it: unresolved (it may
    /// land), or mined with a task that is still live — not past its expiry time, not canceled
    /// or expired on chain (a finalized task stands: its answer is what a re-run wants). A
    /// rejected or reverted publish created no task, and a canceled or expired task will give no
    /// answer, so none of those stops a new publish.
    func earlierPublish(of identity: PublishIdentity) throws -> SendJournal.Entry? {
        try earlierPublishes(of: [identity])[identity]
    }

    /// The latest of one draft's journaled publishes (in journal order) that still stands.
    func standing(_ matching: [SendJournal.Entry]) -> SendJournal.Entry? {
        let now = Self.now()
        for e in matching.reversed() {
            if e.latest.isUnresolved { return e }
            guard e.latest == .mined else { continue }
            let expiry = e.signed.fields["meta"]?["expiry"]?.intValue.map { UInt64(max(0, $0)) } ?? 0
            guard expiry > now else { continue }
            if let t = e.task.flatMap({ try? Address(hex: $0) }), let info = try? task(t),
               info.status == .canceled || info.status == .expired {
                continue
            }
            return e
        }
        return nil
    }

    /// The task an earlier publish of the same draft created, settled now if it was left open
    /// (nothing is signed): its task, or nil when it is shown to have created none (reverted,
    /// or displaced). An outcome still unknown throws the sender's `receiptTimeout` /
    /// `deliveryUncertain`, which name the earlier transaction.
    func settleEarlierPublish(_ entry: SendJournal.Entry, sender s: TransactionSender) throws -> PublishedTask? {
        let url = entry.signed.fields["meta"]?["config"]?.stringValue ?? ""
        if entry.latest == .mined, let task = entry.task.flatMap({ try? Address(hex: $0) }) {
            return PublishedTask(task: task, transactionHash: entry.hash, blockNumber: entry.block ?? 0, configURL: url)
        }
        switch try s.settle(entry.signed) {
        case .mined(let receipt): return try published(receipt, configURL: url)
        case .reverted, .absent: return nil
        }
    }
}
