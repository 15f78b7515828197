import BigInt

/// Recursive Length Prefix, Ethereum's serialisation for transactions and tries (Yellow Paper appendix B).
/// An item is a byte string or a list of items; integers are big-endian byte strings without leading zeros.
public enum RLP {
    public indirect enum Item: Equatable, Sendable {
        case bytes([UInt8])
        case list([Item])
    }

    public static func encode(_ item: Item) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(encodedLength(item))
        append(item, to: &out)
        return out
    }

    /// Encodes a byte string (shorthand for `encode(.bytes(bytes))`).
    public static func encode(bytes: [UInt8]) -> [UInt8] {
        encode(.bytes(bytes))
    }

    // Lengths are computed before writing so every header goes out in order with no shifting or copying;
    // recomputing child lengths per level is cheap for the shallow trees Ethereum uses.
    static func encodedLength(_ item: Item) -> Int {
        switch item {
        case .bytes(let b):
            if b.count == 1 && b[0] < 0x80 { return 1 }
            return headerLength(b.count) + b.count
        case .list:
            let payload = payloadLength(item)
            return headerLength(payload) + payload
        }
    }

    private static func payloadLength(_ item: Item) -> Int {
        switch item {
        case .bytes(let b): return b.count
        case .list(let items): return items.reduce(0) { $0 + encodedLength($1) }
        }
    }

    private static func headerLength(_ payload: Int) -> Int {
        payload < 56 ? 1 : 1 + byteWidth(payload)
    }

    private static func append(_ item: Item, to out: inout [UInt8]) {
        switch item {
        case .bytes(let b):
            if b.count == 1 && b[0] < 0x80 {
                out.append(b[0])
            } else {
                appendHeader(length: b.count, shortBase: 0x80, to: &out)
                out.append(contentsOf: b)
            }
        case .list(let items):
            appendHeader(length: payloadLength(item), shortBase: 0xc0, to: &out)
            for child in items { append(child, to: &out) }
        }
    }

    /// Short form: `base + length` for lengths < 56. Long form: `base + 55 + width`, then the length big-endian.
    private static func appendHeader(length: Int, shortBase: UInt8, to out: inout [UInt8]) {
        if length < 56 {
            out.append(shortBase + UInt8(length))
        } else {
            let width = byteWidth(length)
            out.append(shortBase + 55 + UInt8(width))
            for i in stride(from: width - 1, through: 0, by: -1) {
                out.append(UInt8(truncatingIfNeeded: length >> (8 * i)))
            }
        }
    }

    /// Bytes needed for `n` big-endian without leading zeros (0 for 0).
    static func byteWidth(_ n: Int) -> Int {
        (Int.bitWidth - n.leadingZeroBitCount + 7) / 8
    }
}

extension RLP.Item {
    /// An unsigned integer as RLP wants it: big-endian, no leading zero bytes, zero as the empty string.
    public static func uint(_ value: BigUInt) -> RLP.Item {
        .bytes(bigEndianBytes(value))
    }

    public static func uint(_ value: UInt64) -> RLP.Item {
        let width = (64 - value.leadingZeroBitCount + 7) / 8
        return .bytes((0..<width).reversed().map { UInt8(truncatingIfNeeded: value >> (8 * UInt64($0))) })
    }

    /// Non-negative `Int` (e.g. a chain id or a length); negative values have no RLP integer form.
    public static func uint(_ value: Int) -> RLP.Item {
        precondition(value >= 0, "RLP integers are unsigned; got \(value)")
        return uint(UInt64(value))
    }

    /// A string as its UTF-8 bytes.
    public static func string(_ text: String) -> RLP.Item {
        .bytes(Array(text.utf8))
    }

    /// The byte string, or an error if this is a list.
    public func asBytes() throws -> [UInt8] {
        guard case .bytes(let b) = self else { throw RLP.DecodeError(.expectedBytes, offset: nil) }
        return b
    }

    /// The list items, or an error if this is a byte string.
    public func asList() throws -> [RLP.Item] {
        guard case .list(let items) = self else { throw RLP.DecodeError(.expectedList, offset: nil) }
        return items
    }

    /// The unsigned integer this byte string encodes. Leading zero bytes are non-canonical and rejected,
    /// as geth does, so one number has exactly one encoding (which keeps transaction hashes unique).
    public func asUInt() throws -> BigUInt {
        let b = try asBytes()
        if let first = b.first, first == 0 { throw RLP.DecodeError(.leadingZeroInInteger, offset: nil) }
        return b.withUnsafeBytes { BigUInt($0) }
    }

    /// As `asUInt()`, but limited to 64 bits (nonces, gas limits, chain ids).
    public func asUInt64() throws -> UInt64 {
        let b = try asBytes()
        if let first = b.first, first == 0 { throw RLP.DecodeError(.leadingZeroInInteger, offset: nil) }
        guard b.count <= 8 else { throw RLP.DecodeError(.integerTooLarge(bits: 64), offset: nil) }
        return b.reduce(0) { $0 << 8 | UInt64($1) }
    }
}

/// `value` big-endian with no leading zero bytes; empty for zero.
func bigEndianBytes(_ value: BigUInt) -> [UInt8] {
    var out = [UInt8]()
    out.reserveCapacity(value.words.count * 8)
    for word in value.words.reversed() {
        for shift in stride(from: UInt.bitWidth - 8, through: 0, by: -8) {
            let byte = UInt8(truncatingIfNeeded: word >> UInt(shift))
            if out.isEmpty && byte == 0 { continue }
            out.append(byte)
        }
    }
    return out
}
