import BigInt

/// A value to encode as, or decoded from, an `ABIType`.
///
/// `bytes` carries both `bytes` and `bytesN` values; `array` both `T[]` and `T[k]`. Decoding always gives
/// `.uint` for `uintN` and `.int` for `intN`; encoding also accepts the other integer case when the value
/// fits, so callers holding a non-negative `BigInt` need not convert it.
public enum ABIValue: Hashable, Sendable {
    case uint(BigUInt)
    case int(BigInt)
    case address(Address)
    case bool(Bool)
    case bytes([UInt8])
    case string(String)
    case array([ABIValue])
    case tuple([ABIValue])

    /// A short name of the value's kind, for error messages.
    public var kindName: String {
        switch self {
        case .uint: return "uint"
        case .int: return "int"
        case .address: return "address"
        case .bool: return "bool"
        case .bytes: return "bytes"
        case .string: return "string"
        case .array(let items): return "array of \(items.count)"
        case .tuple(let items): return "tuple of \(items.count)"
        }
    }

    public var uintValue: BigUInt? {
        switch self {
        case .uint(let v): return v
        case .int(let v) where v.sign == .plus || v.isZero: return v.magnitude
        default: return nil
        }
    }

    public var intValue: BigInt? {
        switch self {
        case .int(let v): return v
        case .uint(let v): return BigInt(v)
        default: return nil
        }
    }

    public var addressValue: Address? {
        if case .address(let a) = self { return a }
        return nil
    }

    public var boolValue: Bool? {
        if case .bool(let b) = self { return b }
        return nil
    }

    public var bytesValue: [UInt8]? {
        if case .bytes(let b) = self { return b }
        return nil
    }

    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    /// Items of an array or tuple.
    public var items: [ABIValue]? {
        switch self {
        case .array(let items), .tuple(let items): return items
        default: return nil
        }
    }
}

extension ABIValue: CustomStringConvertible {
    /// Solidity-like text: numbers in decimal, bytes in hex, strings quoted, addresses checksummed.
    public var description: String {
        switch self {
        case .uint(let v): return v.description
        case .int(let v): return v.description
        case .address(let a): return a.checksummed
        case .bool(let b): return b ? "true" : "false"
        case .bytes(let b): return Hex.encode(b)
        case .string(let s): return "\"" + s.unicodeScalars.map { scalar -> String in
            switch scalar {
            case "\"": return "\\\""
            case "\\": return "\\\\"
            case "\n": return "\\n"
            default: return String(scalar)
            }
        }.joined() + "\""
        case .array(let items): return "[" + items.map(\.description).joined(separator: ", ") + "]"
        case .tuple(let items): return "(" + items.map(\.description).joined(separator: ", ") + ")"
        }
    }
}

/// A named, typed slot of a function, event or error. `indexed` only matters for event parameters.
public struct ABIParameter: Hashable, Sendable {
    public var name: String
    public var type: ABIType
    public var indexed: Bool

    public init(name: String = "", type: ABIType, indexed: Bool = false) {
        self.name = name
        self.type = type
        self.indexed = indexed
    }
}
