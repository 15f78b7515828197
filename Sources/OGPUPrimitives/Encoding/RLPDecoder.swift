extension RLP {
    /// Why decoding failed, and where: `offset` is the byte position in the input of the offending header
    /// (nil for checks on an already-decoded `Item`, such as `asUInt()`).
    public struct DecodeError: Error, Equatable, Sendable, CustomStringConvertible {
        public enum Reason: Equatable, Sendable {
            case emptyInput
            case pastEnd(length: UInt64, available: Int)
            case nonCanonicalSingleByte(UInt8)
            case nonCanonicalLongForm(length: UInt64)
            case leadingZeroInLength
            case trailingBytes(count: Int)
            case tooDeep(limit: Int)
            case expectedBytes
            case expectedList
            case leadingZeroInInteger
            case integerTooLarge(bits: Int)
        }

        public let reason: Reason
        public let offset: Int?

        public init(_ reason: Reason, offset: Int?) {
            self.reason = reason
            self.offset = offset
        }

        public var description: String {
            let place = offset.map { "invalid RLP at byte \($0)" } ?? "invalid RLP"
            return "\(place): \(message)"
        }

        private var message: String {
            switch reason {
            case .emptyInput:
                return "input is empty"
            case .pastEnd(let length, let available):
                return "item of \(length) bytes runs past the end of its container (\(available) bytes left)"
            case .nonCanonicalSingleByte(let b):
                let hex = Hex.encode([b])
                return "single byte \(hex) is below 0x80 and must be encoded as itself, not as 0x81 \(hex)"
            case .nonCanonicalLongForm(let length):
                return "length \(length) uses the long form, but lengths under 56 must use the one-byte short form"
            case .leadingZeroInLength:
                return "length has a leading zero byte"
            case .trailingBytes(let count):
                return "\(count) unexpected byte\(count == 1 ? "" : "s") after the end of the item"
            case .tooDeep(let limit):
                return "lists nested deeper than \(limit) levels"
            case .expectedBytes:
                return "expected a byte string, found a list"
            case .expectedList:
                return "expected a list, found a byte string"
            case .leadingZeroInInteger:
                return "integer has a leading zero byte (integers must be minimal big-endian)"
            case .integerTooLarge(let bits):
                return "integer does not fit in \(bits) bits"
            }
        }
    }

    /// Lists nested deeper than this are rejected: no real Ethereum structure comes close, and unbounded
    /// recursion on hostile input would overflow the stack.
    public static let maxDepth = 256

    /// Decodes exactly one item that must span all of `data`. Only the canonical encoding is accepted
    /// (as geth does), so each item has exactly one byte form — hashes of decoded data stay meaningful.
    public static func decode(_ data: [UInt8]) throws -> Item {
        guard !data.isEmpty else { throw DecodeError(.emptyInput, offset: 0) }
        return try data.withUnsafeBufferPointer { buffer in
            var reader = Reader(bytes: buffer)
            let item = try reader.item(end: buffer.count, depth: 0)
            if reader.position != buffer.count {
                throw DecodeError(.trailingBytes(count: buffer.count - reader.position), offset: reader.position)
            }
            return item
        }
    }

    private struct Reader {
        let bytes: UnsafeBufferPointer<UInt8>
        var position = 0

        /// Reads one item that must end at or before `end`.
        mutating func item(end: Int, depth: Int) throws -> Item {
            let start = position
            guard start < end else { throw DecodeError(.pastEnd(length: 1, available: 0), offset: start) }
            let prefix = bytes[start]
            position += 1
            switch prefix {
            case 0x00...0x7f:
                return .bytes([prefix])
            case 0x80...0xbf:
                let length = try payloadLength(prefix: prefix, shortBase: 0x80, start: start, end: end)
                let payload = Array(bytes[position..<position + length])
                if length == 1 && payload[0] < 0x80 {
                    throw DecodeError(.nonCanonicalSingleByte(payload[0]), offset: start)
                }
                position += length
                return .bytes(payload)
            default:
                guard depth < RLP.maxDepth else { throw DecodeError(.tooDeep(limit: RLP.maxDepth), offset: start) }
                let length = try payloadLength(prefix: prefix, shortBase: 0xc0, start: start, end: end)
                let listEnd = position + length
                var items = [Item]()
                while position < listEnd {
                    items.append(try item(end: listEnd, depth: depth + 1))
                }
                return .list(items)
            }
        }

        /// Reads the length that follows `prefix` (if long form) and checks it is canonical and fits before `end`.
        private mutating func payloadLength(prefix: UInt8, shortBase: UInt8, start: Int, end: Int) throws -> Int {
            let length: UInt64
            if prefix - shortBase < 56 {
                length = UInt64(prefix - shortBase)
            } else {
                let width = Int(prefix - shortBase - 55)  // 1...8
                guard width <= end - position else {
                    throw DecodeError(.pastEnd(length: UInt64(width), available: end - position), offset: start)
                }
                guard bytes[position] != 0 else { throw DecodeError(.leadingZeroInLength, offset: start) }
                var value: UInt64 = 0
                for _ in 0..<width {
                    value = value << 8 | UInt64(bytes[position])
                    position += 1
                }
                guard value >= 56 else { throw DecodeError(.nonCanonicalLongForm(length: value), offset: start) }
                length = value
            }
            let available = end - position
            guard length <= UInt64(available) else {
                throw DecodeError(.pastEnd(length: length, available: available), offset: start)
            }
            return Int(length)
        }
    }
}
