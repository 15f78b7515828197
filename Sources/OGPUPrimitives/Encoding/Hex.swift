/// Hexadecimal text ↔ bytes, as Ethereum writes it (`0x` prefix optional on input, lowercase on output).
public enum Hex {
    public enum DecodeError: Error, Equatable, CustomStringConvertible {
        case oddLength(Int)
        case invalidCharacter(Character, offset: Int)

        public var description: String {
            switch self {
            case .oddLength(let n): return "hex string has an odd number of digits (\(n))"
            case .invalidCharacter(let c, let i): return "invalid hex digit '\(c)' at offset \(i)"
            }
        }
    }

    private static let digits: [UInt8] = Array("0123456789abcdef".utf8)

    /// Lowercase hex with a `0x` prefix unless `prefix` is false.
    public static func encode<C: Collection>(_ bytes: C, prefix: Bool = true) -> String where C.Element == UInt8 {
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2 + 2)
        if prefix { out.append(0x30); out.append(0x78) }
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes hex text, with or without `0x`/`0X`. Odd length and non-hex characters are errors.
    public static func decode(_ text: String) throws -> [UInt8] {
        var utf8 = Array(text.utf8)
        var offset = 0
        if utf8.count >= 2, utf8[0] == 0x30, utf8[1] == 0x78 || utf8[1] == 0x58 {
            utf8.removeFirst(2)
            offset = 2
        }
        guard utf8.count % 2 == 0 else { throw DecodeError.oddLength(utf8.count) }
        var out = [UInt8]()
        out.reserveCapacity(utf8.count / 2)
        var i = 0
        while i < utf8.count {
            guard let hi = nibble(utf8[i]) else {
                throw DecodeError.invalidCharacter(Character(Unicode.Scalar(utf8[i])), offset: i + offset)
            }
            guard let lo = nibble(utf8[i + 1]) else {
                throw DecodeError.invalidCharacter(Character(Unicode.Scalar(utf8[i + 1])), offset: i + 1 + offset)
            }
            out.append(hi << 4 | lo)
            i += 2
        }
        return out
    }

    @inline(__always)
    package static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case 0x30...0x39: return c - 0x30
        case 0x61...0x66: return c - 0x61 + 10
        case 0x41...0x46: return c - 0x41 + 10
        default: return nil
        }
    }
}
