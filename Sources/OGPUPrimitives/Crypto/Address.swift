/// A 20-byte Ethereum account address. Parsing is strict in the way that protects money: a mixed-case address
/// must carry a valid EIP-55 checksum, so a mistyped character is caught instead of sending funds nowhere.
public struct Address: Hashable, Sendable, CustomStringConvertible {
    public let bytes: [UInt8]

    public static let byteCount = 20
    public static let zero = Address(validBytes: [UInt8](repeating: 0, count: byteCount))

    public init(bytes: [UInt8]) throws {
        guard bytes.count == Address.byteCount else { throw AddressError.wrongByteCount(bytes.count) }
        self.bytes = bytes
    }

    private init(validBytes: [UInt8]) {
        self.bytes = validBytes
    }

    /// Parses `0x` followed by 40 hex digits (the `0x` may be omitted). All-lowercase and all-uppercase digits
    /// carry no checksum and are accepted; mixed case must match EIP-55 exactly.
    public init(hex text: String) throws {
        var digits = Substring(text)
        var prefixLength = 0
        if digits.hasPrefix("0x") || digits.hasPrefix("0X") {
            digits = digits.dropFirst(2)
            prefixLength = 2
        }
        let utf8 = Array(digits.utf8)
        var bytes = [UInt8]()
        bytes.reserveCapacity(Address.byteCount)
        var hasLower = false, hasUpper = false
        for (i, c) in utf8.enumerated() {
            guard Hex.nibble(c) != nil else {
                let character = digits[digits.utf8.index(digits.utf8.startIndex, offsetBy: i)...].first!
                throw AddressError.invalidCharacter(character, offset: prefixLength + i)
            }
            if c >= 0x61 { hasLower = true } else if c >= 0x41 { hasUpper = true }
        }
        guard utf8.count == 2 * Address.byteCount else { throw AddressError.wrongDigitCount(utf8.count) }
        for i in stride(from: 0, to: utf8.count, by: 2) {
            bytes.append(Hex.nibble(utf8[i])! << 4 | Hex.nibble(utf8[i + 1])!)
        }
        self.bytes = bytes
        if hasLower && hasUpper {
            let expected = checksummed
            guard expected.utf8.dropFirst(2).elementsEqual(utf8) else {
                throw AddressError.checksumMismatch(expected: expected)
            }
        }
    }

    /// EIP-55 form: hex digit i is uppercase when nibble i of keccak256(lowercase hex) is ≥ 8.
    public var checksummed: String {
        let lower = Array(Hex.encode(bytes, prefix: false).utf8)
        let hash = Keccak256.hash(lower)
        var out: [UInt8] = [0x30, 0x78]
        out.reserveCapacity(42)
        for (i, c) in lower.enumerated() {
            let nibble = i & 1 == 0 ? hash[i >> 1] >> 4 : hash[i >> 1] & 0x0f
            out.append(c >= 0x61 && nibble >= 8 ? c - 0x20 : c)
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Lowercase `0x…` form, for places that compare or store addresses as text.
    public var lowercaseHex: String { Hex.encode(bytes) }

    public var description: String { checksummed }
}

extension Address: Codable {
    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        try self.init(hex: text)
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(checksummed)
    }
}

public enum AddressError: Error, Equatable, Sendable, CustomStringConvertible {
    case wrongByteCount(Int)
    case wrongDigitCount(Int)
    case invalidCharacter(Character, offset: Int)
    case checksumMismatch(expected: String)

    public var description: String {
        switch self {
        case .wrongByteCount(let n):
            return "an address is 20 bytes, got \(n)"
        case .wrongDigitCount(let n):
            return "an address is 0x followed by 40 hex digits, got \(n) digits"
        case .invalidCharacter(let c, let offset):
            return "invalid hex digit '\(c)' at offset \(offset) in address"
        case .checksumMismatch(let expected):
            // Careful wording: the suggestion is the checksum of what was typed, which is only the intended
            // address if the digits themselves are right.
            return "address checksum mismatch (a character may be mistyped); "
                + "if every digit is right, did you mean \(expected)?"
        }
    }
}
