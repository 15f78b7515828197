import BigInt

// STOPGAP (lang-core) — minimal stand-ins so the evaluator builds and runs before lang-values'
// work is merged. lang-values: when you have merged lang-core and your own `Dec` (Runtime/Numbers),
// `ValueFormat` (Runtime/Format) and `Builtins` (Builtins/) exist, DELETE THIS WHOLE FILE.
// The evaluator uses exactly these names and signatures:
//
//   struct Dec: Equatable, Comparable, Hashable, CustomStringConvertible
//     init(_ i: Int); init(_ b: BigInt); init?(parsing: String)   // "1.5", "1.5e3", "1_000.5"
//     static + - * ; static func divide(_ a: Dec, _ b: Dec) -> Dec? (nil when b == 0)
//     var isInteger: Bool; var truncatedInteger: BigInt; static prefix -
//   enum ValueFormat
//     static func printed(_ v: Value) -> String   // how `print` shows v (strings raw)
//     static func quoted(_ v: Value) -> String    // how v shows inside a list/map/REPL echo (strings quoted)
//   enum NumberOps   (dec / duration / time / amount arithmetic; ints are handled by the evaluator)
//     static func binary(_ op: ArithmeticOperator, _ a: Value, _ b: Value) throws -> Value
//     static func compare(_ a: Value, _ b: Value) throws -> Int   // -1/0/1; throws type error if unordered
//     static func equal(_ a: Value, _ b: Value) -> Bool?          // nil: "not numbers of mine, ask elsewhere"
//     static func negate(_ a: Value) throws -> Value
//   enum Builtins
//     static var all: [BuiltinFunction]

public struct Dec: Equatable, Comparable, Hashable, CustomStringConvertible {
    var mantissa: BigInt
    var scale: Int // value = mantissa / 10^scale

    public init(_ i: Int) { mantissa = BigInt(i); scale = 0 }
    public init(_ b: BigInt) { mantissa = b; scale = 0 }
    init(mantissa: BigInt, scale: Int) {
        var m = mantissa, s = scale
        while s > 0 && m % 10 == 0 { m /= 10; s -= 1 }
        self.mantissa = m; self.scale = s
    }
    public init?(parsing text: String) {
        let t = text.replacingOccurrences(of: "_", with: "").lowercased()
        var base = t, exp = 0
        if let e = t.firstIndex(of: "e") {
            base = String(t[..<e]); guard let x = Int(t[t.index(after: e)...]) else { return nil }; exp = x
        }
        var digits = base, s = 0
        if let dot = base.firstIndex(of: ".") {
            s = base.distance(from: dot, to: base.endIndex) - 1
            digits.remove(at: dot)
        }
        guard var m = BigInt(digits) else { return nil }
        s -= exp
        if s < 0 { m *= BigInt(10).power(-s); s = 0 }
        self.init(mantissa: m, scale: s)
    }
    private static func align(_ a: Dec, _ b: Dec) -> (BigInt, BigInt, Int) {
        let s = max(a.scale, b.scale)
        return (a.mantissa * BigInt(10).power(s - a.scale), b.mantissa * BigInt(10).power(s - b.scale), s)
    }
    public static func + (a: Dec, b: Dec) -> Dec { let (x, y, s) = align(a, b); return Dec(mantissa: x + y, scale: s) }
    public static func - (a: Dec, b: Dec) -> Dec { let (x, y, s) = align(a, b); return Dec(mantissa: x - y, scale: s) }
    public static func * (a: Dec, b: Dec) -> Dec { Dec(mantissa: a.mantissa * b.mantissa, scale: a.scale + b.scale) }
    public static prefix func - (a: Dec) -> Dec { Dec(mantissa: -a.mantissa, scale: a.scale) }
    public static func divide(_ a: Dec, _ b: Dec) -> Dec? {
        if b.mantissa == 0 { return nil }
        let (x, y, _) = align(a, b)
        let q = (x * BigInt(10).power(30)) / y
        return Dec(mantissa: q, scale: 30)
    }
    public static func < (a: Dec, b: Dec) -> Bool { let (x, y, _) = align(a, b); return x < y }
    public var isInteger: Bool { scale == 0 }
    public var truncatedInteger: BigInt { mantissa / BigInt(10).power(scale) }
    public var description: String {
        if scale == 0 { return mantissa.description }
        let neg = mantissa < 0
        var d = String(mantissa.magnitude)
        while d.count <= scale { d = "0" + d }
        d.insert(".", at: d.index(d.endIndex, offsetBy: -scale))
        return (neg ? "-" : "") + d
    }
}

public enum ArithmeticOperator: String { case add = "+", sub = "-", mul = "*", div = "/", floorDiv = "//", mod = "%", pow = "**" }

public enum ValueFormat {
    public static func printed(_ v: Value) -> String {
        switch v {
        case .string(let s): return s
        default: return quoted(v)
        }
    }
    public static func quoted(_ v: Value) -> String {
        switch v {
        case .null: return "nil"
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .bigInt(let b): return b.description
        case .dec(let d): return d.description
        case .string(let s): return "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"").replacingOccurrences(of: "\n", with: "\\n") + "\""
        case .address(let a): return a.description
        case .duration(let d): return "\(d)s"
        case .time(let t): return "time(\(t))"
        case .amount(let w): return "\(w) wei"
        case .list(let xs): return "[" + xs.map(quoted).joined(separator: ", ") + "]"
        case .map(let m): return "{" + m.pairs.map { "\($0): \(quoted($1))" }.joined(separator: ", ") + "}"
        case .range(let l, let u, let inc): return "\(l)\(inc ? "..=" : "..")\(u)"
        case .closure(let c): return "<fn \(c.proto.name)>"
        case .builtin(let b): return "<fn \(b.name)>"
        case .error(let e): return e.description
        case .handle(let h): return h.printed
        }
    }
}

public enum NumberOps {
    public static func binary(_ op: ArithmeticOperator, _ a: Value, _ b: Value) throws -> Value {
        guard let x = a.decValue, let y = b.decValue else {
            throw ScriptError(.type, "cannot apply `\(op.rawValue)` to \(a.typeName) and \(b.typeName)")
        }
        switch op {
        case .add: return .dec(x + y)
        case .sub: return .dec(x - y)
        case .mul: return .dec(x * y)
        case .div:
            guard let q = Dec.divide(x, y) else { throw ScriptError(.value, "division by zero") }
            return .dec(q)
        default: throw ScriptError(.type, "`\(op.rawValue)` on dec is not supported yet")
        }
    }
    public static func compare(_ a: Value, _ b: Value) throws -> Int {
        guard let x = a.decValue, let y = b.decValue else {
            throw ScriptError(.type, "cannot compare \(a.typeName) with \(b.typeName)")
        }
        return x < y ? -1 : (x == y ? 0 : 1)
    }
    public static func equal(_ a: Value, _ b: Value) -> Bool? {
        guard let x = a.decValue, let y = b.decValue else { return nil }
        return x == y
    }
    public static func negate(_ a: Value) throws -> Value {
        if case .dec(let d) = a { return .dec(-d) }
        throw ScriptError(.type, "cannot negate a \(a.typeName)")
    }
}

public enum Builtins {
    public static var all: [BuiltinFunction] {
        [
            BuiltinFunction("print", doc: "print(values...) writes values separated by spaces, then a newline.") { args, ctx in
                ctx.write(args.positional.map(ValueFormat.printed).joined(separator: " ") + "\n")
                return .null
            },
            BuiltinFunction("len", doc: "len(x)") { args, _ in
                switch try args.require(0, "x") {
                case .list(let xs): return .int(xs.count)
                case .string(let s): return .int(s.count)
                case .map(let m): return .int(m.count)
                case let v: throw args.typeError("x", expected: "a list, string or map", got: v)
                }
            },
            BuiltinFunction("push", doc: "push(list, x)", mutatesFirstArgument: true) { args, _ in
                let x = try args.require(1, "x")
                try args.modifyList(0, "list") { $0.append(x) }
                return .null
            },
            BuiltinFunction("str", doc: "str(x)") { args, _ in .string(ValueFormat.printed(try args.require(0, "x"))) },
            BuiltinFunction("type", doc: "type(x)") { args, _ in .string(try args.require(0, "x").typeName) },
            BuiltinFunction("error", doc: "error(kind, message, data: nil)") { args, _ in
                guard case .string(let k) = try args.require(0, "kind"), case .string(let m) = try args.require(1, "message") else {
                    throw ScriptError(.type, "error() expects strings")
                }
                return .error(ScriptError(kind: k, message: m, data: args.named("data")))
            },
            BuiltinFunction("map", doc: "map(list, f)") { args, ctx in
                guard case .list(let xs) = try args.require(0, "list") else { throw ScriptError(.type, "map() expects a list") }
                let f = try args.require(1, "f")
                return .list(try xs.map { try ctx.call(f, [$0]) })
            },
        ]
    }
}
