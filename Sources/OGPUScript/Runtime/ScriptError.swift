/// The error kinds of docs/language.md §4. `e.kind` in a script is the raw value.
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
    /// The argument of the failing call the error is about: the call site points the report at
    /// that argument instead of at the callee (then clears it).
    public var argument: ArgumentRef? {
        get { advice?.argument }
        set { advice = Advice(argument: newValue, help: help) }
    }
    /// How to fix it, when that is known: shown as a `help:` line under the report.
    public var help: String? {
        get { advice?.help }
        set { advice = Advice(argument: argument, help: newValue) }
    }
    /// `argument` and `help` behind one reference: errors are built inline in the evaluator's
    /// hot code, which a bigger struct would cost registers and instructions even when nothing fails.
    private var advice: Advice?

    public init(_ kind: ErrorKind, _ message: String, data: Value? = nil, at location: SourceLocation? = nil,
                argument: ArgumentRef? = nil, help: String? = nil) {
        self.kind = kind.rawValue
        self.message = message
        self.data = data
        self.location = location
        if argument != nil || help != nil { advice = Advice(argument: argument, help: help) }
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
    public var exitCode: Int32 { kind == ErrorKind.interrupted.rawValue ? ExitStatus.interrupted : ExitStatus.runtimeError }

    /// Common constructors, so messages stay uniform.
    public static func type(_ message: String) -> ScriptError { ScriptError(.type, message) }
    public static func value(_ message: String) -> ScriptError { ScriptError(.value, message) }
    public static func name(_ message: String) -> ScriptError { ScriptError(.name, message) }
}

/// Immutable, so copies of an error never share a change (setters make a new one).
private final class Advice: Sendable {
    let argument: ArgumentRef?
    let help: String?
    init(argument: ArgumentRef?, help: String?) {
        self.argument = argument
        self.help = help
    }
}

/// One argument of a call, as an error names it: a named argument by its label (`payment:`), else
/// a positional one by index. `atLabel` points at the label itself (an unknown or repeated name).
public struct ArgumentRef: Equatable, Sendable {
    public var label: String?
    public var position: Int?
    public var atLabel: Bool

    public init(label: String? = nil, position: Int? = nil, atLabel: Bool = false) {
        self.label = label
        self.position = position
        self.atLabel = atLabel
    }
}

/// Where the arguments of one call site are in the source, made once when the call is compiled.
/// Only the error path reads it.
final class ArgumentSites {
    let positional: [SourceLocation]
    let named: [(label: String, labelLocation: SourceLocation, value: SourceLocation)]

    init(positional: [SourceLocation], named: [(label: String, labelLocation: SourceLocation, value: SourceLocation)]) {
        self.positional = positional
        self.named = named
    }

    /// The place `ref` names at this call, if the call has that argument.
    func location(of ref: ArgumentRef) -> SourceLocation? {
        if let label = ref.label, let n = named.first(where: { $0.label == label }) {
            return ref.atLabel ? n.labelLocation : n.value
        }
        if let i = ref.position, i >= 0, i < positional.count { return positional[i] }
        return nil
    }

}

/// The argument places of every call site a session compiled, by the call's location. The
/// compiled code never touches it (so calls pay nothing for it); `CallContext.call` looks a call
/// up only when a built-in or a binding fails with an `ArgumentRef`.
final class ArgumentSiteTable {
    /// Sites by call location, with the compile that registered them; nil sites for a location
    /// two calls of one compile share (`f(a)(b)`): errors there point at the call.
    private var byCall: [SourceLocation: (compile: Int, sites: ArgumentSites?)] = [:]
    private var compile = 0

    /// A new file or REPL input is being compiled: its calls replace earlier ones at the same
    /// places (every REPL input starts at `<repl>:1:1`).
    func beginCompile() { compile += 1 }

    func register(_ sites: ArgumentSites, at call: SourceLocation) {
        if let old = byCall[call], old.compile == compile {
            byCall[call] = (compile, nil)
        } else {
            byCall[call] = (compile, sites)
        }
    }

    /// Gives `error`, raised by the call at `call` itself, the place of the argument it is about
    /// (else the call's place). Without a call place (a built-in calling a function), the
    /// argument cannot be found and is dropped.
    func place(_ error: inout ScriptError, call: SourceLocation?) {
        if error.location == nil {
            if let call, let ref = error.argument, let sites = byCall[call]?.sites {
                error.location = sites.location(of: ref) ?? call
            } else {
                error.location = call
            }
        }
        error.argument = nil
    }
}

/// Reading a thrown error without casting it. Every statement list an error unwinds through, and
/// every `try`/`catch`, looks at the error; `catch let e as ScriptError` is a runtime cast that
/// copies the whole error out of its box (four references retained, then released): ~350
/// instructions per look, 15% of bench/lang/trycatch. These check the boxed value's type and
/// read it in place.
extension ScriptError {
    /// `error` with `location` set when it is a `ScriptError` that has none (what the evaluator's
    /// location-recording `catch` blocks did); any other error as it came.
    @inline(__always)
    static func located(_ error: any Error, at location: SourceLocation?) -> any Error {
        ScriptError.lacksLocation(error) ? ScriptError.locating(error, at: location) : error
    }

    /// Out of line: the usual error already has its place, and the catch blocks stay small.
    @inline(never)
    private static func locating(_ error: any Error, at location: SourceLocation?) -> any Error {
        guard var e = ScriptError.from(error) else { return error }
        e.location = location
        return e
    }

    /// True when `error` is a `ScriptError` with no location. (Opened explicitly: `any Error`
    /// conforms to `Error` itself, so a plain generic call would not open it.)
    /// The contract of these reads: the boxed value is read as a `ScriptError` only after its
    /// type was found to be exactly `ScriptError`; debug builds check each answer against a cast.
    static func lacksLocation(_ error: any Error) -> Bool {
        func inBox<E: Error>(_ e: E) -> Bool {
            guard E.self == ScriptError.self else { return false }
            return withUnsafePointer(to: e) { p in
                UnsafeRawPointer(p).assumingMemoryBound(to: ScriptError.self).pointee.location == nil
            }
        }
        let lacks = _openExistential(error, do: inBox)
        assert(lacks == ((error as? ScriptError).map { $0.location == nil } ?? false))
        return lacks
    }

    /// `error` as a `ScriptError`, or nil when it is another error: `error as? ScriptError`
    /// without the runtime cast.
    static func from(_ error: any Error) -> ScriptError? {
        func inBox<E: Error>(_ e: E) -> ScriptError? {
            guard E.self == ScriptError.self else { return nil }
            return withUnsafePointer(to: e) { p in UnsafeRawPointer(p).assumingMemoryBound(to: ScriptError.self).pointee }
        }
        let e = _openExistential(error, do: inBox)
        assert((e == nil) == !(error is ScriptError) && e?.message == (error as? ScriptError)?.message)
        return e
    }

    /// What `catch e` binds (`.error`) for `error`, or nil when a script cannot catch it: an error
    /// that is not a `ScriptError`, or Ctrl-C. Copies the error once, from its box into the value.
    static func caught(_ error: any Error) -> Value? {
        func inBox<E: Error>(_ e: E) -> Value? {
            guard E.self == ScriptError.self else { return nil }
            return withUnsafePointer(to: e) { p in
                let e = UnsafeRawPointer(p).assumingMemoryBound(to: ScriptError.self)
                return e.pointee.isInterruption ? nil : .error(e.pointee)
            }
        }
        let caught = _openExistential(error, do: inBox)
        assert((caught != nil) == ((error as? ScriptError).map { !$0.isInterruption } ?? false))
        return caught
    }

    /// `kind == "interrupted"`, testing the length first: comparing two different short strings
    /// goes through the standard library's general comparison (~90 instructions).
    var isInterruption: Bool {
        kind.utf8.count == ErrorKind.interrupted.rawValue.utf8.count && kind == ErrorKind.interrupted.rawValue
    }
}
