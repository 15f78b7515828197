import BigInt
import OGPUKit
import OGPUPrimitives

/// `task(...)` (§6): an unpublished task draft. It is an ordinary map — keys `source`, `fn`,
/// `data`, `payment`, `expiry`, then any extras — so it prints, indexes and `json`s like one;
/// `publish` validates it again before sending.
enum TaskBuiltins {
    static let all: [BuiltinFunction] = [task]

    static let parameterNames: Set<String> = ["source", "fn", "function", "data", "payment", "expiry"]
    /// Keys the SDK's TaskInput writes itself; an extra of that name would be a duplicate keyword there.
    static let reservedConfigKeys: Set<String> = ["function_name", "data"]

    static let task = BuiltinFunction("task", doc: """
        task(source, fn, data, payment: ogpu(0.01), expiry: 1h, ...extras) makes an unpublished \
        task draft for `publish`. source is the source's address (or a string of one), fn the \
        function name the provider runs, data a non-empty map; expiry is a duration from publish \
        time or a time. Extra named arguments go into the task config next to function_name and \
        data, as the Python SDK's TaskInput does. The draft is checked in this order — source, \
        fn, data, payment > 0, expiry in the future — and the first problem is a "value" error.
        """) { args, _ in
        try args.expectCount(0, 3)
        var given: [String: Value] = [:]
        let positionalNames = ["source", "fn", "data"]
        for (i, v) in args.positional.enumerated() { given[positionalNames[i]] = v }
        var extras: [(String, Value)] = []
        for (name, v) in args.named {
            if parameterNames.contains(name) {
                let key = name == "function" ? "fn" : name
                if given[key] != nil { throw ScriptError(.name, "task() got `\(key)` twice") }
                given[key] = v
            } else {
                if reservedConfigKeys.contains(name) {
                    throw ScriptError(.name, "task(): an extra named `\(name)` would clash with the task config's own key")
                }
                extras.append((name, v))
            }
        }
        return .map(try draft(given, extras: extras))
    }

    static func draft(_ given: [String: Value], extras: [(String, Value)]) throws -> OrderedMap {
        // 1. source
        guard let sourceValue = given["source"], !sourceValue.isNilValue else {
            throw ScriptError(.value, "source must be an address (the source's 0x… contract address)", argument: ArgumentRef(label: "source", position: 0))
        }
        let source: Address
        switch sourceValue {
        case .address(let a): source = a
        case .string(let s): source = try AddressArgument.parse(s, what: "source")
        default: throw ScriptError(.value, "source must be an address, got a \(sourceValue.typeName)", argument: ArgumentRef(label: "source", position: 0))
        }
        // 2. fn
        guard case .string(let fn)? = given["fn"], !fn.isEmpty else {
            let got = given["fn"].map { v -> String in if case .string = v { return "an empty string" } else { return "a \(v.typeName)" } } ?? "nothing"
            throw ScriptError(.value, "fn must be a non-empty string (the function the provider runs), got \(got)", argument: ArgumentRef(label: "fn", position: 1))
        }
        // 3. data
        guard case .map(let data)? = given["data"], !data.isEmpty else {
            let got = given["data"].map { v -> String in if case .map = v { return "an empty map" } else { return "a \(v.typeName)" } } ?? "nothing"
            throw ScriptError(.value, "data must be a non-empty map, got \(got)", argument: ArgumentRef(label: "data", position: 2))
        }
        // 4. payment
        let payment = given["payment"] ?? .amount(BigUInt(10).power(16))
        guard case .amount(let wei) = payment else {
            throw ScriptError(.value, "payment must be an amount like ogpu(0.01), got a \(payment.typeName)", argument: ArgumentRef(label: "payment"))
        }
        if wei.isZero { throw ScriptError(.value, "payment must be greater than 0", argument: ArgumentRef(label: "payment")) }
        // 5. expiry
        let expiry = given["expiry"] ?? .duration(Dec(3600))
        switch expiry {
        case .duration(let d):
            if d.isNegative || d.isZero { throw ScriptError(.value, "expiry must be in the future, got \(DurationFormat.format(d))", argument: ArgumentRef(label: "expiry")) }
        case .time(let t):
            if Dec.compare(t, SystemBuiltins.currentTime()) <= 0 {
                throw ScriptError(.value, "expiry must be in the future, got \(TimeFormat.iso(t))", argument: ArgumentRef(label: "expiry"))
            }
        default:
            throw ScriptError(.value, "expiry must be a duration (like 1h) or a time, got a \(expiry.typeName)", argument: ArgumentRef(label: "expiry"))
        }
        for (name, v) in extras {
            if case .closure = v { throw ScriptError(.value, "task(): extra `\(name)` cannot be a function", argument: ArgumentRef(label: name)) }
            if case .builtin = v { throw ScriptError(.value, "task(): extra `\(name)` cannot be a function", argument: ArgumentRef(label: name)) }
        }
        var m = OrderedMap()
        m["source"] = .address(source)
        m["fn"] = .string(fn)
        m["data"] = .map(data)
        m["payment"] = payment
        m["expiry"] = expiry
        for (name, v) in extras { m[name] = v }
        return m
    }

    /// A validated draft (re-checked: it is a map a script may have edited) as a gateway request.
    static func request(from value: Value) throws -> TaskRequest {
        guard case .map(let m) = value else {
            throw ScriptError(.type, "publish() expects a task draft (from task(...)), got \(value.typeName)")
        }
        var given: [String: Value] = [:]
        var extras: [(String, Value)] = []
        for (k, v) in m.pairs {
            if ["source", "fn", "data", "payment", "expiry"].contains(k) { given[k] = v } else { extras.append((k, v)) }
        }
        let d = try draft(given, extras: extras)
        guard case .address(let source)? = d["source"], case .amount(let wei)? = d["payment"],
              case .string(let fn)? = d["fn"], case .map(let data)? = d["data"] else {
            throw ScriptError(.value, "invalid task draft")
        }
        let expiry: TaskExpiry
        switch d["expiry"]! {
        case .duration(let s): expiry = .after(seconds: try wholeSeconds(s))
        case .time(let t): expiry = .at(unix: try wholeSeconds(t))
        default: throw ScriptError(.value, "invalid expiry")
        }
        return TaskRequest(source: source, input: try TaskConfig.input(function: fn, data: data, extras: extras),
                           payment: wei.big, expiry: expiry)
    }

    static func wholeSeconds(_ d: Dec) throws -> Int {
        guard let n = Int(exactly: d.rounded(digits: 0).truncatedInteger) else {
            throw ScriptError(.value, "expiry is too far away")
        }
        return n
    }
}
