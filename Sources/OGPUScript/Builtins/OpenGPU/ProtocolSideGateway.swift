import BigInt
import OGPUKit
import OGPUPrimitives

/// The second door to the network, for the provider, master, agent and source-owner side and
/// for protocol events (a separate protocol so a client-only gateway, like the tests' fakes, need
/// not implement it). Each sending method sends through the core's one journaled path.
public protocol ProtocolSideGateway: AnyObject {
    /// Sends one provider/master/agent/owner transaction; returns its mined receipt.
    func send(_ action: ProtocolAction) throws -> TransactionReceipt
    /// The response a mined `submitResponse` created.
    func submittedResponse(in receipt: TransactionReceipt) throws -> Address
    /// Pins the source's new metadata and sends `Nexus.updateSource`.
    func updateSource(_ source: Address, _ draft: SourceDraft) throws -> TransactionReceipt

    func registrants(of source: Address) throws -> [Address]
    func pairing(of account: Address) throws -> (master: Address?, provider: Address?)
    func responseAddress(of task: Address, by provider: Address) throws -> Address?
    /// The providers that attempted a task, in order.
    func attempters(of task: Address) throws -> [Address]

    /// The latest block number.
    func headNumber() throws -> UInt64
    /// Checks an event filter without reading anything (unknown names are the script's mistake).
    func validate(_ filter: ProtocolEventFilter) throws
    /// Protocol events of blocks `from…to`, checked and decoded (`OpenGPUClient.protocolEvents`).
    func protocolEvents(_ filter: ProtocolEventFilter, from: UInt64, to: UInt64) throws -> [ProtocolEvent]
    /// One step of a watch: the events after `next - 1` up to the head, or that the node cannot
    /// be reached just now (connection refused, timeouts, 5xx: a restarting node), which a
    /// watcher rides out instead of failing.
    func pollEvents(_ filter: ProtocolEventFilter, from next: UInt64) throws -> EventPoll
}

public enum EventPoll {
    case events([ProtocolEvent], next: UInt64)
    case unreachable(String)
}

extension Gateway {
    static func protocolSide(_ ctx: CallContext, _ callee: String) throws -> ProtocolSideGateway {
        guard let g = try from(ctx, callee) as? ProtocolSideGateway else {
            throw ScriptError(.rpc, "\(callee)(): this network client has no provider side or event reading")
        }
        return g
    }
}
