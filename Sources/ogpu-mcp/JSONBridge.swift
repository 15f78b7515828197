import MCP
import OGPUPrimitives

/// Between the MCP SDK's `Value` and the project's one JSON type (`JSONValue`): tool arguments in,
/// structured results out. Numbers keep their exact text where the SDK allows: an integer too large
/// for Int (a wei amount) goes out as its digits in a string rather than a rounded Double.
enum JSONBridge {
    static func json(_ value: MCP.Value) -> JSONValue {
        switch value {
        case .null: return .null
        case .bool(let b): return .bool(b)
        case .int(let n): return .int(n)
        case .double(let d): return .double(d)
        case .string(let s): return .string(s)
        case .data(_, let data): return .string(data.base64EncodedString())
        case .array(let items): return .array(items.map(json))
        case .object(let fields): return .object(fields.sorted { $0.key < $1.key }.map { ($0.key, json($0.value)) })
        }
    }

    static func mcp(_ value: JSONValue) -> MCP.Value {
        switch value {
        case .null: return .null
        case .bool(let b): return .bool(b)
        case .number(let text):
            if let n = Int(text) { return .int(n) }
            if text.allSatisfy({ $0.isNumber || $0 == "-" }) { return .string(text) }
            return Double(text).map { .double($0) } ?? .string(text)
        case .string(let s): return .string(s)
        case .array(let items): return .array(items.map(mcp))
        case .object(let fields):
            var object: [String: MCP.Value] = [:]
            for (key, item) in fields { object[key] = mcp(item) }
            return .object(object)
        }
    }
}
