import BigInt
import OGPUKit
import OGPUPrimitives

/// The one door from the language's OpenGPU built-ins (§6) to the network. Its types are the
/// client core's own (`Address`, wei as `BigUInt`, `TaskInput`, `TaskInfo`, `ResponseInfo`,
/// `SourceInfo`, `VaultAccount`, `TaskEvent`, `SignedTransaction`): each operation is implemented
/// once, in OGPUKit, and the implementation (`KitGateway`) only chooses the client, the key and
/// the session's policy. The built-ins know nothing about RPC; tests put a fake behind this.
///
/// Methods are synchronous (the interpreter is); implementations bound every network call with
/// a timeout. Failures are thrown as `GatewayError` (or any error, which becomes an `"rpc"`
/// error). The session installs a gateway with `ScriptSession.gateway = …`; without one, the
/// networked built-ins raise `"rpc"`: "no network client available".
public protocol OpenGPUGateway: AnyObject {
    /// `network("testnet")`: select mainnet / testnet / local or an RPC URL.
    func selectNetwork(_ nameOrURL: String) throws -> NetworkInfo
    /// `network()`.
    func currentNetwork() throws -> NetworkInfo

    /// The signing account (`me()`); `GatewayError.key` when none is configured.
    func signerAddress() throws -> Address
    /// Native balance in wei.
    func balance(of address: Address) throws -> BigUInt

    /// Pins the request's config to IPFS, sends `Controller.publishTask`, waits for the receipt.
    func publishTask(_ request: TaskRequest) throws -> PublishedTask
    /// Pipelined: every transaction first, then every receipt; one result per request, in order.
    /// `progress(sent, total)` is told as transactions reach the node.
    func publishTasks(_ requests: [TaskRequest], progress: ((_ sent: Int, _ total: Int) -> Void)?) -> [Result<PublishedTask, Error>]
    /// Builds and signs the publish transaction without sending it (and without pinning:
    /// the implementation may use a placeholder config URL, which it must document).
    func signPublishTask(_ request: TaskRequest) throws -> SignedTransaction

    /// One fresh read of a task's on-chain state (no caching: §6 says each property asks).
    func task(at address: Address) throws -> TaskInfo
    /// The transaction that published `task`, when known (this session or the send journal).
    func publishTransaction(of task: Address) -> String?
    /// The task's page on the network's explorer, when it has one.
    func explorerURL(of task: Address) -> String?
    /// The latest block (number and time) in one small request: waiting reads a task again only
    /// when this moved. nil when the gateway cannot tell (then every check reads the task).
    func chainHead() throws -> BlockHeader?
    /// The task's responses (on-chain data; payloads are fetched with `payloads(of:)`).
    func responses(of task: Address) throws -> [ResponseInfo]
    /// Each response's payload text, in order: fetched when it is a link (a few at a time), else
    /// the inline data. The first that cannot be had throws.
    func payloads(of responses: [ResponseInfo]) throws -> [String]
    /// `Controller.confirmResponse`; returns the tx hash.
    func confirm(response: Address) throws -> TransactionReceipt
    /// `Controller.cancelTask`; returns the tx hash.
    func cancel(task: Address) throws -> TransactionReceipt
    /// Protocol events of a task after block `cursor` (nil: from the task's creation), and the
    /// cursor to pass next time.
    func events(of task: Address, after cursor: UInt64?) throws -> (events: [TaskEvent], cursor: UInt64)

    /// A source with its display metadata (`SourceInfo.metadata`).
    func source(at address: Address) throws -> SourceInfo
    func sources() throws -> [SourceInfo]
    /// `Nexus.publishSource`; returns the new source's address.
    func publishSource(_ draft: SourceDraft) throws -> Address

    func vault(of address: Address) throws -> VaultAccount
    /// deposit / lock / unbond / withdraw `amount`, or claim (amount ignored); returns the tx hash.
    func vaultAction(_ action: VaultAction, amount: BigUInt) throws -> TransactionReceipt

    /// Pins text (JSON or plain) and returns its gateway URL.
    func ipfsPut(_ text: String, contentType: String) throws -> String
    /// Fetches a URL's body as text.
    func ipfsGet(_ url: String) throws -> String

    /// Runs `body` with other spending caps for the transactions it signs (a sending built-in's
    /// `max_fee_per_gas:` and `max_cost:`); nil keeps the session's cap.
    func withSpendingCaps<T>(maxFeePerGas: BigUInt?, maxCost: BigUInt?, _ body: () throws -> T) throws -> T

    /// The chain console's reads (`call`, `receipt`, `block`): `eth_call` on the latest state, a
    /// transaction's receipt (nil while unknown or pending), a block's header (nil past the head).
    func call(_ request: CallRequest) throws -> [UInt8]
    func receipt(_ hash: String) throws -> TransactionReceipt?
    func block(_ tag: BlockTag) throws -> BlockHeader?
}

extension OpenGPUGateway {
    /// A gateway without a cheap head read has every check read the task.
    public func chainHead() throws -> BlockHeader? { nil }

    /// A gateway without chain reads (a test's fake) says so.
    public func call(_ request: CallRequest) throws -> [UInt8] { throw GatewayError(.rpc, "this gateway cannot call contracts") }
    public func receipt(_ hash: String) throws -> TransactionReceipt? { throw GatewayError(.rpc, "this gateway cannot read receipts") }
    public func block(_ tag: BlockTag) throws -> BlockHeader? { throw GatewayError(.rpc, "this gateway cannot read blocks") }

    /// A gateway without spending caps runs `body` as it is.
    public func withSpendingCaps<T>(maxFeePerGas: BigUInt?, maxCost: BigUInt?, _ body: () throws -> T) throws -> T {
        try body()
    }
}

public struct NetworkInfo: Equatable {
    public var name: String
    public var chainID: Int
    public var rpc: String
    public var explorer: String?
    /// The sources the network's own configuration names (a devnet's manifest: `first_response`,
    /// `manual_confirmation`); none on testnet or mainnet, where every source is somebody's.
    public var sources: [String: Address]
    public init(name: String, chainID: Int, rpc: String, explorer: String?, sources: [String: Address] = [:]) {
        self.name = name; self.chainID = chainID; self.rpc = rpc; self.explorer = explorer; self.sources = sources
    }
}

/// When a task expires: a span from the moment it is published, or an absolute time.
public enum TaskExpiry: Equatable {
    case after(seconds: Int)
    case at(unix: Int)
}

/// A draft to publish, as the script gave it: the core's `TaskInput` (pinned byte-for-byte as
/// the Python SDK would) and an expiry that may still be relative to the moment of publishing
/// (the core's `TaskDraft` needs an absolute one, which only the network's clock can give).
public struct TaskRequest: Equatable {
    public var source: Address
    public var input: TaskInput
    public var payment: BigUInt
    public var expiry: TaskExpiry
    /// `publish(d, again: true)`: publish even if the journal shows this draft already published.
    public var again: Bool
    public init(source: Address, input: TaskInput, payment: BigUInt, expiry: TaskExpiry, again: Bool = false) {
        self.source = source; self.input = input; self.payment = payment; self.expiry = expiry; self.again = again
    }
}

/// How a gateway reports failure; `kind` becomes the script error's kind.
public struct GatewayError: Error, CustomStringConvertible {
    public enum Kind: String { case rpc, revert, ipfs, key, timeout, value, io, pending }
    public var kind: Kind
    public var message: String
    /// For reverts: the decoded error's arguments by name (as text).
    public var details: [(String, String)]
    public init(_ kind: Kind, _ message: String, details: [(String, String)] = []) {
        self.kind = kind; self.message = message; self.details = details
    }
    public var description: String { message }
}
