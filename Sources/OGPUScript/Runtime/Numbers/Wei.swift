import BigInt

/// An amount's wei count, as `Value.amount` holds it: one machine word below 2^64 wei (18.4 OGPU:
/// fees, payments, balances of a test wallet), else a boxed `BigUInt`. Canonical (`.big` never
/// holds a value that fits a word), so `==` and hashing compare cases directly.
///
/// Why not `indirect case amount(BigUInt)` (as before): every amount a script made was then a heap
/// box holding a `BigUInt`, allocated on each `+` and freed again (~500 instructions a result);
/// a word amount is now a plain 9-byte payload. Callgrind, bench/lang/amounts: see the commit.
public enum Wei: Sendable {
    case small(UInt)
    indirect case big(BigUInt)

    @inline(__always)
    public init(_ w: UInt) { self = .small(w) }

    public init(_ b: BigUInt) {
        if let w = b.singleWord { self = .small(w) } else { self = .big(b) }
    }

    /// The count as a `BigUInt`, for arithmetic past a word and for formatting.
    public var big: BigUInt {
        switch self {
        case .small(let w): return BigUInt(w)
        case .big(let b): return b
        }
    }

    public var isZero: Bool {
        if case .small(0) = self { return true }
        return false
    }
}

extension Wei: Equatable, Comparable, Hashable {
    public static func == (a: Wei, b: Wei) -> Bool {
        switch (a, b) {
        case (.small(let x), .small(let y)): return x == y
        case (.big(let x), .big(let y)): return x == y
        default: return false  // canonical: a big count never equals a word
        }
    }

    public static func < (a: Wei, b: Wei) -> Bool {
        switch (a, b) {
        case (.small(let x), .small(let y)): return x < y
        case (.small, .big): return true
        case (.big, .small): return false
        case (.big(let x), .big(let y)): return x < y
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch self {
        case .small(let w): hasher.combine(w)
        case .big(let b): hasher.combine(b)
        }
    }
}

extension Value {
    /// An amount of `wei`, stored in a word when it fits.
    @inline(__always)
    public static func amount(_ wei: BigUInt) -> Value { .amount(Wei(wei)) }
}
