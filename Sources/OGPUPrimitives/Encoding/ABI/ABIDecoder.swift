import BigInt

/// Strict contract ABI decoding. Everything the encoder would not have produced is an error: offsets or
/// lengths outside the data, non-zero padding, values wider than their type, bools other than 0/1,
/// invalid UTF-8 in strings. Hostile input cannot make it allocate more than the data could describe,
/// nor loop for long: every word it reads is charged against a budget proportional to the data size.
public enum ABIDecoder {
    /// Decodes `data` as the tuple `(types…)`: function arguments, return data, event data.
    /// Bytes after the last value are allowed (calldata and return data often carry them).
    /// Throws `ABIDecodingError` for bad data, `ABIParseError` for an invalid type.
    public static func decode(_ types: [ABIType], from data: [UInt8]) throws -> [ABIValue] {
        for type in types { try type.validate() }
        var reader = Reader(data: data)
        return try reader.decodeSequence(ABISequenceLayout(tuple: types), base: 0, label: { "arg \($0)" })
    }

    /// Decodes `data` as a one-element tuple `(type)`.
    public static func decode(_ type: ABIType, from data: [UInt8]) throws -> ABIValue {
        try decode([type], from: data)[0]
    }

    /// Decodes a single 32-byte word holding an elementary value, as in an indexed event topic.
    static func decodeWord(_ type: ABIType, from word: [UInt8]) throws -> ABIValue {
        precondition(type.isElementary)
        try type.validate()
        guard word.count == 32 else {
            throw ABIDecodingError.truncated(path: "topic", offset: 0, needed: 32, available: word.count)
        }
        var reader = Reader(data: word)
        return try reader.decodeValue(type, at: 0)
    }

    struct Reader {
        let data: [UInt8]
        /// Words the decoder may still read. A genuine encoding reads each word once; offsets that point
        /// to the same data again and again (nested arrays sharing one tail) run this out instead of
        /// growing the work exponentially.
        var budget: Int

        init(data: [UInt8]) {
            self.data = data
            budget = 2 * (data.count / 32) + 16
        }

        mutating func decodeSequence(_ layout: ABISequenceLayout, base: Int, label: (Int) -> String) throws -> [ABIValue] {
            var values: [ABIValue] = []
            values.reserveCapacity(layout.count)
            var headPosition = base
            for i in 0..<layout.count {
                do {
                    if layout.isDynamic(i) {
                        let pointer = try readWord(at: headPosition)
                        guard let relative = smallInt(pointer), relative <= data.count - base else {
                            throw ABIDecodingError.offsetOutOfRange(path: "", offset: headPosition,
                                                                    pointer: wordDescription(pointer))
                        }
                        values.append(try decodeValue(layout.type(i), at: base + relative))
                    } else {
                        values.append(try decodeValue(layout.type(i), at: headPosition))
                    }
                } catch let error as ABIDecodingError {
                    throw error.prefixed(label(i))
                }
                headPosition += layout.headSize(i)
            }
            return values
        }

        mutating func decodeValue(_ type: ABIType, at position: Int) throws -> ABIValue {
            switch type {
            case .uint(let bits):
                let word = try readWord(at: position)
                guard leadingZeroBytes(word) >= 32 - bits / 8 else {
                    throw ABIDecodingError.valueOutOfRange(path: "", offset: position, type: type.canonical)
                }
                return .uint(bigUInt(word))
            case .int(let bits):
                let word = try readWord(at: position)
                let firstValueByte = 32 - bits / 8
                let negative = data[position + firstValueByte] & 0x80 != 0
                let fill: UInt8 = negative ? 0xff : 0x00
                for i in 0..<firstValueByte where data[position + i] != fill {
                    throw ABIDecodingError.valueOutOfRange(path: "", offset: position, type: type.canonical)
                }
                let u = bigUInt(word)
                return .int(negative ? -BigInt(ABIEncoder.twoTo256 - u) : BigInt(u))
            case .address:
                let word = try readWord(at: position)
                guard leadingZeroBytes(word) >= 12 else {
                    throw ABIDecodingError.nonZeroPadding(path: "", offset: position, type: "address")
                }
                return .address(try Address(bytes: Array(data[(position + 12)..<(position + 32)])))
            case .bool:
                let word = try readWord(at: position)
                guard leadingZeroBytes(word) >= 31, data[position + 31] <= 1 else {
                    throw ABIDecodingError.invalidBool(path: "", offset: position)
                }
                return .bool(data[position + 31] == 1)
            case .fixedBytes(let n):
                _ = try readWord(at: position)
                for i in n..<32 where data[position + i] != 0 {
                    throw ABIDecodingError.nonZeroPadding(path: "", offset: position, type: type.canonical)
                }
                return .bytes(Array(data[position..<(position + n)]))
            case .bytes:
                return .bytes(try readPadded(at: position, type: type))
            case .string:
                let bytes = try readPadded(at: position, type: type)
                let text = String(decoding: bytes, as: UTF8.self)
                // Decoding replaces invalid sequences with U+FFFD; a changed byte sequence means it was invalid.
                guard text.utf8.elementsEqual(bytes) else {
                    throw ABIDecodingError.invalidUTF8(path: "", offset: position)
                }
                return .string(text)
            case .array(let element):
                let length = try readWord(at: position)
                let start = position + 32
                let elementSize = Swift.max(element.headSize, 32)
                guard let n = smallInt(length), n <= (data.count - start) / elementSize else {
                    throw ABIDecodingError.lengthOutOfRange(path: "", offset: position, length: wordDescription(length))
                }
                return .array(try decodeSequence(ABISequenceLayout(repeating: element, count: n), base: start, label: { "[\($0)]" }))
            case .fixedArray(let element, let k):
                guard k * element.headSize <= data.count - Swift.min(position, data.count) else {
                    throw ABIDecodingError.truncated(path: "", offset: position, needed: k * element.headSize,
                                                     available: data.count)
                }
                return .array(try decodeSequence(ABISequenceLayout(repeating: element, count: k), base: position,
                                                 label: { "[\($0)]" }))
            case .tuple(let components, let names):
                return .tuple(try decodeSequence(ABISequenceLayout(tuple: components), base: position,
                                                 label: { i in names.map { $0[i].isEmpty ? ".\(i)" : ".\($0[i])" } ?? ".\(i)" }))
            }
        }

        /// The 32-byte word at `position` as four big-endian UInt64s (most significant first).
        mutating func readWord(at position: Int) throws -> (UInt64, UInt64, UInt64, UInt64) {
            guard position >= 0, position <= data.count - 32 else {
                throw ABIDecodingError.truncated(path: "", offset: position, needed: 32, available: data.count)
            }
            budget -= 1
            guard budget >= 0 else { throw ABIDecodingError.tooComplex(path: "", offset: position) }
            return data.withUnsafeBufferPointer { buffer in
                func load(_ at: Int) -> UInt64 {
                    var v: UInt64 = 0
                    for i in at..<(at + 8) { v = v << 8 | UInt64(buffer[i]) }
                    return v
                }
                return (load(position), load(position + 8), load(position + 16), load(position + 24))
            }
        }

        /// Length-prefixed bytes; the padding up to the next word boundary must be present and zero.
        mutating func readPadded(at position: Int, type: ABIType) throws -> [UInt8] {
            let lengthWord = try readWord(at: position)
            let start = position + 32
            guard let length = smallInt(lengthWord), length <= data.count - start else {
                throw ABIDecodingError.lengthOutOfRange(path: "", offset: position, length: wordDescription(lengthWord))
            }
            let padded = (length + 31) / 32 * 32
            guard padded <= data.count - start else {
                throw ABIDecodingError.truncated(path: "", offset: start, needed: padded, available: data.count)
            }
            budget -= padded / 32
            guard budget >= 0 else { throw ABIDecodingError.tooComplex(path: "", offset: position) }
            for i in (start + length)..<(start + padded) where data[i] != 0 {
                throw ABIDecodingError.nonZeroPadding(path: "", offset: start + length, type: type.canonical)
            }
            return Array(data[start..<(start + length)])
        }

        /// A word small enough to be an offset or length into an in-memory buffer.
        func smallInt(_ word: (UInt64, UInt64, UInt64, UInt64)) -> Int? {
            guard word.0 == 0, word.1 == 0, word.2 == 0, word.3 <= UInt64(Int32.max) else { return nil }
            return Int(word.3)
        }

        func leadingZeroBytes(_ word: (UInt64, UInt64, UInt64, UInt64)) -> Int {
            if word.0 != 0 { return word.0.leadingZeroBitCount / 8 }
            if word.1 != 0 { return 8 + word.1.leadingZeroBitCount / 8 }
            if word.2 != 0 { return 16 + word.2.leadingZeroBitCount / 8 }
            return 24 + word.3.leadingZeroBitCount / 8
        }

        func bigUInt(_ word: (UInt64, UInt64, UInt64, UInt64)) -> BigUInt {
            if word.0 == 0 && word.1 == 0 && word.2 == 0 { return BigUInt(word.3) }
            return BigUInt(words: [UInt(word.3), UInt(word.2), UInt(word.1), UInt(word.0)])
        }

        func wordDescription(_ word: (UInt64, UInt64, UInt64, UInt64)) -> String {
            bigUInt(word).description
        }
    }
}

extension ABIDecodingError {
    /// The same error located one level further out: `arg 0` + `[3]` → `arg 0[3]`.
    func prefixed(_ outer: String) -> ABIDecodingError {
        func join(_ inner: String) -> String { inner.isEmpty ? outer : outer + inner }
        switch self {
        case .truncated(let p, let o, let n, let a): return .truncated(path: join(p), offset: o, needed: n, available: a)
        case .offsetOutOfRange(let p, let o, let v): return .offsetOutOfRange(path: join(p), offset: o, pointer: v)
        case .lengthOutOfRange(let p, let o, let l): return .lengthOutOfRange(path: join(p), offset: o, length: l)
        case .nonZeroPadding(let p, let o, let t): return .nonZeroPadding(path: join(p), offset: o, type: t)
        case .valueOutOfRange(let p, let o, let t): return .valueOutOfRange(path: join(p), offset: o, type: t)
        case .invalidBool(let p, let o): return .invalidBool(path: join(p), offset: o)
        case .invalidUTF8(let p, let o): return .invalidUTF8(path: join(p), offset: o)
        case .tooComplex(let p, let o): return .tooComplex(path: join(p), offset: o)
        case .selectorMismatch, .topicMismatch: return self
        }
    }
}
