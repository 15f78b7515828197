import BigInt

/// `abs`, `round` (§5).
enum MathBuiltins {
    static let all: [BuiltinFunction] = [abs, round]

    static let abs = BuiltinFunction("abs", doc: "abs(x) is the magnitude of a number or duration: `abs(-2.5)` is 2.5.") { args, _ in
        try args.noNamed(); try args.expectCount(1, 1)
        switch args.positional[0] {
        case .int(let i): return i == .min ? .bigInt(BigInt(i).magnitude.asSigned) : .int(Swift.abs(i))
        case .bigInt(let b): return Value.integer(BigInt(b.magnitude))
        case .dec(let d): return .dec(d.magnitude)
        case .duration(let d): return .duration(d.magnitude)
        case .amount: return args.positional[0]
        case let v: throw args.typeError("x", expected: "a number or duration", got: v)
        }
    }

    static let round = BuiltinFunction("round", doc: """
        round(x, digits = 0) rounds half to even, as Python does: `round(2.5)` is 2, `round(3.5)` \
        is 4, `round(0.125, 2)` is 0.12. The result is an int only when digits is 0, \
        otherwise a dec; negative digits round to tens, hundreds, … (`round(1234.5, -2)` is the dec 1200).
        """) { args, _ in
        try args.allowNamed(["digits"]); try args.expectCount(1, 2)
        let bound = try args.bind(["x", "digits"])
        let x = bound[0]!
        let digits = try bound[1].map { try Arguments.int($0, "digits", callee: "round") } ?? 0
        guard let d = x.decValue else { throw args.typeError("x", expected: "a number", got: x) }
        let r = d.rounded(digits: digits)
        if digits == 0 { return Value.integer(r.truncatedInteger) }
        return .dec(r)
    }
}

private extension BigUInt {
    var asSigned: BigInt { BigInt(self) }
}
