import BigInt
import OGPUPrimitives

/// On-chain enums (PROTOCOL.md §4); all `uint8`.
public enum TaskStatus: UInt8, Sendable, CaseIterable, CustomStringConvertible {
    case new = 0, attempted, responded, canceled, expired, finalized
    public var description: String {
        ["NEW", "ATTEMPTED", "RESPONDED", "CANCELED", "EXPIRED", "FINALIZED"][Int(rawValue)]
    }
    /// No further change is possible (expiry is also terminal, but only marked lazily on chain).
    public var isTerminal: Bool { self == .canceled || self == .expired || self == .finalized }
}

public enum ResponseStatus: UInt8, Sendable, CustomStringConvertible {
    case submitted = 0, confirmed
    public var description: String { self == .submitted ? "SUBMITTED" : "CONFIRMED" }
}

public enum SourceStatus: UInt8, Sendable, CustomStringConvertible {
    case active = 0, inactive
    public var description: String { self == .active ? "ACTIVE" : "INACTIVE" }
}

public enum DeliveryMethod: UInt8, Sendable, CustomStringConvertible {
    case manualConfirmation = 0, firstResponse
    public var description: String { self == .manualConfirmation ? "MANUAL_CONFIRMATION" : "FIRST_RESPONSE" }
}

/// A task to publish: the config to pin and the on-chain `TaskParams`.
public struct TaskDraft: Sendable {
    public var source: Address
    /// The task config.
    public let input: TaskInput
    /// The exact bytes pinned as `taskConfig.json`.
    public let configBytes: [UInt8]
    /// Wei, escrowed from the client's Vault balance.
    public var payment: BigUInt
    /// Absolute unix seconds.
    public var expiryTime: UInt64

    public init(source: Address, input: TaskInput, payment: BigUInt, expiryTime: UInt64) {
        self.source = source
        self.input = input
        self.configBytes = input.configBytes
        self.payment = payment
        self.expiryTime = expiryTime
    }

    /// A draft whose config JSON was serialised elsewhere (e.g. the language's SDK-identical
    /// writer): those exact bytes are pinned. They must be a TaskInput object.
    public init(source: Address, configBytes: [UInt8], payment: BigUInt, expiryTime: UInt64) throws {
        self.source = source
        self.input = try TaskInput(config: JSONParser.parse(configBytes))
        self.configBytes = configBytes
        self.payment = payment
        self.expiryTime = expiryTime
    }
}

public struct PublishedTask: Sendable {
    public let task: Address
    public let transactionHash: String
    public let blockNumber: UInt64
    public let configURL: String
    /// The task of an earlier journaled publish of the same draft: nothing new was signed.
    public var isEarlierPublish = false

    public init(task: Address, transactionHash: String, blockNumber: UInt64, configURL: String, isEarlierPublish: Bool = false) {
        self.task = task
        self.transactionHash = transactionHash
        self.blockNumber = blockNumber
        self.configURL = configURL
        self.isEarlierPublish = isEarlierPublish
    }
}

public struct TaskInfo: Sendable {
    public let address: Address
    public let status: TaskStatus
    public let source: Address
    public let configURL: String
    public let expiryTime: UInt64
    public let payment: BigUInt
    public let deliveryMethod: DeliveryMethod?
    public let attemptCount: Int
    public let winningProvider: Address?
    public let owner: Address?

    public init(address: Address, status: TaskStatus, source: Address, configURL: String, expiryTime: UInt64, payment: BigUInt,
                deliveryMethod: DeliveryMethod?, attemptCount: Int, winningProvider: Address?, owner: Address?) {
        self.address = address; self.status = status; self.source = source; self.configURL = configURL
        self.expiryTime = expiryTime; self.payment = payment; self.deliveryMethod = deliveryMethod
        self.attemptCount = attemptCount; self.winningProvider = winningProvider; self.owner = owner
    }

    /// The status as it stands at `now` (unix seconds): EXPIRED once past the expiry, though the
    /// chain still says NEW or ATTEMPTED.
    public func effectiveStatus(now: UInt64) -> TaskStatus { isExpired(now: now) ? .expired : status }

    /// EXPIRED is only written lazily on chain; past its expiry a NEW/ATTEMPTED task is effectively expired.
    public func isExpired(now: UInt64) -> Bool {
        status == .expired || (!status.isTerminal && status != .responded && now >= expiryTime)
    }
}

public struct ResponseInfo: Sendable {
    public let address: Address
    public let task: Address
    public let provider: Address
    /// `ResponseParams.data`: usually a URL to JSON, sometimes inline JSON (PROTOCOL.md §9.2).
    public let data: String
    public let payment: BigUInt
    public let status: ResponseStatus
    public let timestamp: UInt64
    public let confirmed: Bool

    public init(address: Address, task: Address, provider: Address, data: String, payment: BigUInt, status: ResponseStatus,
                timestamp: UInt64, confirmed: Bool) {
        self.address = address; self.task = task; self.provider = provider; self.data = data; self.payment = payment
        self.status = status; self.timestamp = timestamp; self.confirmed = confirmed
    }

    /// Confirmed by the client (or by FIRST_RESPONSE delivery): either flag says so.
    public var isConfirmed: Bool { confirmed || status == .confirmed }
}

public struct SourceParams: Sendable, Equatable {
    public var client: Address
    public var imageMetadataUrl: String
    public var imageEnvironments: UInt8
    public var minPayment: BigUInt
    public var minAvailableLockup: BigUInt
    public var maxExpiryDuration: BigUInt
    public var privacyEnabled: Bool
    public var optionalParamsUrl: String
    public var deliveryMethod: DeliveryMethod
    public var lastUpdateTime: UInt64

    var abiValue: ABIValue {
        .tuple([.address(client), .string(imageMetadataUrl), .uint(BigUInt(imageEnvironments)), .uint(minPayment),
                .uint(minAvailableLockup), .uint(maxExpiryDuration), .bool(privacyEnabled), .string(optionalParamsUrl),
                .uint(BigUInt(deliveryMethod.rawValue)), .uint(BigUInt(lastUpdateTime))])
    }

    init(abi v: ABIValue) throws {
        guard let f = v.items, f.count == 10, let client = f[0].addressValue, let url = f[1].stringValue,
              let env = f[2].uintValue, let minPay = f[3].uintValue, let minLock = f[4].uintValue,
              let maxExp = f[5].uintValue, let privacy = f[6].boolValue, let opt = f[7].stringValue,
              let dm = f[8].uintValue, let dmEnum = DeliveryMethod(rawValue: UInt8(truncatingIfNeeded: dm)), let t = f[9].uintValue else {
            throw OpenGPUReadError.malformed("SourceParams")
        }
        self.init(client: client, imageMetadataUrl: url, imageEnvironments: UInt8(truncatingIfNeeded: env), minPayment: minPay,
                  minAvailableLockup: minLock, maxExpiryDuration: maxExp, privacyEnabled: privacy, optionalParamsUrl: opt,
                  deliveryMethod: dmEnum, lastUpdateTime: UInt64(truncatingIfNeeded: t))
    }

    public init(client: Address, imageMetadataUrl: String, imageEnvironments: UInt8, minPayment: BigUInt,
                minAvailableLockup: BigUInt, maxExpiryDuration: BigUInt, privacyEnabled: Bool = false,
                optionalParamsUrl: String = "", deliveryMethod: DeliveryMethod, lastUpdateTime: UInt64) {
        self.client = client
        self.imageMetadataUrl = imageMetadataUrl
        self.imageEnvironments = imageEnvironments
        self.minPayment = minPayment
        self.minAvailableLockup = minAvailableLockup
        self.maxExpiryDuration = maxExpiryDuration
        self.privacyEnabled = privacyEnabled
        self.optionalParamsUrl = optionalParamsUrl
        self.deliveryMethod = deliveryMethod
        self.lastUpdateTime = lastUpdateTime
    }
}

/// What a client publishes as a source: display metadata plus on-chain terms (PROTOCOL.md §8.5).
public struct SourceDraft: Sendable {
    public var name: String
    public var description: String
    public var logoUrl: String
    /// docker-compose URLs; a non-empty one sets that environment bit (CPU 1, NVIDIA 2, AMD 4).
    public var cpu: String
    public var nvidia: String
    public var amd: String
    public var minPayment: BigUInt
    public var minAvailableLockup: BigUInt
    public var maxExpiryDuration: BigUInt
    public var deliveryMethod: DeliveryMethod

    public init(name: String, description: String = "", logoUrl: String = "", cpu: String = "", nvidia: String = "",
                amd: String = "", minPayment: BigUInt, minAvailableLockup: BigUInt = 0, maxExpiryDuration: BigUInt,
                deliveryMethod: DeliveryMethod = .manualConfirmation) {
        self.name = name
        self.description = description
        self.logoUrl = logoUrl
        self.cpu = cpu
        self.nvidia = nvidia
        self.amd = amd
        self.minPayment = minPayment
        self.minAvailableLockup = minAvailableLockup
        self.maxExpiryDuration = maxExpiryDuration
        self.deliveryMethod = deliveryMethod
    }

    public var environments: UInt8 { (cpu.isEmpty ? 0 : 1) | (nvidia.isEmpty ? 0 : 2) | (amd.isEmpty ? 0 : 4) }

    /// `imageMetadata.json`, keys in the SDK's order.
    public var metadataJSON: JSONValue {
        .object([("cpu", .string(cpu)), ("nvidia", .string(nvidia)), ("amd", .string(amd)), ("name", .string(name)),
                 ("description", .string(description)), ("logoUrl", .string(logoUrl))])
    }
}

public struct SourceInfo: Sendable {
    public let address: Address
    public let status: SourceStatus
    public let params: SourceParams
    public let taskCount: Int
    /// The display metadata pinned at `params.imageMetadataUrl`, when it was fetched and readable
    /// (`OpenGPUClient.describeSource`); nil from a bare on-chain read.
    public var metadata: SourceMetadata?

    public init(address: Address, status: SourceStatus, params: SourceParams, taskCount: Int, metadata: SourceMetadata? = nil) {
        self.address = address; self.status = status; self.params = params; self.taskCount = taskCount; self.metadata = metadata
    }
}

/// What a source shows people (`imageMetadata.json`, PROTOCOL.md §8.5); every field may be empty.
public struct SourceMetadata: Sendable, Equatable {
    public var name: String
    public var description: String
    public var logoUrl: String

    public init(name: String, description: String = "", logoUrl: String = "") {
        self.name = name; self.description = description; self.logoUrl = logoUrl
    }

    /// Reads the fields it knows from a fetched `imageMetadata.json`; missing ones are empty.
    public init(json: JSONValue) {
        self.init(name: json["name"]?.stringValue ?? "", description: json["description"]?.stringValue ?? "",
                  logoUrl: json["logoUrl"]?.stringValue ?? "")
    }
}

/// A client's (or provider's) Vault position, wei.
public struct VaultAccount: Sendable {
    public let account: Address
    public let balance: BigUInt
    public let lockup: BigUInt
    public let unbonding: BigUInt
    public let unbondingTimestamp: UInt64
    public let frozenPayment: BigUInt
    public let totalEarnings: BigUInt
    public let eligible: Bool

    public init(account: Address, balance: BigUInt, lockup: BigUInt, unbonding: BigUInt, unbondingTimestamp: UInt64 = 0,
                frozenPayment: BigUInt = 0, totalEarnings: BigUInt = 0, eligible: Bool) {
        self.account = account; self.balance = balance; self.lockup = lockup; self.unbonding = unbonding
        self.unbondingTimestamp = unbondingTimestamp; self.frozenPayment = frozenPayment; self.totalEarnings = totalEarnings
        self.eligible = eligible
    }
}

/// Something that happened to a task, from Nexus logs.
public struct TaskEvent: Sendable {
    public enum Kind: Sendable, Equatable {
        case attempted(provider: Address, suggestedPayment: BigUInt)
        case responseSubmitted(response: Address)
        case statusChanged(TaskStatus)
    }

    public let task: Address
    public let kind: Kind
    public let blockNumber: UInt64
    public let transactionHash: String?
    public let logIndex: UInt64?

    public init(task: Address, kind: Kind, blockNumber: UInt64, transactionHash: String?, logIndex: UInt64?) {
        self.task = task; self.kind = kind; self.blockNumber = blockNumber; self.transactionHash = transactionHash
        self.logIndex = logIndex
    }
}

public enum OpenGPUReadError: Error, Sendable, CustomStringConvertible {
    case malformed(String)
    case notFound(kind: String, address: Address)
    case eventMissing(event: String, transactionHash: String)

    public var description: String {
        switch self {
        case .malformed(let what): return "contract returned a malformed \(what)"
        case .notFound(let kind, let a): return "no \(kind) at \(a.checksummed)"
        case .eventMissing(let e, let h): return "transaction \(h) succeeded but emitted no \(e) from Nexus"
        }
    }
}

/// Problems found before anything is sent.
public enum TaskDraftError: Error, Sendable, Equatable, CustomStringConvertible {
    case expiryInPast(expiryTime: UInt64, now: UInt64)
    case zeroPayment

    public var description: String {
        switch self {
        case .expiryInPast(let e, let now): return "task expiry \(e) is not in the future (now \(now)); give a later expiry"
        case .zeroPayment: return "task payment must be greater than zero"
        }
    }
}
