import BigInt

/// Standard (non-packed) contract ABI encoding: a list of values is encoded as a tuple, static values
/// inline in the head, dynamic values in the tail behind a head offset relative to the tuple's start.
public enum ABIEncoder {
    /// Encodes `values` as the tuple `(types…)`, as for function arguments and return data.
    /// Throws `ABIEncodingError` for values that do not fit, `ABIParseError` for an invalid type.
    public static func encode(_ values: [ABIValue], as types: [ABIType]) throws -> [UInt8] {
        var out: [UInt8] = []
        try encode(values, as: types, appendingTo: &out)
        return out
    }

    /// Appends the encoding to `out` (after a selector, say); offsets are relative to where it starts.
    static func encode(_ values: [ABIValue], as types: [ABIType], appendingTo out: inout [UInt8]) throws {
        for type in types { try type.validate() }
        guard values.count == types.count else {
            throw ABIEncodingError.wrongCount(path: "arguments", type: "(" + types.map(\.canonical).joined(separator: ",") + ")",
                                              expected: types.count, got: values.count)
        }
        try encodeSequence(ABISequenceLayout(tuple: types), values: values, label: { "arg \($0)" }, into: &out)
    }

    /// Encodes one value as a one-element tuple, the way an event data field or a single return value is.
    public static func encode(_ value: ABIValue, as type: ABIType) throws -> [UInt8] {
        try encode([value], as: [type])
    }

    // MARK: - Recursion

    /// Heads first, then tails; each dynamic element's head is the offset of its tail from the sequence start.
    /// Written straight into `out`: static heads in place, a placeholder word for each dynamic head that is
    /// filled in once its tail's position is known. No intermediate buffers per level.
    static func encodeSequence(_ layout: ABISequenceLayout, values: [ABIValue],
                               label: (Int) -> String, into out: inout [UInt8]) throws {
        let start = out.count
        out.reserveCapacity(start + layout.totalHeadSize)
        var hasDynamic = false
        for i in 0..<layout.count {
            if layout.isDynamic(i) {
                hasDynamic = true
                out.append(contentsOf: repeatElement(0, count: 32))
            } else {
                do {
                    try encodeValue(values[i], as: layout.type(i), into: &out)
                } catch let error as ABIEncodingError {
                    throw error.prefixed(label(i))
                }
            }
        }
        guard hasDynamic else { return }
        var headPosition = start
        for i in 0..<layout.count {
            defer { headPosition += layout.headSize(i) }
            guard layout.isDynamic(i) else { continue }
            writeWord(UInt64(out.count - start), at: headPosition, in: &out)
            do {
                try encodeValue(values[i], as: layout.type(i), into: &out)
            } catch let error as ABIEncodingError {
                throw error.prefixed(label(i))
            }
        }
    }

    /// Overwrites the low 8 bytes of the (zeroed) word at `position`.
    private static func writeWord(_ v: UInt64, at position: Int, in out: inout [UInt8]) {
        for i in 0..<8 { out[position + 24 + i] = UInt8(truncatingIfNeeded: v >> UInt64(56 - 8 * i)) }
    }

    static func encodeValue(_ value: ABIValue, as type: ABIType, into out: inout [UInt8]) throws {
        switch type {
        case .uint(let bits):
            guard let v = value.uintValue else {
                if case .int = value { throw ABIEncodingError.outOfRange(path: "", type: type.canonical, value: value.description) }
                throw mismatch(type, value)
            }
            guard v.bitWidth <= bits else { throw ABIEncodingError.outOfRange(path: "", type: type.canonical, value: v.description) }
            appendWord(v, to: &out)
        case .int(let bits):
            guard let v = value.intValue else { throw mismatch(type, value) }
            // -2^(bits-1) ≤ v < 2^(bits-1): the magnitude needs at most bits-1 bits, except -2^(bits-1) itself.
            let m = v.magnitude
            let fits = m.bitWidth < bits || (v.sign == .minus && m == BigUInt(1) << (bits - 1))
            guard fits else { throw ABIEncodingError.outOfRange(path: "", type: type.canonical, value: v.description) }
            if v.sign == .minus && !m.isZero {
                appendWord(twoTo256 - m, to: &out)
            } else {
                appendWord(m, to: &out)
            }
        case .address:
            guard case .address(let a) = value else { throw mismatch(type, value) }
            out.append(contentsOf: repeatElement(0, count: 12))
            out.append(contentsOf: a.bytes)
        case .bool:
            guard case .bool(let b) = value else { throw mismatch(type, value) }
            appendWord(UInt64(b ? 1 : 0), to: &out)
        case .fixedBytes(let n):
            guard case .bytes(let b) = value else { throw mismatch(type, value) }
            guard b.count == n else {
                throw ABIEncodingError.outOfRange(path: "", type: type.canonical, value: "\(b.count) bytes")
            }
            out.append(contentsOf: b)
            out.append(contentsOf: repeatElement(0, count: 32 - n))
        case .bytes:
            guard case .bytes(let b) = value else { throw mismatch(type, value) }
            appendPadded(b, to: &out)
        case .string:
            guard case .string(let s) = value else { throw mismatch(type, value) }
            appendPadded(s.utf8, to: &out)
        case .array(let element):
            guard let items = value.items else { throw mismatch(type, value) }
            appendWord(UInt64(items.count), to: &out)
            try encodeSequence(ABISequenceLayout(repeating: element, count: items.count), values: items,
                               label: { "[\($0)]" }, into: &out)
        case .fixedArray(let element, let k):
            guard let items = value.items else { throw mismatch(type, value) }
            guard items.count == k else {
                throw ABIEncodingError.wrongCount(path: "", type: type.canonical, expected: k, got: items.count)
            }
            try encodeSequence(ABISequenceLayout(repeating: element, count: k), values: items, label: { "[\($0)]" }, into: &out)
        case .tuple(let components, let names):
            guard let items = value.items else { throw mismatch(type, value) }
            guard items.count == components.count else {
                throw ABIEncodingError.wrongCount(path: "", type: type.canonical, expected: components.count, got: items.count)
            }
            try encodeSequence(ABISequenceLayout(tuple: components), values: items,
                               label: { i in names.map { $0[i].isEmpty ? ".\(i)" : ".\($0[i])" } ?? ".\(i)" }, into: &out)
        }
    }

    static let twoTo256 = BigUInt(1) << 256

    private static func mismatch(_ type: ABIType, _ value: ABIValue) -> ABIEncodingError {
        .typeMismatch(path: "", expected: type.canonical, got: value.kindName)
    }

    static func appendWord(_ v: UInt64, to out: inout [UInt8]) {
        out.append(contentsOf: repeatElement(0, count: 24))
        for shift in stride(from: 56, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: v >> UInt64(shift))) }
    }

    /// Big-endian, left-padded to 32 bytes. The caller has checked that `v` fits in 256 bits.
    static func appendWord(_ v: BigUInt, to out: inout [UInt8]) {
        let words = v.words
        for i in stride(from: 3, through: 0, by: -1) {
            let w = i < words.count ? UInt64(words[words.index(words.startIndex, offsetBy: i)]) : 0
            for shift in stride(from: 56, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: w >> UInt64(shift))) }
        }
    }

    /// Length word, then the bytes, zero-padded to a multiple of 32.
    static func appendPadded<C: Collection>(_ bytes: C, to out: inout [UInt8]) where C.Element == UInt8 {
        appendWord(UInt64(bytes.count), to: &out)
        out.append(contentsOf: bytes)
        let remainder = bytes.count % 32
        if remainder != 0 { out.append(contentsOf: repeatElement(0, count: 32 - remainder)) }
    }
}

extension ABIEncodingError {
    /// The same error located one level further out: `arg 0` + `.config` → `arg 0.config`.
    func prefixed(_ outer: String) -> ABIEncodingError {
        func join(_ inner: String) -> String { inner.isEmpty ? outer : outer + inner }
        switch self {
        case .typeMismatch(let p, let e, let g): return .typeMismatch(path: join(p), expected: e, got: g)
        case .outOfRange(let p, let t, let v): return .outOfRange(path: join(p), type: t, value: v)
        case .wrongCount(let p, let t, let e, let g): return .wrongCount(path: join(p), type: t, expected: e, got: g)
        case .missingField(let p, let t, let f): return .missingField(path: join(p), type: t, field: f)
        case .unknownField(let p, let t, let f): return .unknownField(path: join(p), type: t, field: f)
        }
    }
}
