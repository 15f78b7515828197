import BigInt
import OGPUKit
import OGPUPrimitives

/// The provider/master/owner side and protocol events over OGPUKit: requests are the core's
/// (`OpenGPUClient.request(for:)`), sent by `KitGateway.send` (journaled; under `--dry-run`
/// signed and printed instead).
extension KitGateway: ProtocolSideGateway {
    /// A response whose earlier submission is unresolved in the journal is not signed again
    /// (`OpenGPUClient.unresolvedSubmission`): a "pending" error names that transaction.
    public func send(_ action: ProtocolAction) throws -> TransactionReceipt {
        let c = try signingClient()
        if case .submitResponse(let task, let provider, _, _) = action,
           let hash = try kit({ try c.unresolvedSubmission(task: task, provider: provider) }) {
            throw KitErrorMapping.pending(label: "Nexus.submitResponse", hash: hash,
                                          why: "a response of \(provider) to task \(task) was signed earlier and its outcome is unknown")
        }
        return try send(try kit { try c.request(for: action) })
    }

    public func submittedResponse(in receipt: TransactionReceipt) throws -> Address {
        let c = try client()
        return try kit { try c.response(submittedIn: receipt) }
    }

    public func updateSource(_ source: Address, _ draft: SourceDraft) throws -> TransactionReceipt {
        let c = try signingClient()
        if configuration.dryRun {
            throw GatewayError(.value, "--dry-run: update_source pins metadata and sends Nexus.updateSource; nothing was sent")
        }
        let owner = try signerAddress()
        let url = try kit { try c.pinSourceMetadata(draft) }
        return try send(try kit { try c.updateSourceRequest(source: source, draft, metadataURL: url, owner: owner) })
    }

    public func registrants(of source: Address) throws -> [Address] {
        let c = try client()
        return try kit { try c.registrants(of: source) }
    }

    public func pairing(of account: Address) throws -> (master: Address?, provider: Address?) {
        let c = try client()
        return try kit { try c.pairing(of: account) }
    }

    public func responseAddress(of task: Address, by provider: Address) throws -> Address? {
        let c = try client()
        return try kit { try c.responseAddress(of: task, by: provider) }
    }

    public func attempters(of task: Address) throws -> [Address] {
        let c = try client()
        return try kit { try c.attempters(of: task) }
    }

    public func headNumber() throws -> UInt64 {
        let c = try client()
        return try kit { try c.eth.blockNumber() }
    }

    public func validate(_ filter: ProtocolEventFilter) throws {
        let c = try client()
        try kit { try c.validate(filter) }
    }

    public func protocolEvents(_ filter: ProtocolEventFilter, from: UInt64, to: UInt64) throws -> [ProtocolEvent] {
        let c = try client()
        return try kit { try c.protocolEvents(filter, from: from, to: to) }
    }

    public func pollEvents(_ filter: ProtocolEventFilter, from next: UInt64) throws -> EventPoll {
        let c = try client()
        do {
            let head = try c.eth.blockNumber()
            // A head behind the cursor (a lagging node behind a load balancer) has nothing new.
            guard head >= next else { return .events([], next: next) }
            // A watch started far back catches up one bounded read at a time.
            let to = min(head, next + OpenGPUClient.maxBlocksPerRead - 1)
            let events = try c.protocolEvents(filter, from: next, to: to)
            return .events(events, next: to + 1)
        } catch let e as RPCError where Self.isPassing(e) {
            // Named by method only: a transport error's text may carry the endpoint's URL.
            return .unreachable("the node did not answer \(e.method)")
        } catch {
            return try kit { throw error }
        }
    }

    /// Node trouble a restart or a busy node causes, which goes away by itself: nothing refused
    /// the request as such.
    static func isPassing(_ e: RPCError) -> Bool {
        switch e {
        case .transport(let t, _):
            switch t.kind {
            case .connectFailed, .timedOut, .connectionLost: return true
            case .responseTooLarge, .cancelled, .invalidURL, .other: return false
            }
        case .httpStatus(let status, _, _): return status == 429 || status == 408 || (500...599).contains(status)
        case .invalidResponse: return true
        case .server: return false
        }
    }
}
