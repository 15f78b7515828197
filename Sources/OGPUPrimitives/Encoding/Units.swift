import BigInt

/// Decimal amounts ↔ integer base units (wei). `decimals` is 18 for ether/OGPU, 9 for gwei.
/// Conversion is exact: no floating point anywhere, and text that cannot be represented is an error
/// rather than being rounded — a wallet must never silently change an amount.
public enum Units {
    public static let etherDecimals = 18
    public static let gweiDecimals = 9

    /// The largest amount an EVM word can hold, 2^256 − 1.
    public static let maxUInt256 = (BigUInt(1) << 256) - 1

    public enum ParseError: Error, Equatable, Sendable, CustomStringConvertible {
        case empty
        case negative(String)
        case invalidCharacter(Character, offset: Int, text: String)
        case tooManyDecimals(text: String, found: Int, allowed: Int)
        case tooLarge(String)
        case invalidDecimals(Int)

        public var description: String {
            switch self {
            case .empty:
                return "amount is empty"
            case .negative(let text):
                return "amount '\(text)' is negative; amounts must be zero or more"
            case .invalidCharacter(let c, let offset, let text):
                return "invalid character '\(c)' at offset \(offset) in amount '\(text)'; "
                    + "write digits with at most one '.', e.g. 1.5"
            case .tooManyDecimals(let text, let found, let allowed):
                return "amount '\(text)' has \(found) decimal places but this unit allows at most \(allowed); "
                    + "it cannot be represented exactly"
            case .tooLarge(let text):
                return "amount '\(text)' is larger than 2^256 - 1 base units"
            case .invalidDecimals(let d):
                return "unit decimals must be between 0 and 77, got \(d)"
            }
        }
    }

    /// Parses decimal text such as `"1.5"`, `"0.01"`, `".1"`, `"01.0"` into base units:
    /// `parse("1.5") == 1_500_000_000_000_000_000`. Trailing zeros beyond `decimals` are fine; any other
    /// extra precision, signs, exponents, spaces or separators are errors.
    public static func parse(_ text: String, decimals: Int = 18) throws -> BigUInt {
        guard (0...77).contains(decimals) else { throw ParseError.invalidDecimals(decimals) }
        guard !text.isEmpty else { throw ParseError.empty }
        if text.hasPrefix("-") { throw ParseError.negative(text) }
        var integerDigits = [UInt8](), fractionDigits = [UInt8]()
        var seenPoint = false
        for (offset, c) in text.enumerated() {
            if c == "." && !seenPoint {
                seenPoint = true
            } else if let ascii = c.asciiValue, (0x30...0x39).contains(ascii) {
                if seenPoint { fractionDigits.append(ascii - 0x30) } else { integerDigits.append(ascii - 0x30) }
            } else {
                throw ParseError.invalidCharacter(c, offset: offset, text: text)
            }
        }
        guard !integerDigits.isEmpty || !fractionDigits.isEmpty else {
            throw ParseError.invalidCharacter(".", offset: 0, text: text)
        }
        while fractionDigits.last == 0 { fractionDigits.removeLast() }
        guard fractionDigits.count <= decimals else {
            throw ParseError.tooManyDecimals(text: text, found: fractionDigits.count, allowed: decimals)
        }
        var value = BigUInt(0)
        for d in integerDigits + fractionDigits {
            value = value * 10 + BigUInt(d)
            // Stop early so absurdly long input cannot make us build enormous numbers.
            if value > maxUInt256 { throw ParseError.tooLarge(text) }
        }
        value *= BigUInt(10).power(decimals - fractionDigits.count)
        guard value <= maxUInt256 else { throw ParseError.tooLarge(text) }
        return value
    }

    /// The shortest exact decimal text for `value` base units: `format(1_500_000_000_000_000_000) == "1.5"`,
    /// `"1"` rather than `"1.0"`, `"0"` for zero.
    public static func format(_ value: BigUInt, decimals: Int = 18) -> String {
        precondition(decimals >= 0, "unit decimals must be non-negative")
        var digits = String(value)
        if decimals == 0 { return digits }
        if digits.count <= decimals {
            digits = String(repeating: "0", count: decimals - digits.count + 1) + digits
        }
        let split = digits.index(digits.endIndex, offsetBy: -decimals)
        let integer = digits[..<split]
        var fraction = digits[split...]
        while fraction.last == "0" { fraction = fraction.dropLast() }
        return fraction.isEmpty ? String(integer) : "\(integer).\(fraction)"
    }
}
