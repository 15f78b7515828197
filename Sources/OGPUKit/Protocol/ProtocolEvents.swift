import BigInt
import OGPUPrimitives

/// Which protocol events to read: by emitter, by event name, and by the addresses the events
/// are about. An address condition keeps only events that have a field of that name holding that
/// address (`source:` keeps TaskPublished, Registered, SourceStatusChanged… of that source, and
/// drops events that name no source). Nexus events have no indexed fields (PROTOCOL.md §6), so
/// the node is asked by emitter and topic0 and the rest is matched here.
public struct ProtocolEventFilter: Sendable, Equatable {
    public var emitters: Set<OpenGPUContracts.Emitter>?
    public var names: Set<String>?
    /// Field name (`task`, `source`, `provider`, `response`, `account`, `master`, `agent`) → address.
    public var fields: [String: Address]

    public init(emitters: Set<OpenGPUContracts.Emitter>? = nil, names: Set<String>? = nil, fields: [String: Address] = [:]) {
        self.emitters = emitters; self.names = names; self.fields = fields
    }

    /// The field names an address condition may use (every address field of a protocol event).
    public static let addressFields: Set<String> = ["task", "source", "provider", "response", "account", "master", "agent"]
}

/// A protocol event decoded from a log the node returned, after checking it (see `protocolEvents`).
public struct ProtocolEvent: Sendable, Equatable {
    public let emitter: OpenGPUContracts.Emitter
    public let decoded: ABIEvent.DecodedEvent
    public let blockNumber: UInt64
    public let transactionHash: String
    public let logIndex: UInt64

    public init(emitter: OpenGPUContracts.Emitter, decoded: ABIEvent.DecodedEvent, blockNumber: UInt64, transactionHash: String,
                logIndex: UInt64) {
        self.emitter = emitter; self.decoded = decoded; self.blockNumber = blockNumber
        self.transactionHash = transactionHash; self.logIndex = logIndex
    }

    public var name: String { decoded.name }

    /// Position in the chain, for ordering and for a watcher's cursor.
    public var position: EventPosition { EventPosition(block: blockNumber, logIndex: logIndex) }
}

public struct EventPosition: Sendable, Comparable, Hashable {
    public let block: UInt64
    public let logIndex: UInt64
    public init(block: UInt64, logIndex: UInt64) { self.block = block; self.logIndex = logIndex }
    public static func < (a: Self, b: Self) -> Bool { (a.block, a.logIndex) < (b.block, b.logIndex) }
}

public enum ProtocolEventError: Error, Sendable, CustomStringConvertible {
    case unknownEvent(String, known: [String])
    case unknownField(String)
    case badRange(from: UInt64, to: UInt64)
    case rangeTooWide(from: UInt64, to: UInt64, limit: UInt64)
    case tooMany(limit: Int, from: UInt64, to: UInt64)

    public var description: String {
        switch self {
        case .unknownEvent(let n, let known): return "no protocol event is called \(n) (events: \(known.joined(separator: ", ")))"
        case .unknownField(let f):
            return "events cannot be filtered by \(f) (use \(ProtocolEventFilter.addressFields.sorted().joined(separator: ", ")))"
        case .badRange(let f, let t): return "block range \(f)…\(t) is empty: from must not be after to"
        case .rangeTooWide(let f, let t, let limit):
            return "blocks \(f)…\(t) are more than \(limit) blocks to search at once; read them in parts (from:/to:)"
        case .tooMany(let limit, let f, let t):
            return "more than \(limit) events in blocks \(f)…\(t); narrow the block range or the filter"
        }
    }
}

extension OpenGPUClient {
    /// Blocks per `eth_getLogs` request: public nodes refuse or time out on wider ranges.
    public static let logBlockSpan: UInt64 = 2_000
    /// At most this many events are returned by one read (a hostile or busy node cannot make us
    /// hold an unbounded list).
    public static let maxEventsPerRead = 10_000
    /// At most this many blocks per read (500 requests of `logBlockSpan`).
    public static let maxBlocksPerRead: UInt64 = 1_000_000

    /// The events this network's contracts can emit (mainnet's Vault has one more).
    public var knownEvents: [(emitter: OpenGPUContracts.Emitter, event: ABIEvent)] {
        OpenGPUContracts.protocolEvents + (hasCancelUnbonding ? OpenGPUContracts.mainnetOnlyEvents : [])
    }

    /// Checks a filter against the events this network knows: an unknown name or field is the
    /// user's mistake, said before anything is read.
    public func validate(_ filter: ProtocolEventFilter) throws {
        let known = knownEvents
        for n in filter.names ?? [] where !known.contains(where: { $0.event.name == n }) {
            throw ProtocolEventError.unknownEvent(n, known: known.map(\.event.name))
        }
        for f in filter.fields.keys where !ProtocolEventFilter.addressFields.contains(f) {
            throw ProtocolEventError.unknownField(f)
        }
    }

    /// The protocol events in blocks `from…to` (inclusive) matching `filter`, in chain order.
    ///
    /// The node is not trusted: the range is read in spans of `logBlockSpan` blocks; a log is kept
    /// only when its emitter is the expected contract, its topic0 a selected event, its block inside
    /// the span asked for, its position and hash present, and its data decodes strictly (canonical
    /// ABI, enum values in range); duplicates are dropped; more than `limit` events is an error,
    /// not a silently cut list.
    public func protocolEvents(_ filter: ProtocolEventFilter, from: UInt64, to: UInt64,
                               limit: Int = OpenGPUClient.maxEventsPerRead) throws -> [ProtocolEvent] {
        try validate(filter)
        guard from <= to else { throw ProtocolEventError.badRange(from: from, to: to) }
        guard to - from < Self.maxBlocksPerRead else {
            throw ProtocolEventError.rangeTooWide(from: from, to: to, limit: Self.maxBlocksPerRead)
        }
        let selected = knownEvents.filter { e in
            (filter.emitters?.contains(e.emitter) ?? true) && (filter.names?.contains(e.event.name) ?? true)
                && filter.fields.keys.allSatisfy { f in e.event.inputs.contains { $0.name == f } }
        }
        if selected.isEmpty { return [] }
        var out = [ProtocolEvent]()
        var seen = Set<EventPosition>()
        var start = from
        while start <= to {
            let end = min(to, start + Self.logBlockSpan - 1)
            for emitter in OpenGPUContracts.Emitter.allCases {
                let events = selected.filter { $0.emitter == emitter }.map(\.event)
                if events.isEmpty { continue }
                let contract = address(of: emitter)
                let logs = try eth.logs(address: contract, topics: [events.map(\.topic0)], from: .number(start), to: .number(end))
                for log in logs {
                    guard let e = checked(log, from: emitter, contract: contract, events: events, span: start...end),
                          filter.fields.allSatisfy({ e.decoded[$0.key]?.addressValue == $0.value }),
                          seen.insert(e.position).inserted else { continue }
                    out.append(e)
                    if out.count > limit { throw ProtocolEventError.tooMany(limit: limit, from: from, to: to) }
                }
            }
            if end == UInt64.max { break }
            start = end + 1
        }
        return out.sorted { $0.position < $1.position }
    }

    func address(of emitter: OpenGPUContracts.Emitter) -> Address {
        switch emitter {
        case .nexus: return network.contracts.nexus
        case .terminal: return network.contracts.terminal
        case .vault: return network.contracts.vault
        }
    }

    /// The log as a protocol event, or nil when anything about it is off.
    private func checked(_ log: EthLog, from emitter: OpenGPUContracts.Emitter, contract: Address, events: [ABIEvent],
                         span: ClosedRange<UInt64>) -> ProtocolEvent? {
        guard log.address == contract, let topic = log.topics.first, let event = events.first(where: { $0.topic0 == topic }),
              let block = log.blockNumber, span.contains(block), let index = log.logIndex, let hash = log.transactionHash,
              let decoded = try? event.decodeLog(topics: log.topics, data: log.data), Self.enumsInRange(decoded) else { return nil }
        return ProtocolEvent(emitter: emitter, decoded: decoded, blockNumber: block, transactionHash: hash, logIndex: index)
    }

    /// A status field must name a state of its machine (PROTOCOL.md §4).
    static func enumsInRange(_ d: ABIEvent.DecodedEvent) -> Bool {
        guard let raw = d["status"]?.uintValue else { return true }
        switch d.name {
        case "TaskStatusChanged": return raw < 6
        case "ResponseStatusChanged": return raw < 2
        case "SourceStatusChanged": return raw < 2
        default: return true
        }
    }
}
