/// The error kinds of LANGUAGE.md §4. `e.kind` in a script is the raw value.
public enum ErrorKind: String, Sendable, CaseIterable {
    case user, type, value, name, overflow, assert, timeout, interrupted
    case revert, rpc, ipfs, io, key
    /// A transaction was signed and may have reached a node, but its outcome is unknown (answer
    /// lost, no receipt in time, cancelled after broadcast). Never retried; `.data.tx` names it.
    case pending
}

/// A runtime error: what `throw` raises, what built-ins raise, what `catch e` binds (as
/// `Value.error`). Built-ins throw these directly, e.g.
/// `throw ScriptError(.value, "payment must be greater than 0")`; the evaluator fills in
/// `location` with the call site when the thrower left it nil.
public struct ScriptError: Error, CustomStringConvertible {
    /// Usually one of `ErrorKind`, but a script can throw a map with any `kind:` string.
    public var kind: String
    public var message: String
    /// Details (`e.data`), or nil.
    public var data: Value?
    /// Where it was raised; nil until the evaluator attaches the call site.
    public var location: SourceLocation?

    public init(_ kind: ErrorKind, _ message: String, data: Value? = nil, at location: SourceLocation? = nil) {
        self.kind = kind.rawValue
        self.message = message
        self.data = data
        self.location = location
    }

    public init(kind: String, message: String, data: Value? = nil, location: SourceLocation? = nil) {
        self.kind = kind
        self.message = message
        self.data = data
        self.location = location
    }

    /// `error: message` — how `print` shows an error value (§2).
    public var description: String { "error: \(message)" }

    /// Exit code for `ogpu FILE` (§7): 130 when interrupted, else 70.
    public var exitCode: Int32 { kind == ErrorKind.interrupted.rawValue ? 130 : 70 }

    /// Common constructors, so messages stay uniform.
    public static func type(_ message: String) -> ScriptError { ScriptError(.type, message) }
    public static func value(_ message: String) -> ScriptError { ScriptError(.value, message) }
    public static func name(_ message: String) -> ScriptError { ScriptError(.name, message) }
}
