import BigInt

// Conversions between machine integers and BigInt/BigUInt that this module makes on every amount,
// dec and big-integer operation. The library's own are generic over `BinaryInteger` and not
// inlinable, so from here they run unspecialised through witness tables: `BigInt(i)` for an
// `Int` cost ~4,000 instructions (callgrind, bench/lang/amounts: 37% of the run). These concrete
// overloads win overload resolution over the generic ones inside this module, and go through the
// library's integer-literal initialisers, which it specialises for itself.

extension BigInt {
    @inline(__always)
    init(_ v: Int) {
        self.init(sign: v < 0 ? .minus : .plus, magnitude: BigUInt(integerLiteral: UInt64(v.magnitude)))
    }
}

extension BigUInt {
    @inline(__always)
    init(_ v: UInt) {
        self.init(integerLiteral: UInt64(v))
    }

    @inline(__always)
    init(_ v: Int) {
        precondition(v >= 0, "BigUInt cannot represent negative values")
        self.init(integerLiteral: UInt64(v))
    }

    /// The value as one machine word, or nil when it needs more.
    @inline(__always)
    var singleWord: UInt? {
        let w = words
        switch w.count {
        case 0: return 0
        case 1: return w[0]
        default: return nil
        }
    }
}

extension Int {
    /// `Int(exactly: b)` without the standard library's generic path (which converts back through
    /// `BigInt`'s generic initialiser to compare).
    @inline(__always)
    init?(exactly b: BigInt) {
        guard let m = b.magnitude.singleWord else { return nil }
        if b.sign == .minus {
            guard m <= UInt(bitPattern: Int.min) else { return nil }
            self = Int(bitPattern: 0 &- m)
        } else {
            guard m <= UInt(Int.max) else { return nil }
            self = Int(bitPattern: m)
        }
    }
}

extension BigUInt {
    /// The decimal digits, as `String(self)` writes them. The library's conversion goes through its
    /// generic word division: `str()` of 1500! (4,115 digits) cost ~45 M instructions (callgrind,
    /// bench/lang/bigint). This divides the words by 10^19 in place with the processor's
    /// 128-by-64-bit division, one pass per 19 digits.
    var decimalDigits: String {
        var words = Array(self.words)  // least significant first
        while let last = words.last, last == 0 { words.removeLast() }
        if words.count <= 1 { return String(words.first ?? 0) }
        let base: UInt = 10_000_000_000_000_000_000
        var chunks: [UInt] = []  // base-10^19 digits, least significant first
        while !words.isEmpty {
            var rest: UInt = 0
            for i in stride(from: words.count - 1, through: 0, by: -1) {
                (words[i], rest) = base.dividingFullWidth((high: rest, low: words[i]))
            }
            chunks.append(rest)
            while let last = words.last, last == 0 { words.removeLast() }
        }
        var out = String(chunks.removeLast())
        out.reserveCapacity(out.utf8.count + 19 * chunks.count)
        for c in chunks.reversed() {
            let digits = String(c)
            out += String(repeating: "0", count: 19 - digits.utf8.count)
            out += digits
        }
        return out
    }
}

extension BigInt {
    /// The decimal form, as `description` writes it (see `BigUInt.decimalDigits`).
    var decimalString: String {
        sign == .minus && !isZero ? "-" + magnitude.decimalDigits : magnitude.decimalDigits
    }
}
