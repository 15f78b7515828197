#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Why a transaction could not be encoded, decoded or accepted.
public enum TransactionError: Error, Equatable, CustomStringConvertible {
    case empty
    case unsupportedType(UInt8)
    case rlp(String)
    case notAList
    case fieldCount(type: TransactionType, expected: Int, got: Int)
    case expectedBytes(field: String)
    case expectedList(field: String)
    case leadingZeros(field: String)
    case integerTooLarge(field: String, maxBits: Int)
    case badAddress(field: String, length: Int)
    case badStorageKey(length: Int)
    case badV(String)
    case badSignature(String)
    case highS
    case chainIdMismatch(expected: UInt64, got: UInt64?)
    case invalid(String)

    public var description: String {
        switch self {
        case .empty: return "raw transaction is empty"
        case .unsupportedType(let t):
            return "transaction type \(Hex.encode([t])) is not supported (legacy, 0x01 EIP-2930 and 0x02 EIP-1559 are)"
        case .rlp(let why): return "raw transaction is not valid RLP: \(why)"
        case .notAList: return "raw transaction must be an RLP list"
        case .fieldCount(let type, let expected, let got):
            return "\(type) transaction must have \(expected) fields, got \(got)"
        case .expectedBytes(let field): return "field \(field) must be a byte string, not a list"
        case .expectedList(let field): return "field \(field) must be a list"
        case .leadingZeros(let field): return "field \(field) is an integer with leading zero bytes (non-canonical)"
        case .integerTooLarge(let field, let bits): return "field \(field) exceeds \(bits) bits"
        case .badAddress(let field, let length): return "field \(field) must be a 20-byte address, got \(length) bytes"
        case .badStorageKey(let length): return "access list storage keys must be 32 bytes, got \(length)"
        case .badV(let why): return "invalid v: \(why)"
        case .badSignature(let why): return "invalid signature: \(why)"
        case .highS: return "signature s is above n/2 (forbidden since Homestead, EIP-2)"
        case .chainIdMismatch(let expected, let got):
            return "transaction is for chain \(got.map(String.init) ?? "any (no EIP-155 replay protection)"), expected chain \(expected)"
        case .invalid(let why): return "invalid transaction: \(why)"
        }
    }
}
