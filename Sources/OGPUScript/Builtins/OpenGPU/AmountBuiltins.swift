import BigInt

/// `ogpu`, `gwei`, `wei`, `estimate_payment` (§2, §6): amounts are whole wei, never negative.
enum AmountBuiltins {
    static let all: [BuiltinFunction] = [ogpu, gwei, wei, estimatePayment]

    /// wei for `x` units of 10^decimals wei; exact or a `"value"` error.
    static func wei(_ v: Value, decimals: Int, _ args: Arguments) throws -> BigUInt {
        let d: Dec
        switch v {
        case .string(let s):
            guard let p = Dec(parsing: s) else { throw ScriptError(.value, "\(args.callee)(): `\(s)` is not a number") }
            d = p
        case .amount:
            throw ScriptError(.type, "\(args.callee)() expects a number, got an amount (it already is one)")
        default:
            guard let n = v.decValue else { throw args.typeError("x", expected: "a number", got: v) }
            d = n
        }
        if d.isNegative { throw ScriptError(.value, "\(args.callee)(\(d)): an amount cannot be negative") }
        if d.scale > decimals {
            throw ScriptError(.value, "\(args.callee)(\(d)) is finer than 1 wei (at most \(decimals) decimal places)")
        }
        return (d.bigMantissa * Dec.bigPowerOfTen(decimals - d.scale)).magnitude
    }

    /// `ogpu(x)`, `gwei(x)`, `wei(x)` of a non-negative int or short dec, in machine words and
    /// with no argument arrays (`quickUnary`); nil for anything else, which the full call
    /// converts or rejects with its error.
    static func quickWei(_ v: Value, decimals: Int) -> Value? {
        let m: Int, scale: Int
        switch v {
        case .int(let i): (m, scale) = (i, 0)
        case .dec(let d):
            guard case .small(let x) = d.mantissa else { return nil }
            (m, scale) = (x, d.scale)
        default: return nil
        }
        guard m >= 0, scale <= decimals else { return nil }
        let (w, o) = UInt(m).multipliedReportingOverflow(by: UInt(Dec.smallPowers[decimals - scale]))
        return o ? nil : .amount(Wei(w))
    }

    static let ogpu = BuiltinFunction("ogpu", doc: """
        ogpu(x) is an amount of x OGPU (1 OGPU = 10^18 wei): `ogpu(0.01)`. More than 18 decimal \
        places, or a negative x, is a "value" error. Amounts add, subtract, multiply and divide \
        by numbers, and print as `0.01 OGPU`; `a.wei` and `a.ogpu` read them back.
        """, quickUnary: { quickWei($0, decimals: 18) }) { args, _ in
        try args.noNamed(); try args.expectCount(1, 1)
        return .amount(try wei(args.positional[0], decimals: 18, args))
    }

    static let gwei = BuiltinFunction("gwei", doc: """
        gwei(x) is an amount of x gwei (10^9 wei), e.g. a gas price: `gwei(1.5)`.
        """, quickUnary: { quickWei($0, decimals: 9) }) { args, _ in
        try args.noNamed(); try args.expectCount(1, 1)
        return .amount(try wei(args.positional[0], decimals: 9, args))
    }

    static let wei = BuiltinFunction("wei", doc: """
        wei(n) is an amount of n wei, the smallest unit (an integer).
        """, quickUnary: { quickWei($0, decimals: 0) }) { args, _ in
        try args.noNamed(); try args.expectCount(1, 1)
        return .amount(try wei(args.positional[0], decimals: 0, args))
    }

    static let estimatePayment = BuiltinFunction("estimate_payment", doc: """
        estimate_payment(level) suggests a task payment: "simple" is ogpu(0.001), "medium" \
        ogpu(0.01), "complex" ogpu(0.1).
        """) { args, _ in
        try args.noNamed(); try args.expectCount(1, 1)
        let level = try args.string(0, "level")
        let tiers: [String: Int] = ["simple": 15, "medium": 16, "complex": 17]
        guard let exp = tiers[level] else {
            throw ScriptError(.value, "estimate_payment(): level must be \"simple\", \"medium\" or \"complex\", got \"\(level)\"")
        }
        return .amount(BigUInt(10).power(exp))
    }
}
