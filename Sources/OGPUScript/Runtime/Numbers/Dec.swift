import BigInt

/// An exact base-10 number: `mantissa × 10^-scale`. Never a binary float, so `0.1 + 0.2 == 0.3`.
///
/// Representation is canonical, which is what makes `==` and hashing by value cheap and correct:
/// `scale >= 0`; when `scale > 0` the mantissa has no trailing zero digit; zero has scale 0; and a
/// mantissa that fits in `Int` is always stored `.small` (so `.big` never holds a small value).
/// Most script numbers are small, so the common operations stay in machine integers and only fall
/// back to `BigInt` when an operation would overflow.
public struct Dec: Sendable {
    enum Mantissa: Sendable {
        case small(Int)
        /// Boxed: a `Dec` is then 24 bytes, and copying a small one is a plain copy plus one
        /// check instead of the outlined copy of an inline `BigInt` (decimals: ~25% fewer instructions).
        indirect case big(BigInt)
    }

    var mantissa: Mantissa
    /// `scale` in 32 bits, so that a `Dec` is 16 bytes and `Value` holds one inline (no heap box
    /// for each result: callgrind, bench/lang/decimals, see the commit). Script arithmetic stops at
    /// `maxScale` with an error (`NumberOps.product`); scales past 32 bits would need over 2 GB of digits.
    private var storedScale: Int32

    /// Number of fractional digits (the value is `mantissa / 10^scale`).
    public var scale: Int { Int(storedScale) }

    /// Most fractional digits a product may have (`0.1 ** 2**40` would otherwise be one mul away).
    public static let maxScale = 1_000_000_000

    @inline(__always)
    init(canonicalSmall m: Int, scale: Int) {
        assert(scale >= 0 && (scale == 0 || m % 10 != 0), "not canonical: \(m)e-\(scale)")
        self.mantissa = .small(m)
        self.storedScale = Int32(scale)
    }

    /// Any mantissa and scale (scale may be negative); normalizes.
    public init(mantissa: BigInt, scale: Int) {
        var m = mantissa
        var s = scale
        if s < 0 {
            m *= Dec.bigPowerOfTen(-s)
            s = 0
        }
        if m.isZero {
            self.mantissa = .small(0)
            self.storedScale = 0
            return
        }
        while s > 0 {
            let (q, r) = m.quotientAndRemainder(dividingBy: Dec.bigTen)
            if !r.isZero { break }
            m = q
            s -= 1
        }
        self.mantissa = Dec.canonical(m)
        self.storedScale = Int32(s)
    }

    /// A small mantissa and scale (scale may be negative); normalizes.
    public init(small m: Int, scale: Int) {
        if scale < 0 {
            self.init(mantissa: BigInt(m), scale: scale)
            return
        }
        if m == 0 {
            self.init(canonicalSmall: 0, scale: 0)
            return
        }
        self.init(strippingSmall: m, scale: scale)
    }

    /// A non-zero word mantissa with `scale >= 0`, its trailing zero digits dropped. An odd
    /// mantissa has none (a multiple of 10 is even), so about half the results of `+`, `-`, `*`
    /// return after one bit test; the loop divides by the constant 10 (a multiply and a shift).
    @inline(__always)
    init(strippingSmall m: Int, scale: Int) {
        var m = m
        var s = scale
        if m & 1 == 0 {
            while s > 0 {
                let q = m / 10
                if q &* 10 != m { break }
                m = q
                s -= 1
            }
        }
        self.init(canonicalSmall: m, scale: s)
    }

    public init(_ value: Int) {
        self.mantissa = .small(value)
        self.storedScale = 0
    }

    public init(_ value: BigInt) {
        self.mantissa = Dec.canonical(value)
        self.storedScale = 0
    }

    public static let zero = Dec(0)
    public static let one = Dec(1)

    // MARK: - Parts

    /// The mantissa as a BigInt (the value is `bigMantissa / 10^scale`).
    public var bigMantissa: BigInt {
        switch mantissa {
        case .small(let m): return BigInt(m)
        case .big(let b): return b
        }
    }

    public var isZero: Bool {
        if case .small(0) = mantissa { return true }
        return false
    }

    public var isNegative: Bool {
        switch mantissa {
        case .small(let m): return m < 0
        case .big(let b): return b.sign == .minus && !b.isZero
        }
    }

    /// -1, 0 or 1.
    public var signum: Int {
        switch mantissa {
        case .small(let m): return m.signum()
        case .big(let b): return b.isZero ? 0 : (b.sign == .minus ? -1 : 1)
        }
    }

    /// True when the value has no fractional part (`1.0` is an integer).
    public var isInteger: Bool { scale == 0 }

    /// The value with its fractional part dropped (toward zero).
    public var truncatedInteger: BigInt {
        if scale == 0 { return bigMantissa }
        return bigMantissa / Dec.bigPowerOfTen(scale)
    }

    /// The value as an `Int` when it is an integer that fits.
    public var exactInt: Int? {
        guard scale == 0 else { return nil }
        if case .small(let m) = mantissa { return m }
        return nil
    }

    public var magnitude: Dec { isNegative ? -self : self }

    // MARK: - Helpers

    static let bigTen = BigInt(10)

    /// 10^0 … 10^18, the powers of ten that fit in `Int`. A literal, so the array is laid out at
    /// compile time and a read needs no lazy-initialisation check (a computed one cost a
    /// `swift_once` call on every scale alignment).
    static let smallPowers: [Int] = [
        1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000, 1_000_000_000,
        10_000_000_000, 100_000_000_000, 1_000_000_000_000, 10_000_000_000_000, 100_000_000_000_000,
        1_000_000_000_000_000, 10_000_000_000_000_000, 100_000_000_000_000_000, 1_000_000_000_000_000_000,
    ]

    static func bigPowerOfTen(_ n: Int) -> BigInt {
        precondition(n >= 0)
        if n <= 18 { return BigInt(smallPowers[n]) }
        return BigInt(10).power(n)
    }

    static func canonical(_ b: BigInt) -> Mantissa {
        if let i = Int(exactly: b) { return .small(i) }
        return .big(b)
    }

    /// Both mantissas brought to the larger scale, as BigInt.
    static func aligned(_ a: Dec, _ b: Dec) -> (BigInt, BigInt, Int) {
        if a.scale == b.scale { return (a.bigMantissa, b.bigMantissa, a.scale) }
        if a.scale < b.scale {
            return (a.bigMantissa * bigPowerOfTen(b.scale - a.scale), b.bigMantissa, b.scale)
        }
        return (a.bigMantissa, b.bigMantissa * bigPowerOfTen(a.scale - b.scale), a.scale)
    }

    /// Both mantissas brought to the larger scale as Int, or nil on overflow.
    @inline(__always)
    static func alignedSmall(_ a: Int, _ sa: Int, _ b: Int, _ sb: Int) -> (Int, Int, Int)? {
        if sa == sb { return (a, b, sa) }
        if sa < sb {
            let d = sb - sa
            guard d <= 18 else { return nil }
            let (r, o) = a.multipliedReportingOverflow(by: smallPowers[d])
            return o ? nil : (r, b, sb)
        }
        let d = sa - sb
        guard d <= 18 else { return nil }
        let (r, o) = b.multipliedReportingOverflow(by: smallPowers[d])
        return o ? nil : (a, r, sa)
    }
}

// MARK: - Equality, order, hashing

extension Dec: Equatable, Hashable, Comparable {
    public static func == (a: Dec, b: Dec) -> Bool {
        guard a.scale == b.scale else { return false }
        switch (a.mantissa, b.mantissa) {
        case let (.small(x), .small(y)): return x == y
        case let (.big(x), .big(y)): return x == y
        default: return false  // canonical: a big mantissa never equals a small one
        }
    }

    /// An integral Dec hashes exactly as the `Int` (or `BigInt`) of the same value does
    /// (`hasher.combine(i)`), so a Value layer can make `1` and `1.0` equal keys.
    public func hash(into hasher: inout Hasher) {
        switch mantissa {
        case .small(let m): hasher.combine(m)
        case .big(let b): hasher.combine(b)
        }
        if scale != 0 { hasher.combine(scale) }
    }

    public static func < (a: Dec, b: Dec) -> Bool { compare(a, b) < 0 }

    /// -1, 0 or 1.
    public static func compare(_ a: Dec, _ b: Dec) -> Int {
        if case .small(let x) = a.mantissa, case .small(let y) = b.mantissa,
           let (p, q, _) = alignedSmall(x, a.scale, y, b.scale) {
            return p < q ? -1 : (p == q ? 0 : 1)
        }
        let (p, q, _) = aligned(a, b)
        return p < q ? -1 : (p == q ? 0 : 1)
    }
}

// MARK: - Text

extension Dec: CustomStringConvertible {
    /// Shortest exact form without exponent: `0.01`, `1500`, `-2.5`, `1` (for 1.0).
    public var description: String {
        let digits: String
        let negative: Bool
        switch mantissa {
        case .small(let m):
            negative = m < 0
            digits = String(m.magnitude)
        case .big(let b):
            negative = b.sign == .minus
            digits = b.magnitude.decimalDigits
        }
        if scale == 0 { return negative ? "-" + digits : digits }
        var out = negative ? "-" : ""
        if digits.count <= scale {
            out += "0."
            out += String(repeating: "0", count: scale - digits.count)
            out += digits
        } else {
            let cut = digits.index(digits.endIndex, offsetBy: -scale)
            out += digits[..<cut]
            out += "."
            out += digits[cut...]
        }
        return out
    }
}

public enum DecError: Error, Equatable, CustomStringConvertible {
    case invalidNumber(String)
    case divisionByZero
    case exponentTooLarge

    public var description: String {
        switch self {
        case .invalidNumber(let s): return "invalid number '\(s)'"
        case .divisionByZero: return "division by zero"
        case .exponentTooLarge: return "exponent too large"
        }
    }
}

extension Dec {
    /// Largest exponent magnitude accepted in text or `**`, so a typo cannot ask for a
    /// billion-digit number and hang the process.
    public static let maxExponent = 100_000

    /// Parses number text, or nil when it is not one (see `init(validating:)`).
    public init?(parsing text: String) {
        guard let d = try? Dec(validating: text) else { return nil }
        self = d
    }

    /// Parses `12`, `-0.5`, `1.5e3`, `2E-4`, `.5`, `5.` and underscores between digits (`1_000.5`).
    /// Reads the text as UTF-8 bytes: every byte it accepts is ASCII, and `Character` tests
    /// (`wholeNumberValue`, `isNumber`) cost Unicode table lookups (callgrind: ~1,400 instructions
    /// for `0.5` in bench/lang/json_roundtrip).
    public init(validating text: String) throws {
        let u = Array(text.utf8)
        func isDigit(_ b: UInt8) -> Bool { b >= 48 && b <= 57 }
        var digits: [UInt8] = []
        var fractionDigits = 0
        var seenPoint = false
        var seenDigit = false
        var negative = false
        var exponent = 0
        var index = 0
        if let f = u.first, f == UInt8(ascii: "-") || f == UInt8(ascii: "+") {
            negative = f == UInt8(ascii: "-")
            index = 1
        }
        var lastWasDigit = false
        while index < u.count {
            let c = u[index]
            if isDigit(c) {
                digits.append(c)
                if seenPoint { fractionDigits += 1 }
                seenDigit = true
                lastWasDigit = true
            } else if c == UInt8(ascii: "_") {
                guard lastWasDigit, index + 1 < u.count, isDigit(u[index + 1]) else {
                    throw DecError.invalidNumber(text)
                }
                lastWasDigit = false
            } else if c == UInt8(ascii: ".") && !seenPoint {
                seenPoint = true
                lastWasDigit = false
            } else if c == UInt8(ascii: "e") || c == UInt8(ascii: "E") {
                break
            } else {
                throw DecError.invalidNumber(text)
            }
            index += 1
        }
        guard seenDigit else { throw DecError.invalidNumber(text) }
        if index < u.count {
            var e = index + 1
            var expNegative = false
            if e < u.count, u[e] == UInt8(ascii: "-") || u[e] == UInt8(ascii: "+") {
                expNegative = u[e] == UInt8(ascii: "-")
                e += 1
            }
            guard e < u.count, u[e...].allSatisfy(isDigit) else { throw DecError.invalidNumber(text) }
            guard u.count - e <= 7 else { throw DecError.exponentTooLarge }
            var value = 0
            for b in u[e...] { value = value * 10 + Int(b - 48) }
            guard value <= Dec.maxExponent else { throw DecError.exponentTooLarge }
            exponent = expNegative ? -value : value
        }
        let scale = fractionDigits - exponent
        if digits.count <= 18 {
            var m = 0
            for b in digits { m = m * 10 + Int(b - 48) }
            self.init(small: negative ? -m : m, scale: scale)
        } else {
            guard let m = BigInt(String(decoding: digits, as: UTF8.self)) else { throw DecError.invalidNumber(text) }
            self.init(mantissa: negative ? -m : m, scale: scale)
        }
    }
}
