/// Every built-in function (§5, §6), in one list the resolver installs into global slots.
public enum Builtins {
    /// Built once per process: built-ins keep no per-session state (that lives in `CallContext`).
    public static let all: [BuiltinFunction] =
        ConversionBuiltins.all + CollectionBuiltins.all + SequenceBuiltins.all + StringBuiltins.all
        + MathBuiltins.all + DataBuiltins.all + SystemBuiltins.all + ChainBuiltins.all
        + AmountBuiltins.all + TaskBuiltins.all + NetworkBuiltins.all + ConsoleReadBuiltins.all
        + ProviderBuiltins.all + EventBuiltins.all + ConsoleSendBuiltins.all

    /// `help(name)` text by name.
    static let docs: [String: String] = {
        var d: [String: String] = [:]
        for b in all { d[b.name] = b.doc }
        return d
    }()
}

/// Shared argument helpers for built-ins.
extension Arguments {
    /// Rejects any named argument (for built-ins that take none).
    func noNamed() throws { try allowNamed([]) }

    func string(_ i: Int, _ parameter: String) throws -> String {
        let v = try require(i, parameter)
        guard case .string(let s) = v else { throw typeError(parameter, expected: "a string", got: v, position: i) }
        return s
    }

    func int(_ i: Int, _ parameter: String) throws -> Int {
        let v = try require(i, parameter)
        do { return try Arguments.int(v, parameter, callee: callee) } catch var e as ScriptError {
            e.argument = about(parameter, position: i)
            throw e
        }
    }

    static func int(_ v: Value, _ parameter: String, callee: String) throws -> Int {
        switch v {
        case .int(let n): return n
        case .bigInt: throw ScriptError(.value, "\(callee)() argument `\(parameter)` is too large")
        case .dec(let d) where d.isInteger:
            guard let n = d.exactInt else { throw ScriptError(.value, "\(callee)() argument `\(parameter)` is too large") }
            return n
        default:
            throw ScriptError(.type, "\(callee)() expects an int for `\(parameter)`, got \(v.typeName)")
        }
    }

    func function(_ i: Int, _ parameter: String) throws -> Value {
        let v = try require(i, parameter)
        switch v {
        case .closure, .builtin: return v
        default: throw typeError(parameter, expected: "a function", got: v, position: i)
        }
    }
}

enum Sequences {
    /// The elements a `for` loop would visit: list items, range ints, map keys, string characters.
    static func elements(_ v: Value, _ args: Arguments, _ parameter: String) throws -> [Value] {
        switch v {
        case .list(let xs): return xs
        case .range(let l, let u, let inclusive):
            let n = rangeCount(l, u, inclusive)
            if n == 0 { return [] }
            guard n <= min(100_000_000, Operators.maxListCount) else { throw ScriptError(.value, "\(args.callee)(): range too long") }
            return (0..<n).map { .int(l + $0) }
        case .map(let m): return m.keys.map { .string($0) }
        case .string(let s): return s.map { .string(String($0)) }
        default: throw args.typeError(parameter, expected: "a list", got: v)
        }
    }
}

/// Number of ints in `l..u` / `l..=u`, saturating at `Int.max` (ranges may span all of Int).
func rangeCount(_ l: Int, _ u: Int, _ inclusive: Bool) -> Int {
    if u < l || (u == l && !inclusive) { return 0 }
    let (d, o) = u.subtractingReportingOverflow(l)
    if o { return Int.max }
    if !inclusive { return d }
    let (n, o2) = d.addingReportingOverflow(1)
    return o2 ? Int.max : n
}
