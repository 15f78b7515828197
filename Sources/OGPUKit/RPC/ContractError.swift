#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import OGPUPrimitives

/// A contract refused an operation. Carries the decoded revert (custom error with arguments,
/// `Error(string)`, `Panic`), where it was detected, and — for mined reverts — the transaction.
public struct ContractError: Error, Sendable, CustomStringConvertible {
    public enum Phase: String, Sendable {
        /// Found by `eth_estimateGas` or `eth_call`: nothing was sent, no gas spent.
        case beforeSending = "before sending"
        /// The transaction was mined with status 0; the reason comes from replaying it with `eth_call`.
        case mined = "mined and reverted"
    }

    /// `Contract.function`, e.g. `Controller.publishTask`.
    public let operation: String
    public let reason: RevertReason
    public let phase: Phase
    public let transactionHash: String?
    /// The node's own message when no revert data came back (e.g. "execution reverted: Foo").
    public let nodeMessage: String?

    public init(operation: String, reason: RevertReason, phase: Phase, transactionHash: String? = nil, nodeMessage: String? = nil) {
        self.operation = operation
        self.reason = reason
        self.phase = phase
        self.transactionHash = transactionHash
        self.nodeMessage = nodeMessage
    }

    /// The error's name as the contract declares it: the custom error's name, or for
    /// `Error(string)` reverts the message itself when it is a bare identifier (`SourceInactive`),
    /// as Vyper/`require` contracts write them.
    public var errorName: String {
        switch reason {
        case .custom(let e, _): return e.name
        case .message(let text):
            let head = text.split(whereSeparator: { !$0.isLetter && !$0.isNumber && $0 != "_" }).first.map(String.init) ?? text
            return head.isEmpty ? "Error" : head
        case .panic: return "Panic"
        case .empty, .unknown:
            if let m = nodeMessage, let r = m.firstRange(of: "reverted:") {
                let tail = m[r.upperBound...].trimmingWhitespace()
                if let word = tail.split(whereSeparator: { !$0.isLetter && !$0.isNumber && $0 != "_" }).first { return String(word) }
            }
            return "Revert"
        }
    }

    public var arguments: [ABIValue] { reason.arguments }

    /// The full revert text (for `Error(string)`), or the node's message.
    public var message: String {
        switch reason {
        case .message(let m): return m
        case .custom(let e, let args): return e.name + "(" + args.map(\.description).joined(separator: ", ") + ")"
        case .panic(let code): return "Panic(\(code)): \(RevertReason.panicMeaning(code))"
        case .empty: return nodeMessage ?? "reverted without a reason"
        case .unknown(let data):
            // The selector stays visible beside the node's words: it names the custom error to look up.
            let shown = "unrecognised data \(Hex.encode(data.prefix(36)))"
            return nodeMessage.map { "\($0) (\(shown))" } ?? "reverted with \(shown)"
        }
    }

    public var description: String {
        var s = "\(operation) reverted (\(phase.rawValue)): \(message)"
        if let h = transactionHash { s += " [tx \(h)]" }
        return s
    }
}
