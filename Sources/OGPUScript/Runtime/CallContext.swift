import OGPUKit
import OGPUPrimitives
/// Where a script's output goes. The CLI implements it over stdout/stderr; tests capture it.
public protocol ScriptHost: AnyObject {
    func write(_ text: String)
    func writeError(_ text: String)
    var isTerminal: Bool { get }
}

/// A host that shows a long call's progress itself (a notebook's live display), in place of the
/// terminal spinner: `showStatus` with each new line of status, `endStatus` when the call ends —
/// with the line to keep when it finished, nil when it stopped (interrupt, timeout, error).
public protocol LiveStatusHost: ScriptHost {
    func showStatus(_ text: String)
    func endStatus(_ finalText: String?)
}

/// The state of one running session, handed to every built-in call.
///
/// What built-ins use:
/// - `write(_:)` / `writeError(_:)` for output (`print` must end its line itself),
/// - `call(_:_:named:)` to run a script function (`map`, `filter`, `sort(key:)`, `retry`, `watch`),
/// - `checkInterrupt()` inside long waits (`sleep`, `wait`) so Ctrl-C raises `interrupted`,
/// - `storage` for per-session state (selected network, signer, caches), keyed by a string
///   the built-in chooses,
/// - `scriptArguments` (`ogpu FILE ARGS…`), `baseDirectory` (folder of the running file, or
///   the working folder in the REPL).
public final class CallContext {
    public let host: ScriptHost
    public var scriptArguments: [String]
    public var baseDirectory: String
    public var storage: [String: AnyObject] = [:]

    /// Current nesting of script function calls, and the limit beyond which a call raises
    /// `"overflow"` (§4: at least 10,000 must succeed; the evaluator thread has a 1 GiB stack).
    var depth = 0
    public var maxDepth = 20_000

    /// Raised by Ctrl-C from another thread; see `InterruptFlag` for why it is not an object.
    public let interruptFlag = InterruptFlag.allocate()

    /// Safe points left before the run stops with `interrupted` (robustness tests and fuzzing
    /// bound their runs with it; unlimited otherwise).
    var stepsLeft = Int.max
    /// `import` reads files; sandboxed runs (fuzzing) turn it off.
    var allowImports = true

    /// Frees reference cycles while the session runs, and the namespaces' when it ends.
    let cycles = CycleCollector()

    /// Where the arguments of the session's compiled calls are, for errors about one argument.
    let argumentSites = ArgumentSiteTable()

    /// Files already imported (absolute paths) → the names they export, with their values.
    var imported: [String: [String: Value]] = [:]

    init(host: ScriptHost, arguments: [String], baseDirectory: String) {
        self.host = host
        self.scriptArguments = arguments
        self.baseDirectory = baseDirectory
    }

    deinit { interruptFlag.deallocate() }

    public func write(_ text: String) { host.write(text) }
    public func writeError(_ text: String) { host.writeError(text) }
    public var isTerminal: Bool { host.isTerminal }

    /// Raises the interrupt flag. From another thread, raise `interruptFlag` itself instead: this
    /// call retains the context, which the evaluator's non-atomic reference counting does not allow.
    public func interrupt() { interruptFlag.raise() }

    public var isInterrupted: Bool { interruptFlag.isRaised }

    /// Raises `interrupted` (and clears the flag, so the REPL can go on) if Ctrl-C was pressed.
    @inline(__always)
    public func checkInterrupt() throws {
        stepsLeft &-= 1
        if stepsLeft < 0 {
            stepsLeft = 0
            throw CallContext.interruption("step budget exhausted")
        }
        if interruptFlag.isRaised {
            interruptFlag.lower()
            throw CallContext.interruption("interrupted")
        }
    }

    /// Made out of line: this check is inlined into every loop and call, and building the error
    /// there would cost those paths registers and instructions.
    @inline(never)
    static func interruption(_ message: String) -> ScriptError { ScriptError(.interrupted, message) }

    func clearInterrupt() { interruptFlag.lower() }

    /// Calls a script function or built-in with positional and named arguments.
    /// An error about one argument of this call points at that argument (see `argumentSites`).
    public func call(_ function: Value, _ arguments: [Value], named: [(name: String, value: Value)] = [],
                     at location: SourceLocation? = nil) throws -> Value {
        switch function {
        case .closure(let c):
            do { return try c.invoke(arguments, named: named, context: self, at: location) } catch var e as ScriptError where e.argument != nil {
                argumentSites.place(&e, call: location)
                throw e
            }
        case .builtin(let b):
            var args = Arguments(callee: b.name, positional: arguments, named: named, location: location)
            return try callBuiltin(b, &args, at: location)
        default:
            throw ScriptError(.type, "cannot call \(function.isNilValue ? "nil" : function.typeWithArticle)", at: location,
                              help: function.isNilValue ? "a missing map key reads as nil (`m.f`): check the key's spelling" : nil)
        }
    }

    /// Calls built-in `b` with `args` gathered for the call at `location` (a call site may reuse
    /// them: see `compileBuiltinCall`).
    @inline(__always)
    func callBuiltin(_ b: BuiltinFunction, _ args: inout Arguments, at location: SourceLocation?) throws -> Value {
        do { return try b.call(&args, self) } catch var e as ScriptError {
            argumentSites.place(&e, call: location)
            throw e
        }
    }

    /// `call(function, [x])` for built-ins that call back once per element (`map`, `filter`,
    /// `sort(key:)`): a script function of one parameter gets `x` straight in its frame, with no
    /// argument array (a callback cost ~1,400 instructions through `call`, ~400 here).
    public func call(_ function: Value, with x: Value) throws -> Value {
        if case .closure(let c) = function {
            let done: Value? = try c.protoRef._withUnsafeGuaranteedRef { p in
                guard p.parameterCount == 1 else { return nil }
                return try p.call(captures: c.captures, context: .passUnretained(self), at: nil) { frame in
                    // The frame's slots are all nil (see `FunctionProto.call`): no release before the store.
                    if p.simpleParameters { frame.slots.initialize(to: x) } else { frame.bind(x, p.parameterStorage[0]) }
                }
            }
            if let done { return done }
        }
        return try call(function, [x])
    }

    /// `call(function, [a, b])` without the argument array: see `call(_:with:)` (`reduce`).
    public func call(_ function: Value, with a: Value, _ b: Value) throws -> Value {
        if case .closure(let c) = function {
            let done: Value? = try c.protoRef._withUnsafeGuaranteedRef { p in
                guard p.parameterCount == 2 else { return nil }
                return try p.call(captures: c.captures, context: .passUnretained(self), at: nil) { frame in
                    if p.simpleParameters {
                        frame.slots.initialize(to: a) // nil slots: see `call(_:with:)`
                        (frame.slots + 1).initialize(to: b)
                    } else {
                        frame.bind(a, p.parameterStorage[0])
                        frame.bind(b, p.parameterStorage[1])
                    }
                }
            }
            if let done { return done }
        }
        return try call(function, [a, b])
    }

}
