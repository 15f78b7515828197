/// A function written in Swift that scripts call like any other (§5, §6).
///
/// Registration: `Builtins.all` (in `Sources/OGPUScript/Builtins/`) lists every built-in. The
/// compiler gives each one a global cell by `name` once per session, and a call site holds that
/// cell, so a call never looks a name up. A script may shadow a built-in with its own `let`/`fn`
/// of the same name.
///
/// Calling convention: the evaluator gathers positional arguments (a trailing block is the
/// last positional), named arguments (in source order, duplicates already rejected), and
/// calls `call(&args, context)`. Both the command form (`print "hi", x`) and the pipeline
/// form (`x |> f(a)` = `f(x, a)`) arrive the same way.
public final class BuiltinFunction {
    public let name: String
    /// One paragraph for `help(name)`.
    public let doc: String
    /// True for built-ins that change their first argument in place (`push`). The resolver
    /// then requires that argument to be an assignable place (a `var`, or an element/field of
    /// one) and rejects a `let` at resolve time; the evaluator moves the value out of the place
    /// (so the list is uniquely referenced and appends are O(1)), calls, then stores
    /// `args.positional[0]` back into the place.
    public let mutatesFirstArgument: Bool
    public let call: (inout Arguments, CallContext) throws -> Value
    /// Optional shortcut for a call with exactly one positional argument and no named ones:
    /// the result, or nil to take the full `call` (which then also gives every error). Lets
    /// hot one-argument built-ins (`len`) skip building argument arrays.
    public let quickUnary: ((Value) -> Value?)?
    /// The same for two positional arguments (`split(line, ", ")`), taken by call sites that
    /// name the built-in (see `compileBuiltinCall`).
    public let quickBinary: ((Value, Value) -> Value?)?

    public init(_ name: String, doc: String, mutatesFirstArgument: Bool = false,
                quickUnary: ((Value) -> Value?)? = nil,
                quickBinary: ((Value, Value) -> Value?)? = nil,
                call: @escaping (inout Arguments, CallContext) throws -> Value) {
        self.name = name
        self.doc = doc
        self.mutatesFirstArgument = mutatesFirstArgument
        self.quickUnary = quickUnary
        self.quickBinary = quickBinary
        self.call = call
    }
}

/// Arguments of one built-in call, with helpers whose errors name the function and parameter.
public struct Arguments {
    /// Name of the called built-in (for messages).
    public let callee: String
    public var positional: [Value]
    /// Named arguments in source order (`f(1, timeout: 5m)`); names are unique.
    public var named: [(name: String, value: Value)]
    /// The call site.
    public let location: SourceLocation?

    public init(callee: String, positional: [Value], named: [(name: String, value: Value)] = [], location: SourceLocation? = nil) {
        self.callee = callee
        self.positional = positional
        self.named = named
        self.location = location
    }

    public var count: Int { positional.count }

    /// Positional argument `i`, or nil when absent.
    public func positional(_ i: Int) -> Value? { i < positional.count ? positional[i] : nil }

    /// Named argument `name`, or nil when absent.
    public func named(_ name: String) -> Value? {
        for (n, v) in named where n == name { return v }
        return nil
    }

    /// Positional argument `i` which must be present: `"value"` error naming `parameter` if not.
    public func require(_ i: Int, _ parameter: String) throws -> Value {
        guard i < positional.count else {
            throw ScriptError(.value, "\(callee)() is missing its argument `\(parameter)`", help: "see `help(\"\(callee)\")`")
        }
        return positional[i]
    }

    /// Rejects fewer than `min` or more than `max` positional arguments.
    public func expectCount(_ min: Int, _ max: Int? = nil) throws {
        if positional.count < min {
            throw ScriptError(.value, "\(callee)() takes at least \(min) argument\(min == 1 ? "" : "s"), got \(positional.count)")
        }
        if let max, positional.count > max {
            throw ScriptError(.value, "\(callee)() takes at most \(max) argument\(max == 1 ? "" : "s"), got \(positional.count)",
                              argument: ArgumentRef(position: max), help: "see `help(\"\(callee)\")`")
        }
    }

    /// Rejects named arguments not in `allowed` with a `"name"` error naming the label.
    public func allowNamed(_ allowed: Set<String>) throws {
        for (n, _) in named where !allowed.contains(n) {
            throw ScriptError(.name, "\(callee)() has no parameter named `\(n)`", argument: ArgumentRef(label: n, atLabel: true),
                              help: ScriptError.parameterHelp(n, allowed.sorted()))
        }
    }

    /// Binds positional then named arguments to `parameters` (by position, then by label), as
    /// script functions do. Errors: too many positionals, unknown label, label given twice.
    public func bind(_ parameters: [String]) throws -> [Value?] {
        if positional.count > parameters.count {
            throw ScriptError(.value, "\(callee)() takes at most \(parameters.count) argument\(parameters.count == 1 ? "" : "s"), got \(positional.count)",
                              argument: ArgumentRef(position: parameters.count), help: "see `help(\"\(callee)\")`")
        }
        var out = [Value?](repeating: nil, count: parameters.count)
        for (i, v) in positional.enumerated() { out[i] = v }
        for (n, v) in named {
            guard let i = parameters.firstIndex(of: n) else {
                throw ScriptError(.name, "\(callee)() has no parameter named `\(n)`", argument: ArgumentRef(label: n, atLabel: true),
                                  help: ScriptError.parameterHelp(n, parameters))
            }
            if out[i] != nil {
                throw ScriptError(.name, "\(callee)() got parameter `\(n)` twice", argument: ArgumentRef(label: n, atLabel: true),
                                  help: "`\(n)` is also given by position; pass it once")
            }
            out[i] = v
        }
        return out
    }

    /// A type error naming the parameter, e.g. `len() expects a list, string or map for `x`, got int`.
    /// It points at the argument: the named one, the positional one at `position`, or else the
    /// only positional argument equal to `got`.
    public func typeError(_ parameter: String, expected: String, got: Value, position: Int? = nil) -> ScriptError {
        ScriptError(.type, "\(callee)() expects \(expected) for `\(parameter)`, got \(got.typeName)",
                    argument: about(parameter, position: position, value: got))
    }

    /// The argument that gave `parameter` (see `typeError`).
    public func about(_ parameter: String, position: Int? = nil, value: Value? = nil) -> ArgumentRef {
        if named(parameter) != nil { return ArgumentRef(label: parameter) }
        if let position { return ArgumentRef(position: position) }
        if let value {
            let matches = positional.indices.filter { Operators.equal(positional[$0], value) }
            if matches.count == 1 { return ArgumentRef(position: matches[0]) }
        }
        return ArgumentRef(label: parameter)
    }

    /// For mutating built-ins (`push`): edit the list in positional slot `i` in place without
    /// copying it. Type error if it is not a list.
    public mutating func modifyList(_ i: Int, _ parameter: String, _ body: (inout [Value]) throws -> Void) throws {
        guard case .list(var items) = try require(i, parameter) else {
            throw typeError(parameter, expected: "a list", got: positional[i], position: i)
        }
        positional[i] = .null // drop the second reference so `items` is unique
        defer { positional[i] = .list(items) }
        try body(&items)
    }
}
