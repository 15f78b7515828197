import BigInt

/// The one door from the language's OpenGPU built-ins (§6) to the network. Everything here is
/// plain Kit-level data (checksummed `0x` address strings, wei as `BigUInt`, unix seconds,
/// JSON text) so the implementation — backed by OGPUKit's RPC, wallet, IPFS and contract
/// bindings — knows nothing about script `Value`s, and the built-ins know nothing about RPC.
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
    func signerAddress() throws -> String
    /// Native balance in wei.
    func balance(of address: String) throws -> BigUInt

    /// Pins `request.configJSON` to IPFS, sends `Controller.publishTask`, waits for the receipt.
    func publishTask(_ request: TaskRequest) throws -> PublishedTask
    /// Pipelined: every transaction first, then every receipt; one result per request, in order.
    func publishTasks(_ requests: [TaskRequest]) -> [Result<PublishedTask, Error>]
    /// Builds and signs the publish transaction without sending it (and without pinning:
    /// the implementation may use a placeholder config URL, which it must document).
    func signPublishTask(_ request: TaskRequest) throws -> SignedTransaction

    /// One fresh read of a task's on-chain state (no caching: §6 says each property asks).
    func task(at address: String) throws -> TaskInfo
    /// The task's responses with their payloads fetched.
    func responses(of task: String) throws -> [ResponseInfo]
    /// `Controller.confirmResponse`; returns the tx hash.
    func confirm(response: String) throws -> String
    /// `Controller.cancelTask`; returns the tx hash.
    func cancel(task: String) throws -> String
    /// Protocol events of a task after `cursor` (nil: from the task's creation), and the cursor
    /// to pass next time.
    func events(of task: String, after cursor: Int?) throws -> (events: [TaskEvent], cursor: Int)

    func source(at address: String) throws -> SourceInfo
    func sources() throws -> [SourceInfo]
    /// `Nexus.publishSource`; returns the new source's address.
    func publishSource(_ request: SourceRequest) throws -> String

    func vault(of address: String) throws -> VaultInfo
    /// deposit / lock / unbond / withdraw (with an amount) or claim (amount nil); returns the tx hash.
    func vaultAction(_ action: VaultAction, amount: BigUInt?) throws -> String

    /// Pins text (JSON or plain) and returns its gateway URL.
    func ipfsPut(_ text: String, contentType: String) throws -> String
    /// Fetches a URL's body as text.
    func ipfsGet(_ url: String) throws -> String

    /// Runs `body` with other spending caps for the transactions it signs (a sending built-in's
    /// `max_fee_per_gas:` and `max_cost:`); nil keeps the session's cap.
    func withSpendingCaps<T>(maxFeePerGas: BigUInt?, maxCost: BigUInt?, _ body: () throws -> T) throws -> T
}

extension OpenGPUGateway {
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
    public init(name: String, chainID: Int, rpc: String, explorer: String?) {
        self.name = name; self.chainID = chainID; self.rpc = rpc; self.explorer = explorer
    }
}

/// When a task expires: a span from the moment it is published, or an absolute time.
public enum TaskExpiry: Equatable {
    case after(seconds: Int)
    case at(unix: Int)
}

public struct TaskRequest: Equatable {
    public var source: String
    /// The TaskInput JSON exactly as the Python SDK uploads it (§8.1 byte form).
    public var configJSON: String
    public var payment: BigUInt
    public var expiry: TaskExpiry
    /// `publish(d, again: true)`: publish even if the journal shows this draft already published.
    public var again: Bool
    public init(source: String, configJSON: String, payment: BigUInt, expiry: TaskExpiry, again: Bool = false) {
        self.source = source; self.configJSON = configJSON; self.payment = payment; self.expiry = expiry; self.again = again
    }
}

public struct PublishedTask: Equatable {
    public var address: String
    public var transactionHash: String
    public init(address: String, transactionHash: String) { self.address = address; self.transactionHash = transactionHash }
}

public struct SignedTransaction: Equatable {
    public var to: String
    public var data: String
    public var raw: String
    public var hash: String
    public var nonce: Int
    public var gas: Int
    public var chainID: Int
    /// EIP-1559 fees, or `gasPrice` for a legacy chain.
    public var maxFee: BigUInt?
    public var maxPriorityFee: BigUInt?
    public var gasPrice: BigUInt?
    public init(to: String, data: String, raw: String, hash: String, nonce: Int, gas: Int, chainID: Int,
                maxFee: BigUInt? = nil, maxPriorityFee: BigUInt? = nil, gasPrice: BigUInt? = nil) {
        self.to = to; self.data = data; self.raw = raw; self.hash = hash; self.nonce = nonce; self.gas = gas
        self.chainID = chainID; self.maxFee = maxFee; self.maxPriorityFee = maxPriorityFee; self.gasPrice = gasPrice
    }
}

public enum TaskStatus: Int, CaseIterable {
    case new = 0, attempted = 1, responded = 2, canceled = 3, expired = 4, finalized = 5
    public var name: String { String(describing: self) }
    public var isFinal: Bool { self == .finalized || self == .canceled || self == .expired }
}

public struct TaskInfo: Equatable {
    public var address: String
    public var status: TaskStatus
    public var source: String
    public var payment: BigUInt
    /// Absolute unix seconds.
    public var expiry: Int
    public var attempts: Int
    /// Response contract addresses.
    public var responses: [String]
    /// The config URL (TaskParams.config).
    public var configURL: String
    /// Explorer URL, when the network has one.
    public var explorer: String?
    /// The publishing transaction's hash when known.
    public var transactionHash: String?
    public init(address: String, status: TaskStatus, source: String, payment: BigUInt, expiry: Int, attempts: Int,
                responses: [String], configURL: String, explorer: String?, transactionHash: String?) {
        self.address = address; self.status = status; self.source = source; self.payment = payment
        self.expiry = expiry; self.attempts = attempts; self.responses = responses; self.configURL = configURL
        self.explorer = explorer; self.transactionHash = transactionHash
    }
}

public struct ResponseInfo: Equatable {
    public var address: String
    public var task: String
    public var provider: String
    public var confirmed: Bool
    /// The payload locator (`ResponseParams.data`).
    public var url: String
    /// The fetched payload text (or the locator itself when it is inline data).
    public var body: String
    /// Submission time, unix seconds.
    public var time: Int
    public init(address: String, task: String, provider: String, confirmed: Bool, url: String, body: String, time: Int) {
        self.address = address; self.task = task; self.provider = provider; self.confirmed = confirmed
        self.url = url; self.body = body; self.time = time
    }
}

public struct TaskEvent: Equatable {
    /// "attempted", "response", "status".
    public var kind: String
    public var block: Int
    public var transactionHash: String
    /// attempted: provider; response: response address; status: new status name.
    public var detail: String
    public init(kind: String, block: Int, transactionHash: String, detail: String) {
        self.kind = kind; self.block = block; self.transactionHash = transactionHash; self.detail = detail
    }
}

public struct SourceInfo: Equatable {
    public var address: String
    public var owner: String
    public var name: String
    public var description: String
    public var logo: String
    public var metadataURL: String
    /// Bitmask: CPU 1, NVIDIA 2, AMD 4.
    public var environments: Int
    public var minPayment: BigUInt
    public var minLockup: BigUInt
    public var maxExpirySeconds: Int
    /// "manual" or "first".
    public var delivery: String
    public var active: Bool
    public init(address: String, owner: String, name: String, description: String, logo: String, metadataURL: String,
                environments: Int, minPayment: BigUInt, minLockup: BigUInt, maxExpirySeconds: Int, delivery: String, active: Bool) {
        self.address = address; self.owner = owner; self.name = name; self.description = description; self.logo = logo
        self.metadataURL = metadataURL; self.environments = environments; self.minPayment = minPayment
        self.minLockup = minLockup; self.maxExpirySeconds = maxExpirySeconds; self.delivery = delivery; self.active = active
    }
}

public struct SourceRequest: Equatable {
    public var name: String
    public var description: String
    public var logo: String
    /// Docker compose URLs per environment ("" when not offered).
    public var cpu: String
    public var nvidia: String
    public var amd: String
    public var minPayment: BigUInt
    public var minLockup: BigUInt
    public var maxExpirySeconds: Int
    /// "manual" or "first".
    public var delivery: String
    public init(name: String, description: String, logo: String, cpu: String, nvidia: String, amd: String,
                minPayment: BigUInt, minLockup: BigUInt, maxExpirySeconds: Int, delivery: String) {
        self.name = name; self.description = description; self.logo = logo; self.cpu = cpu; self.nvidia = nvidia
        self.amd = amd; self.minPayment = minPayment; self.minLockup = minLockup
        self.maxExpirySeconds = maxExpirySeconds; self.delivery = delivery
    }
}

public struct VaultInfo: Equatable {
    public var balance: BigUInt
    public var lockup: BigUInt
    public var unbonding: BigUInt
    /// Whether the account may act as a provider (lockup ≥ requirement).
    public var eligible: Bool
    public init(balance: BigUInt, lockup: BigUInt, unbonding: BigUInt, eligible: Bool) {
        self.balance = balance; self.lockup = lockup; self.unbonding = unbonding; self.eligible = eligible
    }
}

public enum VaultAction: String, CaseIterable {
    case deposit, lock, unbond, withdraw, claim
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
