/// An int, or a dec or duration with a word mantissa, taken apart: what the compiled `+ - *`
/// combine in machine words without going through `Operators` (`price * 1.05`, `waited + 1s`,
/// `250ms * n`). A constant operand is taken apart once, when the operator is compiled.
///
/// A word number holds no reference, so an update of a slot holding one stores its result
/// without releasing the old value. Same results as `NumberOps.quickAdd` … and the general path
/// (DecFastPathTests, SelfUpdateTests).
struct WordNumber {
    enum Kind { case int, dec, duration }

    let mantissa: Int
    let scale: Int
    let kind: Kind

    /// The number as a `Value` again (an operator's general path, which only errors and
    /// overflow take, rebuilds its constant rather than capturing it beside the parts).
    var value: Value {
        if kind == .int { return .int(mantissa) }
        let d = Dec(canonicalSmall: mantissa, scale: scale)
        return kind == .dec ? .dec(d) : .duration(d)
    }

    /// `+` and `-`: a dec with a dec or an int is a dec, a duration with a duration a duration
    /// (as `NumberOps.binary`); two ints and anything else go the general way.
    @inline(__always)
    static func sumKind(_ a: Kind, _ b: Kind) -> Kind? {
        switch (a, b) {
        case (.dec, .dec), (.dec, .int), (.int, .dec): return .dec
        case (.duration, .duration): return .duration
        default: return nil
        }
    }

    /// `*`: a dec with a dec or an int is a dec; a duration with a dec or an int a duration.
    @inline(__always)
    static func productKind(_ a: Kind, _ b: Kind) -> Kind? {
        switch (a, b) {
        case (.dec, .dec), (.dec, .int), (.int, .dec): return .dec
        case (.duration, .dec), (.duration, .int), (.dec, .duration), (.int, .duration): return .duration
        default: return nil
        }
    }
}

extension Value {
    /// A dec's word mantissa and scale, or nil for anything else: the narrower test for a dec
    /// constant's operator and for `x += e` (bench/lang/decimals: 144.5M instructions with it,
    /// 153.2M with `wordNumber` there).
    @inline(__always)
    var wordDec: (mantissa: Int, scale: Int)? {
        if case .dec(let d) = self, case .small(let m) = d.mantissa { return (m, d.scale) }
        return nil
    }

    /// A duration's word mantissa and scale, or nil for anything else: the one test a duration
    /// constant's `+` and `-` need (a duration with a duration, nothing else, stays a duration).
    @inline(__always)
    var wordDuration: (mantissa: Int, scale: Int)? {
        if case .duration(let d) = self, case .small(let m) = d.mantissa { return (m, d.scale) }
        return nil
    }

    /// The value as a word number, or nil. A getter borrows the value, so a slot is read in place.
    @inline(__always)
    var wordNumber: WordNumber? {
        switch self {
        case .int(let i): return WordNumber(mantissa: i, scale: 0, kind: .int)
        case .dec(let d):
            if case .small(let m) = d.mantissa { return WordNumber(mantissa: m, scale: d.scale, kind: .dec) }
        case .duration(let d):
            if case .small(let m) = d.mantissa { return WordNumber(mantissa: m, scale: d.scale, kind: .duration) }
        default: break
        }
        return nil
    }
}

extension IntArithmetic {
    /// `x op y` in machine words, or nil: the kinds do not combine here, or a step overflows.
    @inline(__always)
    static func words(_ x: WordNumber, _ y: WordNumber) -> Value? {
        guard let kind = resultKind(x.kind, y.kind),
              let d = decWords(x.mantissa, x.scale, y.mantissa, y.scale) else { return nil }
        return kind == .duration ? .duration(d) : .dec(d)
    }
}
