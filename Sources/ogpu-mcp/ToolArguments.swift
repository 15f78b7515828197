import Foundation
import OGPUPrimitives
import OGPUScript

/// One tool call's arguments as the client sent them (JSON), read by name with errors that name
/// the tool and the argument. Values for the language are made from JSON by the language's own
/// parser (`parse_json`'s), never by writing source code around them.
struct ToolArguments: Sendable {
    let tool: String
    let fields: [(String, JSONValue)]

    subscript(_ name: String) -> JSONValue? {
        fields.first { $0.0 == name }.map(\.1).flatMap { $0.isNull ? nil : $0 }
    }

    func string(_ name: String) throws -> String? {
        guard let v = self[name] else { return nil }
        guard case .string(let s) = v else { throw wrongType(name, "a string") }
        return s
    }

    func requiredString(_ name: String) throws -> String {
        guard let s = try string(name), !s.isEmpty else { throw missing(name) }
        return s
    }

    func bool(_ name: String) throws -> Bool? {
        guard let v = self[name] else { return nil }
        guard case .bool(let b) = v else { throw wrongType(name, "true or false") }
        return b
    }

    /// A whole number of seconds, if given.
    func seconds(_ name: String) throws -> Int? {
        guard let v = self[name] else { return nil }
        guard case .number(let text) = v, let n = Int(text), n > 0 else {
            throw ScriptError(.value, "\(tool): `\(name)` must be a positive whole number of seconds")
        }
        return n
    }

    /// A decimal number given as a JSON number or a string of one (`"0.01"`: exact, no binary
    /// float on the way), as the language's int or exact decimal.
    func decimal(_ name: String, unit: String) throws -> Value? {
        let text: String
        switch self[name] {
        case nil: return nil
        case .number(let n)?: text = n
        case .string(let s)?: text = s.trimmingCharacters(in: .whitespaces)
        default: throw wrongType(name, "a number of \(unit) such as \"0.01\"")
        }
        let value = try? OGPUScript.JSONParser.parse(text)
        switch value {
        case .int?, .dec?: return value
        default: throw ScriptError(.value, "\(tool): `\(name)` must be a decimal number of \(unit) such as \"0.01\", not \(ValueFormat.quote(text))")
        }
    }

    /// A JSON object as a language map (nil when absent).
    func map(_ name: String) throws -> OrderedMap? {
        guard let v = self[name] else { return nil }
        guard case .object = v, case .map(let m) = try OGPUScript.JSONParser.parse(OGPUPrimitives.JSONWriter.string(v)) else {
            throw wrongType(name, "a JSON object")
        }
        return m
    }

    /// An address argument as the language's value (checked by the built-in that takes it).
    func address(_ name: String) throws -> Value {
        .string(try requiredString(name))
    }

    private func missing(_ name: String) -> ScriptError {
        ScriptError(.value, "\(tool): the argument `\(name)` is required")
    }

    private func wrongType(_ name: String, _ expected: String) -> ScriptError {
        ScriptError(.type, "\(tool): `\(name)` must be \(expected)")
    }
}

/// One tool call's answer before it becomes the protocol's result: text for the reader, the
/// structured result when the tool has one, and whether the call failed.
struct ToolAnswer: Sendable {
    var text: String
    var structured: JSONValue?
    var isError: Bool

    /// A failure reported the way a script's is (`error[kind]: message` and `help:`), with its kind.
    static func failure(_ report: String, kind: String, extra: [(String, JSONValue)] = []) -> ToolAnswer {
        ToolAnswer(text: report, structured: .object([("error", .object([("kind", .string(kind)), ("report", .string(report))]))] + extra),
                   isError: true)
    }
}

/// The language's values as JSON for structured results: the `json()` form (amounts as decimal
/// wei strings, addresses checksummed, durations in seconds, times ISO, handles their address).
enum ToolJSON {
    static func from(_ value: Value) -> JSONValue {
        guard let text = try? OGPUScript.JSONWriter.encode(value), let json = try? OGPUPrimitives.JSONParser.parse(text) else {
            return .string(ValueFormat.printed(value))
        }
        return json
    }

    /// A handle's named properties, each read once (every read asks the chain), as a map.
    static func describe(_ value: Value, _ properties: [String]) throws -> Value {
        guard case .handle(let handle) = value else { return value }
        var m = OrderedMap()
        for name in properties { m.set(name, try handle.property(name)) }
        return .map(m)
    }
}
