/// A Solidity ABI type, as the contract ABI specification defines it.
///
/// Types are built from their canonical strings (`ABIType("(address,string,uint256)[]")`) or from JSON ABI
/// parameters. `canonical` gives the string that function selectors and event topics are hashed from.
public indirect enum ABIType: Hashable, Sendable {
    /// `uint<bits>`, bits a multiple of 8 in 8...256. `uint` is an alias for `uint256`.
    case uint(Int)
    /// `int<bits>`, two's complement, bits a multiple of 8 in 8...256. `int` is an alias for `int256`.
    case int(Int)
    case address
    case bool
    /// `bytes<n>`, n in 1...32: a fixed-size byte string, left-aligned in its word.
    case fixedBytes(Int)
    /// Dynamic byte string.
    case bytes
    /// Dynamic UTF-8 string.
    case string
    /// `T[]`: a dynamic-length array.
    case array(ABIType)
    /// `T[k]`: a fixed-length array.
    case fixedArray(ABIType, Int)
    /// `(T1,T2,…)`. `names` holds the component names when they are known (JSON ABI `components`,
    /// named human-readable parameters); they do not change the encoding or the canonical form.
    case tuple([ABIType], names: [String]? = nil)

    /// Parses a type string: canonical (`(uint256,bytes)[2]`) or with aliases and component names
    /// (`uint`, `(address source, string config)`).
    public init(_ text: String) throws {
        self = try ABISignatureParser.parseType(text)
    }

    /// The canonical form used in signatures: aliases expanded, no names, no spaces.
    public var canonical: String {
        switch self {
        case .uint(let bits): return "uint\(bits)"
        case .int(let bits): return "int\(bits)"
        case .address: return "address"
        case .bool: return "bool"
        case .fixedBytes(let n): return "bytes\(n)"
        case .bytes: return "bytes"
        case .string: return "string"
        case .array(let element): return element.canonical + "[]"
        case .fixedArray(let element, let k): return element.canonical + "[\(k)]"
        case .tuple(let components, _): return "(" + components.map(\.canonical).joined(separator: ",") + ")"
        }
    }

    /// Dynamic types are encoded out of line, behind an offset in the head.
    public var isDynamic: Bool {
        switch self {
        case .bytes, .string, .array: return true
        case .fixedArray(let element, _): return element.isDynamic
        case .tuple(let components, _): return components.contains { $0.isDynamic }
        default: return false
        }
    }

    /// Bytes this type takes in the head of an enclosing tuple: 32 for any dynamic type (its offset),
    /// the full inline size for static tuples and fixed arrays. The parser bounds it (see `maxHeadSize`),
    /// so it never overflows.
    public var headSize: Int {
        switch self {
        case .fixedArray(let element, let k) where !element.isDynamic: return element.headSize * k
        case .tuple(let components, _) where !isDynamic: return components.reduce(0) { $0 + $1.headSize }
        default: return 32
        }
    }

    /// The largest inline size a type may have; larger static types could not appear in any real call and
    /// would let hostile type strings overflow size arithmetic.
    public static let maxHeadSize = 1 << 24

    /// True for the types that fit in one word and are stored directly in an event topic when indexed;
    /// every other indexed type is stored as the Keccak-256 hash of its encoding.
    public var isElementary: Bool {
        switch self {
        case .uint, .int, .address, .bool, .fixedBytes: return true
        default: return false
        }
    }

    /// Component names of a tuple, or nil.
    public var componentNames: [String]? {
        if case .tuple(_, let names) = self { return names }
        return nil
    }
}

extension ABIType: CustomStringConvertible {
    public var description: String { canonical }
}
