#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import OGPUPrimitives

/// Recovery after an interrupted session (Ctrl-C, crash, lost network): what the send journal
/// says may be on this network's chain, settled against the node, with the task each mined
/// publish created.
extension OpenGPUClient {
    public struct JournalCheck: Sendable {
        public let hash: String
        public let label: String?
        public let nonce: UInt64?
        public let outcome: JournalReconciler.Outcome
        /// The task a mined `Controller.publishTask` created (from its `TaskPublished` log).
        public let task: Address?
    }

    static let publishLabel = "Controller.publishTask"

    /// Looks up every unresolved journal entry of this network's chain by hash and records the
    /// outcome (`JournalReconciler`). With `rebroadcast`, an entry no node knows whose nonce is
    /// still free is sent again as the *same signed bytes* — the same hash, so it lands at most
    /// once; nothing is ever re-signed. Mined publishes also get their task address, found from the
    /// receipt and recorded, including publishes whose receipt was seen but whose task was never
    /// written down (a crash between the two).
    public func checkJournal(rebroadcast: Bool) throws -> [JournalCheck] {
        let actual = try eth.chainId()
        guard actual == network.chainId else {
            throw OpenGPUClientError.chainMismatch(expected: network.chainId, actual: actual, url: HTTPRedaction.redact(network.rpcURL))
        }
        let before = Dictionary(try journal.entries().map { ($0.hash, $0) }, uniquingKeysWith: { a, _ in a })
        let reconciler = JournalReconciler(eth: eth, journal: journal, chainId: actual)
        var out = [JournalCheck]()
        for r in try reconciler.run(rebroadcast: rebroadcast) {
            let entry = before[r.hash]
            var task: Address?
            if case .mined = r.outcome, r.label == Self.publishLabel { task = try recordTask(of: r.hash) }
            out.append(JournalCheck(hash: r.hash, label: r.label, nonce: entry?.signed.nonce, outcome: r.outcome, task: task))
        }
        // Mined publishes of this chain whose task was never recorded.
        for e in before.values where e.latest == .mined && e.task == nil && e.label == Self.publishLabel
            && e.chainId == actual && !out.contains(where: { $0.hash == e.hash }) {
            if let task = try recordTask(of: e.hash) {
                out.append(JournalCheck(hash: e.hash, label: e.label, nonce: e.signed.nonce, outcome: .mined(block: e.block ?? 0),
                                        task: task))
            }
        }
        return out
    }

    private func recordTask(of hash: String) throws -> Address? {
        guard let task = try recoverPublishedTask(transactionHash: hash) else { return nil }
        try journal.record(.mined, hash: hash, [("task", .string(task.checksummed)), ("via", "reconcile")])
        return task
    }
}

extension SendJournal {
    /// The mined transaction that published `task`, from the journal (which records each mined
    /// publish with its task), so a task found in a later run still knows its transaction.
    public func publishTransaction(of task: Address) -> String? {
        let wanted = task.checksummed.lowercased()
        let records = (try? self.records().records) ?? []
        return records.last { $0.state == .mined && $0.fields["task"]?.stringValue?.lowercased() == wanted }?.hash
    }
}
