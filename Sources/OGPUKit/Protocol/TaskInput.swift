import OGPUPrimitives
/// The off-chain task config a client pins before publishing (PROTOCOL.md §8.1):
/// `{"function_name": …, "data": …, <extras in order>}`, serialised byte-for-byte like the
/// official SDK's `json.dumps(task_input.to_dict())` so the same input pins to the same CID.
public struct TaskInput: Sendable, Equatable {
    public let functionName: String
    public let data: JSONValue
    public let extras: [(String, JSONValue)]

    public enum Invalid: Error, Equatable, CustomStringConvertible {
        case emptyFunctionName
        case reservedExtra(String)
        case duplicateExtra(String)

        public var description: String {
            switch self {
            case .emptyFunctionName: return "task function name must not be empty"
            case .reservedExtra(let k): return "task extra '\(k)' clashes with a reserved key (function_name and data are set by the task itself)"
            case .duplicateExtra(let k): return "task extra '\(k)' is given twice"
            }
        }
    }

    public init(functionName: String, data: JSONValue, extras: [(String, JSONValue)] = []) throws {
        guard !functionName.isEmpty else { throw Invalid.emptyFunctionName }
        var seen = Set<String>()
        for (k, _) in extras {
            if k == "function_name" || k == "data" { throw Invalid.reservedExtra(k) }
            if !seen.insert(k).inserted { throw Invalid.duplicateExtra(k) }
        }
        self.functionName = functionName
        self.data = data
        self.extras = extras
    }

    public static func == (a: TaskInput, b: TaskInput) -> Bool { a.json == b.json }

    public var json: JSONValue {
        .object([("function_name", .string(functionName)), ("data", data)] + extras)
    }

    /// The exact bytes the SDK uploads as `taskConfig.json`.
    public var configBytes: [UInt8] { JSONWriter.bytes(json, style: .python) }
    public var configText: String { JSONWriter.string(json, style: .python) }

    /// Parses a fetched config back (extras in file order).
    public init(config: JSONValue) throws {
        guard let pairs = config.objectValue, let name = config["function_name"]?.stringValue else {
            throw Invalid.emptyFunctionName
        }
        try self.init(functionName: name, data: config["data"] ?? .null,
                      extras: pairs.filter { $0.0 != "function_name" && $0.0 != "data" })
    }
}
