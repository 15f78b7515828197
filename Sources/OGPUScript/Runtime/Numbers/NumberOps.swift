import BigInt

public enum ArithmeticOperator: String {
    case add = "+", sub = "-", mul = "*", div = "/", floorDiv = "//", mod = "%", pow = "**"

    /// The verb used in error messages: "cannot add amount and int".
    var verb: String {
        switch self {
        case .add: return "add"
        case .sub: return "subtract"
        case .mul: return "multiply"
        case .div, .floorDiv: return "divide"
        case .mod: return "take the remainder of"
        case .pow: return "raise"
        }
    }
}

/// Arithmetic, order and equality for decs, durations, times and amounts (§2, §3). The evaluator
/// handles int⊕int itself (fast path) and comes here for everything else.
public enum NumberOps {
    public static func binary(_ op: ArithmeticOperator, _ a: Value, _ b: Value) throws -> Value {
        // Decs with decs or ints first: the common shapes (prices, rates), with no big-integer
        // probing of the operands (as `default` below does).
        switch (a, b) {
        case (.dec(let x), .dec(let y)): return try decArithmetic(op, x, y, bothInts: false)
        case (.dec(let x), .int(let i)): return try decArithmetic(op, x, Dec(i), bothInts: false)
        case (.int(let i), .dec(let y)): return try decArithmetic(op, Dec(i), y, bothInts: false)
        default: break
        }
        switch (a, b) {
        case (.amount, _), (_, .amount):
            return try amountArithmetic(op, a, b)
        case (.duration, _), (_, .duration), (.time, _), (_, .time):
            return try timeArithmetic(op, a, b)
        default:
            guard let x = a.decValue, let y = b.decValue else { throw mismatch(op, a, b) }
            return try decArithmetic(op, x, y, bothInts: a.bigIntValue != nil && b.bigIntValue != nil)
        }
    }

    /// `a + b` for the inline shapes that cannot fail (word amounts, durations, decs with decs or
    /// ints), read without copying the operands into tuples as `binary` does; nil for anything
    /// else. Same results as `binary`. Callgrind: bench/lang/amounts 305 M -> 247 M instructions
    /// with these three, bench/lang/decimals 495 M -> 400 M.
    @inline(__always)
    static func quickAdd(_ a: Value, _ b: Value) -> Value? {
        switch a {
        case .dec(let x):
            if case .dec(let y) = b { return .dec(x + y) }
            if case .int(let i) = b { return .dec(x + Dec(i)) }
        case .amount(.small(let p)):
            if case .amount(.small(let q)) = b {
                let (s, o) = p.addingReportingOverflow(q)
                if !o { return .amount(.small(s)) }
            }
        case .duration(let x):
            if case .duration(let y) = b { return .duration(x + y) }
        case .int(let i):
            if case .dec(let y) = b { return .dec(Dec(i) + y) }
        default: break
        }
        return nil
    }

    /// `a - b` for decs (with decs or ints), durations and word amounts (not below zero), as `quickAdd`.
    @inline(__always)
    static func quickSubtract(_ a: Value, _ b: Value) -> Value? {
        switch a {
        case .dec(let x):
            if case .dec(let y) = b { return .dec(x - y) }
            if case .int(let i) = b { return .dec(x - Dec(i)) }
        case .duration(let x):
            if case .duration(let y) = b { return .duration(x - y) }
        case .amount(.small(let p)):
            if case .amount(.small(let q)) = b, p >= q { return .amount(.small(p - q)) }
        case .int(let i):
            if case .dec(let y) = b { return .dec(Dec(i) - y) }
        default: break
        }
        return nil
    }

    /// `a * b` for two decs (or a dec and an int) with word mantissas whose product fits a word,
    /// or a word amount times a non-negative int or a duration times an int (either side), as `quickAdd`; nil
    /// for anything else (and on overflow or past `Dec.maxScale`), which `binary` then does or
    /// reports.
    @inline(__always)
    static func quickMultiply(_ a: Value, _ b: Value) -> Value? {
        if case .dec(let x) = a, case .small(let p) = x.mantissa {
            let q: Int, sy: Int
            switch b {
            case .dec(let y):
                guard case .small(let m) = y.mantissa, x.scale + y.scale <= Dec.maxScale else { return nil }
                (q, sy) = (m, y.scale)
            case .int(let k): (q, sy) = (k, 0)
            default: return nil
            }
            return Dec.smallProduct(p, x.scale, q, sy).map { .dec($0) }
        }
        let k: Int, other: Value
        if case .int(let i) = b { (k, other) = (i, a) } else if case .int(let i) = a { (k, other) = (i, b) } else { return nil }
        switch other {
        case .dec(let y):
            guard case .small(let m) = y.mantissa else { return nil }
            return Dec.smallProduct(k, 0, m, y.scale).map { .dec($0) }
        case .amount(.small(let p)):
            return amountTimesInt(p, k).map { .amount(.small($0)) }
        case .duration(let x):
            return .duration(x * Dec(k))
        default:
            return nil
        }
    }

    /// A word amount times a non-negative int, or nil (a negative int, or the product does not fit
    /// a word: `binary` then does or reports it).
    @inline(__always)
    static func amountTimesInt(_ p: UInt, _ k: Int) -> UInt? {
        guard k >= 0 else { return nil }
        let (s, o) = p.multipliedReportingOverflow(by: UInt(k))
        return o ? nil : s
    }

    static func mismatch(_ op: ArithmeticOperator, _ a: Value, _ b: Value) -> ScriptError {
        if op == .pow { return ScriptError(.type, "cannot raise a \(a.typeName) to a \(b.typeName)") }
        return ScriptError(.type, "cannot \(op.verb) \(a.typeName) and \(b.typeName)",
                           help: ScriptError.amountHelp(a, b) ?? ScriptError.nilOperandHelp(a, b))
    }

    static func decArithmetic(_ op: ArithmeticOperator, _ x: Dec, _ y: Dec, bothInts: Bool) throws -> Value {
        func wrap(_ d: Dec) -> Value { bothInts && d.isInteger ? Value.integer(d.truncatedInteger) : .dec(d) }
        do {
            switch op {
            case .add: return wrap(x + y)
            case .sub: return wrap(x - y)
            case .mul:
                if case .small = x.mantissa, case .small = y.mantissa {} else {
                    try Operators.checkProduct(bits: x.bigMantissa.magnitude.bitWidth, y.bigMantissa.magnitude.bitWidth)
                }
                return wrap(try product(x, y))
            case .div: return .dec(try Dec.quotient(x, y))
            case .floorDiv: return wrap(try Dec.floorDivide(x, y))
            case .mod: return wrap(try Dec.remainder(x, y))
            case .pow:
                guard y.isInteger, let e = Int(exactly: y.truncatedInteger) else {
                    throw ScriptError(.value, "`**` needs an integer exponent, got \(y)")
                }
                return wrap(try Dec.power(x, e))
            }
        } catch let e as DecError {
            throw ScriptError(.value, e.description)
        }
    }

    /// `x * y`, or a `"value"` error when the product would have more than `Dec.maxScale`
    /// fractional digits (squaring 0.1 forty times does not take long).
    static func product(_ x: Dec, _ y: Dec) throws -> Dec {
        if x.scale + y.scale > Dec.maxScale {
            throw ScriptError(.value, "number too precise (more than \(Dec.maxScale) decimal places)")
        }
        return x * y
    }

    // MARK: Amounts (wei)

    static let weiPerOGPU = BigInt(10).power(18)

    /// An amount from a signed wei count: negative amounts do not exist.
    static func amount(_ wei: BigInt, _ what: String) throws -> Value {
        if wei.sign == .minus && !wei.isZero {
            throw ScriptError(.value, "\(what) would make a negative amount")
        }
        return .amount(wei.magnitude)
    }

    static func amountArithmetic(_ op: ArithmeticOperator, _ a: Value, _ b: Value) throws -> Value {
        if let r = wordAmountArithmetic(op, a, b) { return r }
        switch (op, a, b) {
        case (.add, .amount(let x), .amount(let y)):
            return .amount(x.big + y.big)
        case (.sub, .amount(let x), .amount(let y)):
            return try amount(BigInt(x.big) - BigInt(y.big), "subtracting \(AmountFormat.format(y.big)) from \(AmountFormat.format(x.big))")
        case (.mul, .amount(let x), _) where b.isNumber:
            return try scale(x.big, by: b.decValue!)
        case (.mul, _, .amount(let y)) where a.isNumber:
            return try scale(y.big, by: a.decValue!)
        case (.div, .amount(let x), _) where b.isNumber:
            let d = b.decValue!
            if d.isZero { throw ScriptError(.value, "division by zero") }
            // Whole wei, rounded down: (x·10^s) // m for d = m/10^s.
            let q = Dec.floorDivRem(BigInt(x.big) * Dec.bigPowerOfTen(d.scale), d.bigMantissa).0
            return try amount(q, "dividing by a negative number")
        case (.div, .amount(let x), .amount(let y)):
            if y.isZero { throw ScriptError(.value, "division by zero") }
            return .dec(try Dec.quotient(Dec(BigInt(x.big)), Dec(BigInt(y.big))))
        default:
            if case .amount = a, b.isNumber {
                throw ScriptError(.type, "cannot \(op.verb) amount and \(b.typeName)", help: ScriptError.amountHelp(a, b))
            }
            throw mismatch(op, a, b)
        }
    }

    /// A word amount (below 2^64 wei) divided by a positive int, in machine words; nil otherwise.
    /// (Word amounts added, subtracted and multiplied by an int never get here: `Operators`
    /// does them first, through `quickAdd`, `quickSubtract` and `quickMultiply`.)
    @inline(__always)
    static func wordAmountArithmetic(_ op: ArithmeticOperator, _ a: Value, _ b: Value) -> Value? {
        guard op == .div, case .amount(.small(let p)) = a, case .int(let k) = b, k > 0 else { return nil }
        return .amount(Wei(p / UInt(k)))
    }

    /// wei × factor, rounded down to whole wei.
    static func scale(_ wei: BigUInt, by factor: Dec) throws -> Value {
        let product = BigInt(wei) * factor.bigMantissa
        let w = factor.scale == 0 ? product : Dec.floorDivRem(product, Dec.bigPowerOfTen(factor.scale)).0
        return try amount(w, "multiplying by a negative number")
    }

    // MARK: Durations (seconds) and times (unix seconds)

    static func timeArithmetic(_ op: ArithmeticOperator, _ a: Value, _ b: Value) throws -> Value {
        do {
            switch (op, a, b) {
            case (.add, .duration(let x), .duration(let y)): return .duration(x + y)
            case (.sub, .duration(let x), .duration(let y)): return .duration(x - y)
            case (.mul, .duration(let x), _) where b.isNumber: return .duration(try product(x, b.decValue!))
            case (.mul, _, .duration(let y)) where a.isNumber: return .duration(try product(a.decValue!, y))
            case (.div, .duration(let x), _) where b.isNumber: return .duration(try Dec.quotient(x, b.decValue!))
            case (.div, .duration(let x), .duration(let y)): return .dec(try Dec.quotient(x, y))
            case (.floorDiv, .duration(let x), .duration(let y)): return Value.integer(try Dec.floorDivide(x, y).truncatedInteger)
            case (.mod, .duration(let x), .duration(let y)): return .duration(try Dec.remainder(x, y))
            case (.add, .time(let t), .duration(let d)), (.add, .duration(let d), .time(let t)): return .time(t + d)
            case (.sub, .time(let t), .duration(let d)): return .time(t - d)
            case (.sub, .time(let x), .time(let y)): return .duration(x - y)
            default: throw mismatch(op, a, b)
            }
        } catch let e as DecError {
            throw ScriptError(.value, e.description)
        }
    }

    // MARK: Order, equality, negation

    /// -1, 0 or 1 for numbers (mixed int/dec), durations, times and amounts; a `"type"` error otherwise.
    public static func compare(_ a: Value, _ b: Value) throws -> Int {
        switch (a, b) {
        case (.duration(let x), .duration(let y)), (.time(let x), .time(let y)):
            return Dec.compare(x, y)
        case (.amount(let x), .amount(let y)):
            return x < y ? -1 : (x == y ? 0 : 1)
        default:
            guard let x = a.decValue, let y = b.decValue else {
                throw ScriptError(.type, "cannot compare \(a.typeName) with \(b.typeName)", help: ScriptError.amountHelp(a, b))
            }
            return Dec.compare(x, y)
        }
    }

    /// Equality for the values this file knows; nil means "not mine" (the caller decides).
    public static func equal(_ a: Value, _ b: Value) -> Bool? {
        switch (a, b) {
        case (.duration(let x), .duration(let y)), (.time(let x), .time(let y)): return x == y
        case (.amount(let x), .amount(let y)): return x == y
        default:
            guard let x = a.decValue, let y = b.decValue else { return nil }
            return x == y
        }
    }

    public static func negate(_ a: Value) throws -> Value {
        switch a {
        case .int(let x): return x == .min ? .bigInt(-BigInt(x)) : .int(-x)
        case .bigInt(let b): return Value.integer(-b)
        case .dec(let d): return .dec(-d)
        case .duration(let d): return .duration(-d)
        case .amount(let w) where w.isZero: return a
        case .amount: throw ScriptError(.value, "an amount cannot be negative")
        default: throw ScriptError(.type, "cannot negate a \(a.typeName)")
        }
    }
}
