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
