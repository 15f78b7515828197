/// A type string, signature or JSON ABI entry that could not be parsed.
public struct ABIParseError: Error, Equatable, CustomStringConvertible, Sendable {
    /// What was being parsed (the full input text, or the JSON entry's name).
    public let input: String
    /// Character offset into `input` where the problem was found, when it is known.
    public let offset: Int?
    public let message: String

    public init(input: String, offset: Int?, message: String) {
        self.input = input
        self.offset = offset
        self.message = message
    }

    public var description: String {
        if let offset { return "cannot parse ABI '\(input)' at offset \(offset): \(message)" }
        return "cannot parse ABI '\(input)': \(message)"
    }
}

/// A value that does not fit the ABI type it is being encoded as.
/// `path` locates the value: `arg 0.config`, `arg 1[3]`.
public enum ABIEncodingError: Error, Equatable, CustomStringConvertible, Sendable {
    case typeMismatch(path: String, expected: String, got: String)
    case outOfRange(path: String, type: String, value: String)
    case wrongCount(path: String, type: String, expected: Int, got: Int)
    /// Building a struct from named fields: a component has no value, or a value names no component.
    case missingField(path: String, type: String, field: String)
    case unknownField(path: String, type: String, field: String)

    public var description: String {
        switch self {
        case .typeMismatch(let path, let expected, let got):
            return "\(path): expected a value of type \(expected), got \(got)"
        case .outOfRange(let path, let type, let value):
            return "\(path): \(value) does not fit in \(type)"
        case .wrongCount(let path, let type, let expected, let got):
            return "\(path): \(type) needs \(expected) value\(expected == 1 ? "" : "s"), got \(got)"
        case .missingField(let path, let type, let field):
            return "\(path): no value for field '\(field)' of \(type)"
        case .unknownField(let path, let type, let field):
            return "\(path): \(type) has no field '\(field)'"
        }
    }
}

/// Bytes that are not a valid strict ABI encoding of the expected types.
/// `offset` is the byte offset into the decoded data; `path` locates the value being decoded.
public enum ABIDecodingError: Error, Equatable, CustomStringConvertible, Sendable {
    /// The data ends before the value does.
    case truncated(path: String, offset: Int, needed: Int, available: Int)
    /// An offset word points outside the data (or is too large to be one).
    case offsetOutOfRange(path: String, offset: Int, pointer: String)
    /// An array or byte-string length is larger than the remaining data could hold.
    case lengthOutOfRange(path: String, offset: Int, length: String)
    /// Padding bytes that must be zero (or sign-extension for intN) are not.
    case nonZeroPadding(path: String, offset: Int, type: String)
    /// The word holds a value wider than the type (e.g. 256 in a uint8).
    case valueOutOfRange(path: String, offset: Int, type: String)
    /// A bool word that is neither 0 nor 1.
    case invalidBool(path: String, offset: Int)
    /// A `string` whose bytes are not valid UTF-8.
    case invalidUTF8(path: String, offset: Int)
    /// Offsets that make the decoder revisit the same data over and over (a decompression bomb).
    case tooComplex(path: String, offset: Int)
    /// Calldata or revert data that is too short to hold a 4-byte selector, or has the wrong one.
    case selectorMismatch(expected: String, got: String)
    /// Event topics that do not match the event (count or topic0).
    case topicMismatch(message: String)

    public var description: String {
        switch self {
        case .truncated(let path, let offset, let needed, let available):
            return "\(path): data ends at byte \(available) but the value at byte \(offset) needs \(needed) bytes"
        case .offsetOutOfRange(let path, let offset, let pointer):
            return "\(path): offset \(pointer) at byte \(offset) points outside the data"
        case .lengthOutOfRange(let path, let offset, let length):
            return "\(path): length \(length) at byte \(offset) is larger than the remaining data"
        case .nonZeroPadding(let path, let offset, let type):
            return "\(path): non-zero padding in \(type) at byte \(offset)"
        case .valueOutOfRange(let path, let offset, let type):
            return "\(path): value at byte \(offset) does not fit in \(type)"
        case .invalidBool(let path, let offset):
            return "\(path): bool at byte \(offset) is neither 0 nor 1"
        case .invalidUTF8(let path, let offset):
            return "\(path): string at byte \(offset) is not valid UTF-8"
        case .tooComplex(let path, let offset):
            return "\(path): offsets at byte \(offset) reuse data too often to be a real encoding"
        case .selectorMismatch(let expected, let got):
            return "selector mismatch: expected \(expected), got \(got)"
        case .topicMismatch(let message):
            return "log topics do not match: \(message)"
        }
    }
}
