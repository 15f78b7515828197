import BigInt
import OGPUKit
import OGPUPrimitives

/// `events(...)` and `watch(filter…) { ev => … }`: protocol events over a block range, or as they
/// come, decoded by the core (`OpenGPUClient.protocolEvents`) and given to scripts as maps.
enum EventBuiltins {
    static let all: [BuiltinFunction] = [events]

    /// Named arguments that select events (besides `from:`/`to:` and a watch's own).
    static let filterNames: Set<String> = Set(["event", "contract"]).union(ProtocolEventFilter.addressFields)

    static let events = BuiltinFunction("events", doc: """
        events(from: n, to: m, event: "TaskPublished", contract: "Nexus", source: s, task: t, \
        provider: p, response: r, account: a, master: m, agent: g) lists the protocol events of \
        blocks n…m (default: the last 1000 blocks up to the latest) as maps {event, contract, \
        block, tx, log_index, …fields} in chain order. event: and contract: take a name or a list; \
        an address filter keeps only events with that field (source: drops Attempted, which names \
        no source). More than 10000 events is an error: narrow the range.
        """) { args, ctx in
        try args.allowNamed(filterNames.union(["from", "to"])); try args.expectCount(0, 0)
        let g = try Gateway.protocolSide(ctx, "events")
        let filter = try EventBuiltins.filter(args)
        try Gateway.run { try g.validate(filter) }
        let to = try args.named("to").map { try block($0, "to", args) } ?? Gateway.run { try g.headNumber() }
        let from = try args.named("from").map { try block($0, "from", args) } ?? (to >= 999 ? to - 999 : 0)
        if from > to { throw ScriptError(.value, "events(): from: \(from) is after to: \(to)") }
        return .list(try Gateway.run { try g.protocolEvents(filter, from: from, to: to) }.map(value))
    }

    static func block(_ v: Value, _ name: String, _ args: Arguments) throws -> UInt64 {
        let n = try Arguments.int(v, name, callee: args.callee)
        guard n >= 0 else { throw ScriptError(.value, "\(args.callee)(): \(name): must be a block number ≥ 0, got \(n)") }
        return UInt64(n)
    }

    /// The filter the named arguments describe.
    static func filter(_ args: Arguments) throws -> ProtocolEventFilter {
        var f = ProtocolEventFilter()
        func names(_ key: String) throws -> [String]? {
            guard let v = args.named(key) else { return nil }
            switch v {
            case .string(let s): return [s]
            case .list(let xs):
                return try xs.map { x in
                    guard case .string(let s) = x else { throw args.typeError(key, expected: "a name or a list of names", got: x) }
                    return s
                }
            default: throw args.typeError(key, expected: "a name or a list of names", got: v)
            }
        }
        if let ns = try names("event") { f.names = Set(ns) }
        if let cs = try names("contract") {
            f.emitters = Set(try cs.map { c in
                guard let e = OpenGPUContracts.Emitter.allCases.first(where: { $0.rawValue.lowercased() == c.lowercased() }) else {
                    throw ScriptError(.value, "\(args.callee)(): contract: must be \"Nexus\", \"Terminal\" or \"Vault\", got \"\(c)\"")
                }
                return e
            })
        }
        for key in ProtocolEventFilter.addressFields.sorted() {
            if let v = args.named(key) { f.fields[key] = try NetworkBuiltins.addressArgument(v, key, args.callee) }
        }
        return f
    }

    /// An event as a script map: where it is, then its fields under snake_case names, typed
    /// (amounts as amounts, statuses by name, a source's params as a map).
    static func value(_ e: ProtocolEvent) -> Value {
        var pairs: [(String, Value)] = [("event", .string(e.name)), ("contract", .string(e.emitter.rawValue)),
                                        ("block", .int(Int(clamping: e.blockNumber))), ("tx", .string(e.transactionHash)),
                                        ("log_index", .int(Int(clamping: e.logIndex)))]
        for field in e.decoded.fields {
            pairs.append((snakeCase(field.name), fieldValue(field, in: e.name)))
        }
        return GatewayValues.map(pairs)
    }

    static func snakeCase(_ name: String) -> String {
        var out = ""
        for ch in name {
            if ch.isUppercase { out += "_" + ch.lowercased() } else { out.append(ch) }
        }
        return out
    }

    static func fieldValue(_ f: ABIEvent.Field, in event: String) -> Value {
        let v = f.value
        if let a = v.addressValue { return .address(a) }
        if let b = v.boolValue { return .bool(b) }
        if let n = v.uintValue {
            switch f.name {
            case "amount", "suggestedPayment": return .amount(n)
            case "status":
                let raw = UInt8(truncatingIfNeeded: n)
                switch event {
                case "TaskStatusChanged": return .string(TaskStatus(rawValue: raw)?.scriptName ?? String(n))
                case "ResponseStatusChanged": return .string(ResponseStatus(rawValue: raw).map { "\($0)".lowercased() } ?? String(n))
                default: return .string(SourceStatus(rawValue: raw).map { "\($0)".lowercased() } ?? String(n))
                }
            case "preferredEnvironment": return environments(n).first ?? .int(Int(clamping: n))
            default: return n <= BigUInt(Int.max) ? .int(Int(n)) : .bigInt(BigInt(n))
            }
        }
        if let items = v.items, f.name == "sourceParams", items.count == 10 { return sourceParams(items) }
        return .string(v.stringValue ?? v.description)
    }

    static func environments(_ bits: BigUInt) -> [Value] {
        var out = [Value]()
        if bits & 1 != 0 { out.append(.string("cpu")) }
        if bits & 2 != 0 { out.append(.string("nvidia")) }
        if bits & 4 != 0 { out.append(.string("amd")) }
        return out
    }

    /// `SourceUpdated`'s params, named as a source handle names them.
    static func sourceParams(_ f: [ABIValue]) -> Value {
        func amount(_ i: Int) -> Value { f[i].uintValue.map { .amount($0) } ?? .null }
        return GatewayValues.map([
            ("owner", f[0].addressValue.map { .address($0) } ?? .null), ("metadata", .string(f[1].stringValue ?? "")),
            ("environments", .list(environments(f[2].uintValue ?? 0))), ("min_payment", amount(3)), ("min_lockup", amount(4)),
            ("max_expiry", .duration(Dec(Int(clamping: UInt64(truncatingIfNeeded: f[5].uintValue ?? 0))))),
            ("delivery", .string(f[8].uintValue == 1 ? "first" : "manual")),
            ("updated", GatewayValues.time(UInt64(truncatingIfNeeded: f[9].uintValue ?? 0))),
        ])
    }
}

extension EventBuiltins {
    /// `watch(event:, source:, …, from:, timeout:, poll:) { ev => … }` (the filter form of `watch`).
    static func watchEvents(_ args: Arguments, _ ctx: CallContext) throws -> Value {
        try args.allowNamed(filterNames.union(["from", "timeout", "poll"])); try args.expectCount(1, 1)
        let handler = try args.function(0, "block")
        let g = try Gateway.protocolSide(ctx, "watch")
        let filter = try EventBuiltins.filter(args)
        try Gateway.run { try g.validate(filter) }
        let poll = NetworkBuiltins.seconds(try NetworkBuiltins.pollArgument(args, "watch"))
        let timeout = try args.named("timeout").map { _ in NetworkBuiltins.seconds(try NetworkBuiltins.duration(args, "timeout", Dec(0))) }
        let from = try args.named("from").map { try block($0, "from", args) } ?? Gateway.run { try g.headNumber() } + 1
        var follower = EventFollower(gateway: g, filter: filter, ctx: ctx, callee: "watch", from: from, poll: poll, timeout: timeout)
        _ = try follower.run { ev in
            if case .bool(false) = try ctx.call(handler, [value(ev)]) { return false }
            return true
        }
        return .int(follower.delivered)
    }
}
