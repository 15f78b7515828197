import BigInt
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import OGPUPrimitives

/// The client side of OpenGPU on one network: reads through batched `eth_call`s, writes through
/// `TransactionSender` (journaled, exactly once), configs and payloads through `IPFSClient`.
/// Sendable: the one mutable field, `verifiedSender`, is read and written under `lock`; `onBroadcast` is a setting, set before the client is shared.
public final class OpenGPUClient: @unchecked Sendable {
    public let network: Network
    public let eth: EthClient
    public let ipfs: IPFSClient
    public let journal: SendJournal
    public let signer: PrivateKey?
    public let cancellation: CancellationToken?
    private let nonces: NonceManager
    private let lock = Lock()
    private var verifiedSender: TransactionSender?
    /// Passed on to the sender: called as each transaction reaches a node, before its receipt.
    public var onBroadcast: ((_ label: String, _ hash: String) -> Void)?
    /// Passed on to the sender: checked before every signature.
    public var spendingPolicy: SpendingPolicy?

    public init(network: Network, signer: PrivateKey? = nil, journal: SendJournal = SendJournal(),
                transport: HTTPTransport = CurlTransport(), nonces: NonceManager = NonceManager(),
                cancellation: CancellationToken? = nil) {
        self.network = network
        self.signer = signer
        self.journal = journal
        self.nonces = nonces
        self.cancellation = cancellation
        self.eth = EthClient(rpc: JSONRPCClient(url: network.rpcURL, transport: transport, cancellation: cancellation))
        self.ipfs = IPFSClient(uploadURL: network.ipfsUploadURL, gateway: network.ipfsGateway, transport: transport)
    }

    /// The sender, created on first use after checking the node really serves this network's chain
    /// (signing for the wrong chain id would be rejected — or worse, replayable elsewhere).
    public func sender() throws -> TransactionSender {
        lock.lock()
        if let s = verifiedSender { lock.unlock(); return s }
        lock.unlock()
        guard let signer else { throw OpenGPUClientError.noSigner }
        let actual = try eth.chainId()
        guard actual == network.chainId else {
            throw OpenGPUClientError.chainMismatch(expected: network.chainId, actual: actual, url: HTTPRedaction.redact(network.rpcURL))
        }
        let s = TransactionSender(eth: eth, signer: signer, chainId: actual, journal: journal, nonces: nonces,
                                  cancellation: cancellation)
        s.onBroadcast = onBroadcast
        s.policy = spendingPolicy
        lock.lock(); defer { lock.unlock() }
        if verifiedSender == nil { verifiedSender = s }
        return verifiedSender!
    }

    public var account: Address? { signer?.address }

    // MARK: - Reading contracts

    public struct ViewCall {
        public let contract: Address
        public let function: ABIFunction
        public let arguments: [ABIValue]
        public let label: String

        public init(_ contract: Address, _ function: ABIFunction, _ arguments: [ABIValue] = [], label: String) {
            self.contract = contract
            self.function = function
            self.arguments = arguments
            self.label = label
        }
    }

    /// Runs the view calls in one batch request; each slot holds decoded outputs or its error.
    public func read(_ calls: [ViewCall], at block: BlockTag = .latest) throws -> [Result<[ABIValue], Error>] {
        let requests = try calls.map { CallRequest(to: $0.contract, data: try $0.function.encodeCall($0.arguments)) }
        let raw: [Result<[UInt8], Error>] = calls.count == 1
            ? [Result { try eth.call(requests[0], at: block) }]
            : try eth.callBatch(requests, at: block)
        return zip(calls, raw).map { call, r in
            switch r {
            case .success(let bytes):
                if bytes.isEmpty && !call.function.outputs.isEmpty {
                    return .failure(OpenGPUReadError.notFound(kind: "contract", address: call.contract))
                }
                return Result { try call.function.decodeOutput(bytes) }
            case .failure(let e as RPCError) where e.isExecutionRevert:
                let reason = RevertReason(data: e.revertData ?? [])
                return .failure(ContractError(operation: call.label, reason: reason, phase: .beforeSending, nodeMessage: e.serverMessage))
            case .failure(let e):
                return .failure(e)
            }
        }
    }

    /// One view call, outputs decoded.
    public func read(_ call: ViewCall) throws -> [ABIValue] { try read([call])[0].get() }

    // MARK: - Writing

    func transact(_ to: Address, _ function: ABIFunction, _ args: [ABIValue], value: BigUInt = 0, label: String,
                  meta: [(String, JSONValue)] = []) throws -> TransactionReceipt {
        let request = TransactionRequest(to: to, data: try function.encodeCall(args), value: value, label: label,
                                         journalMeta: meta)
        return try sender().send(request)
    }

    /// First log from the Nexus with `event`'s topic0 in `receipt`, decoded. The emitter is
    /// checked: a look-alike event from another contract in the same transaction is ignored.
    func nexusEvent(_ event: ABIEvent, in receipt: TransactionReceipt) throws -> ABIEvent.DecodedEvent {
        for log in receipt.logs where log.address == network.contracts.nexus && log.topics.first == event.topic0 {
            if let decoded = try? event.decodeLog(topics: log.topics, data: log.data) { return decoded }
        }
        throw OpenGPUReadError.eventMissing(event: event.name, transactionHash: receipt.transactionHash)
    }

    static func now() -> UInt64 { UInt64(Date().timeIntervalSince1970) }
}

public enum OpenGPUClientError: Error, Sendable, CustomStringConvertible {
    case noSigner
    case chainMismatch(expected: UInt64, actual: UInt64, url: String)

    public var description: String {
        switch self {
        case .noSigner: return "this operation signs a transaction, but no key was given (set a key or keystore)"
        case .chainMismatch(let e, let a, let url):
            return "the node at \(url) serves chain id \(a), but the selected network expects \(e); refusing to sign"
        }
    }
}
