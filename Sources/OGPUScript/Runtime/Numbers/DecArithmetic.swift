import BigInt

/// Arithmetic on `Dec`. Each operation first tries machine integers (the common case in scripts)
/// and falls back to `BigInt` only when a step would overflow.
extension Dec {
    /// Fractional digits kept when a quotient does not terminate.
    public static let divisionDigits = 30

    @inline(__always)
    public static func + (a: Dec, b: Dec) -> Dec {
        if case .small(let x) = a.mantissa, case .small(let y) = b.mantissa,
           let r = smallSum(x, a.scale, y, b.scale) {
            return r
        }
        return bigSum(a, b)
    }

    @inline(__always)
    public static func - (a: Dec, b: Dec) -> Dec {
        if case .small(let x) = a.mantissa, case .small(let y) = b.mantissa,
           let r = smallDifference(x, a.scale, y, b.scale) {
            return r
        }
        return bigDifference(a, b)
    }

    public static prefix func - (a: Dec) -> Dec {
        if case .small(let x) = a.mantissa, x != Int.min {
            return Dec(canonicalSmall: -x, scale: a.scale)
        }
        return Dec(mantissa: -a.bigMantissa, scale: a.scale)
    }

    @inline(__always)
    public static func * (a: Dec, b: Dec) -> Dec {
        if case .small(let x) = a.mantissa, case .small(let y) = b.mantissa,
           let r = smallProduct(x, a.scale, y, b.scale) {
            return r
        }
        return bigProduct(a, b)
    }

    // The word paths of `+`, `-`, `*`: canonical operands with word mantissas, nil when a step
    // overflows (the caller then redoes it in BigInt). They skip the trailing-zero strip where it
    // cannot find anything: when the scales differ, the finer operand (scale > 0, canonical) ends
    // in a non-zero digit and the other, shifted up to that scale, in a zero, so the sum or
    // difference ends in that non-zero digit and is canonical as it is. Equal scales can cancel
    // digits (0.15 + 0.05 = 0.2), and a product can end in zeros (0.5 × 0.2 = 0.10).
    // Callgrind, bench/lang/decimals: see the commit. Checked against the BigInt path on random
    // and edge operands (DecFastPathTests).

    @inline(__always)
    static func smallSum(_ x: Int, _ sx: Int, _ y: Int, _ sy: Int) -> Dec? {
        smallCombined(x, sx, y, sy) { $0.addingReportingOverflow($1) }
    }

    @inline(__always)
    static func smallDifference(_ x: Int, _ sx: Int, _ y: Int, _ sy: Int) -> Dec? {
        smallCombined(x, sx, y, sy) { $0.subtractingReportingOverflow($1) }
    }

    /// `+` or `-` (`combine`, overflow-checked) of the aligned word mantissas.
    @inline(__always)
    private static func smallCombined(_ x: Int, _ sx: Int, _ y: Int, _ sy: Int,
                                      _ combine: (Int, Int) -> (partialValue: Int, overflow: Bool)) -> Dec? {
        if sx == sy {
            let (r, o) = combine(x, y)
            if o { return nil }
            return sx == 0 ? Dec(canonicalSmall: r, scale: 0) : Dec(strippingSmall: r, scale: sx)
        }
        guard let (p, q, s) = alignedSmall(x, sx, y, sy) else { return nil }
        let (r, o) = combine(p, q)
        return o ? nil : Dec(canonicalSmall: r, scale: s)
    }

    @inline(__always)
    static func smallProduct(_ x: Int, _ sx: Int, _ y: Int, _ sy: Int) -> Dec? {
        let (r, o) = x.multipliedReportingOverflow(by: y)
        if o { return nil }
        let s = sx + sy
        return s == 0 ? Dec(canonicalSmall: r, scale: 0) : Dec(strippingSmall: r, scale: s)
    }

    /// `a + b` in BigInt (the operands or the sum need more than a word).
    @inline(never)
    static func bigSum(_ a: Dec, _ b: Dec) -> Dec {
        let (p, q, s) = aligned(a, b)
        return Dec(mantissa: p + q, scale: s)
    }

    /// `a - b` in BigInt.
    @inline(never)
    static func bigDifference(_ a: Dec, _ b: Dec) -> Dec {
        let (p, q, s) = aligned(a, b)
        return Dec(mantissa: p - q, scale: s)
    }

    /// `a * b` in BigInt.
    @inline(never)
    static func bigProduct(_ a: Dec, _ b: Dec) -> Dec {
        Dec(mantissa: a.bigMantissa * b.bigMantissa, scale: a.scale + b.scale)
    }

    public static func += (a: inout Dec, b: Dec) { a = a + b }
    public static func -= (a: inout Dec, b: Dec) { a = a - b }
    public static func *= (a: inout Dec, b: Dec) { a = a * b }

    /// `a / b`: exact when the quotient terminates, otherwise rounded half-even to
    /// `divisionDigits` fractional digits.
    public static func quotient(_ a: Dec, _ b: Dec) throws -> Dec {
        try divide(a, b, digits: divisionDigits)
    }

    /// `a / b` as `quotient`, or nil when `b` is zero.
    public static func divide(_ a: Dec, _ b: Dec) -> Dec? {
        try? divide(a, b, digits: divisionDigits)
    }

    public static func divide(_ a: Dec, _ b: Dec, digits: Int) throws -> Dec {
        if b.isZero { throw DecError.divisionByZero }
        if a.isZero { return .zero }
        if case .small(let x) = a.mantissa, case .small(let y) = b.mantissa, a.scale == b.scale {
            let (q, o) = x.dividedReportingOverflow(by: y)
            if !o && q &* y == x { return Dec(q) }
        }
        // a/b = (ma·10^sb) / (mb·10^sa)
        var n = a.bigMantissa * bigPowerOfTen(b.scale)
        var d = b.bigMantissa * bigPowerOfTen(a.scale)
        if d.sign == .minus { n = -n; d = -d }
        let g = n.magnitude.greatestCommonDivisor(with: d.magnitude)
        if g != 1 {
            n /= BigInt(g)
            d /= BigInt(g)
        }
        // The quotient terminates iff the reduced denominator is 2^x·5^y; it then has max(x, y)
        // fractional digits.
        var rest = d.magnitude
        let twos = rest.trailingZeroBitCount
        rest >>= twos
        var fives = 0
        let five = BigUInt(5)
        while true {
            let (q, r) = rest.quotientAndRemainder(dividingBy: five)
            if !r.isZero { break }
            rest = q
            fives += 1
        }
        if rest == 1 {
            let k = max(twos, fives)
            let factor = bigPowerOfTen(k) / d
            return Dec(mantissa: n * factor, scale: k)
        }
        return roundedQuotient(n, d, digits: digits)
    }

    /// n/d (d > 0) rounded half-even to `digits` fractional digits.
    static func roundedQuotient(_ n: BigInt, _ d: BigInt, digits: Int) -> Dec {
        let scaled = digits >= 0 ? n * bigPowerOfTen(digits) : n
        let divisor = digits >= 0 ? d : d * bigPowerOfTen(-digits)
        var (q, r) = scaled.quotientAndRemainder(dividingBy: divisor)
        if !r.isZero {
            let twice = r.magnitude * 2
            if twice > divisor.magnitude || (twice == divisor.magnitude && !(q.magnitude % 2).isZero) {
                q += (r.sign == .minus) ? -1 : 1
            }
        }
        return Dec(mantissa: q, scale: digits)
    }

    /// `a // b`: the largest integer not greater than a/b (Python's floor division).
    public static func floorDivide(_ a: Dec, _ b: Dec) throws -> Dec {
        if b.isZero { throw DecError.divisionByZero }
        if case .small(let x) = a.mantissa, case .small(let y) = b.mantissa,
           let (p, q, _) = alignedSmall(x, a.scale, y, b.scale),
           let f = Dec.floorDiv(p, q) {
            return Dec(f)
        }
        let (p, q, _) = aligned(a, b)
        return Dec(floorDivRem(p, q).0)
    }

    /// `a % b`: `a - b * (a // b)`, so the result has the sign of `b` (as in Python).
    public static func remainder(_ a: Dec, _ b: Dec) throws -> Dec {
        if b.isZero { throw DecError.divisionByZero }
        if case .small(let x) = a.mantissa, case .small(let y) = b.mantissa,
           let (p, q, s) = alignedSmall(x, a.scale, y, b.scale),
           let m = Dec.floorMod(p, q) {
            return Dec(small: m, scale: s)
        }
        let (p, q, s) = aligned(a, b)
        return Dec(mantissa: floorDivRem(p, q).1, scale: s)
    }

    /// Floor division of machine ints; nil only for `Int.min // -1`.
    public static func floorDiv(_ a: Int, _ b: Int) -> Int? {
        let (q, o) = a.dividedReportingOverflow(by: b)
        if o { return nil }
        let r = a &- q &* b
        return (r != 0 && ((r < 0) != (b < 0))) ? q - 1 : q
    }

    /// Remainder matching `floorDiv` (sign of the divisor); nil only for `Int.min % -1`.
    public static func floorMod(_ a: Int, _ b: Int) -> Int? {
        let (r, o) = a.remainderReportingOverflow(dividingBy: b)
        if o { return nil }
        return (r != 0 && ((r < 0) != (b < 0))) ? r + b : r
    }

    /// Floor quotient and matching remainder of big integers (b != 0).
    public static func floorDivRem(_ a: BigInt, _ b: BigInt) -> (BigInt, BigInt) {
        var (q, r) = a.quotientAndRemainder(dividingBy: b)
        if !r.isZero && ((r.sign == .minus) != (b.sign == .minus)) {
            q -= 1
            r += b
        }
        return (q, r)
    }

    /// Largest result (in bits) that `**` will build before refusing with `exponentTooLarge`.
    public static let maxPowerBits = 4_000_000

    /// `a ** n` for an integer exponent. A negative exponent divides (`2 ** -1` is 0.5).
    public static func power(_ a: Dec, _ n: Int) throws -> Dec {
        if n == 0 { return .one }
        if n < 0 {
            if a.isZero { throw DecError.divisionByZero }
            guard n != Int.min else { throw DecError.exponentTooLarge }
            return try quotient(.one, power(a, -n))
        }
        if a.isZero || a == .one { return a }
        if a == Dec(-1) { return n % 2 == 0 ? .one : a }
        let m = a.bigMantissa
        let bits = m.magnitude.bitWidth
        let (totalBits, bitsOverflow) = bits.multipliedReportingOverflow(by: n)
        let (totalScale, scaleOverflow) = a.scale.multipliedReportingOverflow(by: n)
        let maxBits = min(maxPowerBits, Operators.maxIntegerBits)
        guard n <= maxBits, !bitsOverflow, totalBits <= maxBits, !scaleOverflow, totalScale <= maxPowerBits else {
            throw DecError.exponentTooLarge
        }
        if case .small(let x) = a.mantissa, let r = Dec.smallPower(x, n) {
            return Dec(small: r, scale: a.scale * n)
        }
        return Dec(mantissa: m.power(n), scale: a.scale * n)
    }

    /// `base ** exp` in machine ints, nil on overflow.
    public static func smallPower(_ base: Int, _ exp: Int) -> Int? {
        var result = 1
        var b = base
        var e = exp
        while e > 0 {
            if e & 1 == 1 {
                let (r, o) = result.multipliedReportingOverflow(by: b)
                if o { return nil }
                result = r
            }
            e >>= 1
            if e > 0 {
                let (sq, o) = b.multipliedReportingOverflow(by: b)
                if o { return nil }
                b = sq
            }
        }
        return result
    }

    /// Rounded half to even at `digits` fractional digits (negative: to tens, hundreds, …).
    public func rounded(digits: Int) -> Dec {
        if scale <= digits { return self }
        if digits < 0 {
            // |x| < 10^integerDigits, so rounding at a coarser place than that gives 0.
            let integerDigits = bigMantissa.magnitude.description.count - scale
            if -digits > integerDigits { return .zero }
        }
        let drop = scale - digits
        let unit = Dec.bigPowerOfTen(drop)
        var (q, r) = bigMantissa.quotientAndRemainder(dividingBy: unit)
        if !r.isZero {
            let twice = r.magnitude * 2
            if twice > unit.magnitude || (twice == unit.magnitude && !(q.magnitude % 2).isZero) {
                q += (r.sign == .minus) ? -1 : 1
            }
        }
        return Dec(mantissa: q, scale: digits)
    }

    /// The largest integer not greater than the value.
    public var floorInteger: BigInt {
        if scale == 0 { return bigMantissa }
        return Dec.floorDivRem(bigMantissa, Dec.bigPowerOfTen(scale)).0
    }
}
