import OGPUKit
import OGPUPrimitives

/// A script value as the core's `JSONValue`: the one conversion from the language to the task
/// config the core pins (no JSON text in between). It follows `json(x)` (JSONWriter.swift) value
/// for value — amounts as decimal-wei strings, addresses checksummed, durations their seconds,
/// times ISO strings, a range its ints, an error `{kind, message, data}`, a handle its address —
/// so the core's Python-style writer gives the bytes the SDK would pin for the same data.
enum TaskConfig {
    /// The SDK's TaskInput: `{"function_name": fn, "data": data, extras…}`.
    static func input(function: String, data: OrderedMap, extras: [(String, Value)]) throws -> TaskInput {
        let extraJSON = try extras.map { ($0.0, try json($0.1)) }
        do {
            return try TaskInput(functionName: function, data: try json(.map(data)), extras: extraJSON)
        } catch let e as TaskInput.Invalid {
            throw ScriptError(.value, e.description)
        }
    }

    static func json(_ v: Value, depth: Int = 0) throws -> JSONValue {
        // The core's bound for JSON it reads back (a config is fetched and parsed again by
        // providers and by `task.config`); it also keeps this recursion shallow.
        if depth >= OGPUPrimitives.JSONParser.maxDepth {
            throw ScriptError(.value, "task config nested deeper than \(OGPUPrimitives.JSONParser.maxDepth) levels")
        }
        switch v {
        case .null: return .null
        case .bool(let b): return .bool(b)
        case .int(let i): return .number(String(i))
        case .bigInt(let b): return .number(b.description)
        case .dec(let d): return .number(d.description)
        case .string(let s): return .string(s)
        case .address(let a): return .string(a.description)
        case .duration(let d): return .number(d.description)
        case .time(let t): return .string(TimeFormat.iso(t))
        case .amount(let w): return .string(String(w.big))
        case .list(let xs): return .array(try xs.map { try json($0, depth: depth + 1) })
        case .map(let m): return .object(try m.pairs.map { ($0.0, try json($0.1, depth: depth + 1)) })
        case .range(let l, let u, let inclusive):
            let n = rangeCount(l, u, inclusive)
            guard n <= min(10_000_000, Operators.maxListCount) else { throw ScriptError(.value, "task config: range too long") }
            return .array((0..<n).map { .number(String(l + $0)) })
        case .error(let e):
            return .object([("kind", .string(e.kind)), ("message", .string(e.message)),
                            ("data", try json(e.data ?? .null, depth: depth + 1))])
        case .handle(let h): return try json(try h.property("address"), depth: depth + 1)
        case .closure, .builtin: throw ScriptError(.type, "a task config cannot hold a function")
        }
    }
}

extension TaskStatus {
    /// The status as scripts see it: "new", "attempted", "responded", "canceled", "expired", "finalized".
    var scriptName: String { description.lowercased() }
}
