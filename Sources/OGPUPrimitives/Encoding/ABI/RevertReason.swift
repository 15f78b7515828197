import BigInt

/// Why a call or transaction reverted, decoded from its revert data.
///
/// `Error(string)` and `Panic(uint256)` are recognised always; custom errors when their ABI is given.
/// Data that matches none of them — or matches a selector but is not a valid encoding — is kept raw.
public enum RevertReason: Hashable, Sendable {
    /// `revert()` or `require(cond)` without a message: no data at all.
    case empty
    /// `Error(string)`.
    case message(String)
    /// `Panic(uint256)`; see `RevertReason.panicMeaning(_:)`.
    case panic(code: BigUInt)
    /// A custom error from the contract's ABI, with its decoded arguments.
    case custom(error: ABIError, arguments: [ABIValue])
    /// Revert data that could not be attributed to a known error.
    case unknown(data: [UInt8])

    /// Decodes revert data, trying `Error(string)`, `Panic(uint256)`, then `errors` by selector.
    public init(data: [UInt8], errors: [ABIError] = []) {
        guard !data.isEmpty else { self = .empty; return }
        guard data.count >= 4 else { self = .unknown(data: data); return }
        let selector = Array(data.prefix(4))
        if selector == RevertReason.errorSelector {
            if let values = try? ABIError.errorString.decode(data), case .string(let text) = values[0] {
                self = .message(text)
                return
            }
        } else if selector == RevertReason.panicSelector {
            if let values = try? ABIError.panic.decode(data), case .uint(let code) = values[0] {
                self = .panic(code: code)
                return
            }
        } else {
            for error in errors where error.selector == selector {
                if let values = try? error.decode(data) {
                    self = .custom(error: error, arguments: values)
                    return
                }
            }
        }
        self = .unknown(data: data)
    }

    static let errorSelector: [UInt8] = [0x08, 0xc3, 0x79, 0xa0]
    static let panicSelector: [UInt8] = [0x4e, 0x48, 0x7b, 0x71]

    /// The error's name: `Error`, `Panic`, the custom error's name; nil for empty or unknown data.
    public var name: String? {
        switch self {
        case .empty, .unknown: return nil
        case .message: return "Error"
        case .panic: return "Panic"
        case .custom(let error, _): return error.name
        }
    }

    /// The decoded arguments, in declaration order.
    public var arguments: [ABIValue] {
        switch self {
        case .empty, .unknown: return []
        case .message(let text): return [.string(text)]
        case .panic(let code): return [.uint(code)]
        case .custom(_, let arguments): return arguments
        }
    }

    /// What a Solidity panic code means (from the Solidity documentation, "Panic via assert and Error via require").
    public static func panicMeaning(_ code: BigUInt) -> String {
        switch code {
        case 0x00: return "generic compiler-inserted panic"
        case 0x01: return "assertion failed"
        case 0x11: return "arithmetic overflow or underflow"
        case 0x12: return "division or modulo by zero"
        case 0x21: return "conversion to an invalid enum value"
        case 0x22: return "access to an incorrectly encoded storage byte array"
        case 0x31: return "pop() on an empty array"
        case 0x32: return "array index out of bounds"
        case 0x41: return "out of memory (allocation too large)"
        case 0x51: return "call to a zero-initialized internal function"
        default: return "unknown panic code"
        }
    }
}

extension RevertReason: CustomStringConvertible {
    /// One line for users: `reverted: insufficient funds`, `panic 0x11 (arithmetic overflow or underflow)`,
    /// `OwnableUnauthorizedAccount(account: 0x…)`.
    public var description: String {
        switch self {
        case .empty:
            return "reverted without a reason"
        case .message(let text):
            return "reverted: \(text)"
        case .panic(let code):
            return "panic 0x\(String(code, radix: 16)) (\(RevertReason.panicMeaning(code)))"
        case .custom(let error, let arguments):
            let parts = zip(error.inputs, arguments).map { p, v in p.name.isEmpty ? v.description : "\(p.name): \(v)" }
            return "\(error.name)(\(parts.joined(separator: ", ")))"
        case .unknown(let data):
            return "reverted with unrecognised data \(Hex.encode(data))"
        }
    }
}
