import BigInt
import Foundation
import XCTest
@testable import OGPUKit
@testable import OGPUPrimitives

/// Turning the shared ABI vectors' JSON values into `ABIValue`s, and loading the OpenGPU contract ABIs.
enum ABIVectors {
    static func contractABI(_ contract: String, network: String = "testnet") throws -> ContractABI {
        try ContractABI(json: SharedVectors.sharedData("protocol/abi/\(network)/\(contract)Abi.json"))
    }

    struct VectorError: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    /// How a vector file writes byte strings: as 0x-hex (eth-abi, ethers) or as raw text (ethereum/tests).
    enum BytesStyle { case hex, text }

    /// Converts a JSON vector value to the `ABIValue` for `type`. Integers may be decimal strings or numbers.
    static func value(_ json: Any, as type: ABIType, bytes style: BytesStyle = .hex) throws -> ABIValue {
        switch type {
        case .uint:
            if let text = json as? String, let v = BigUInt(text) { return .uint(v) }
            if let n = json as? NSNumber, n.int64Value >= 0 { return .uint(BigUInt(n.uint64Value)) }
        case .int:
            if let text = json as? String, let v = BigInt(text) { return .int(v) }
            if let n = json as? NSNumber { return .int(BigInt(n.int64Value)) }
        case .address:
            if let text = json as? String { return .address(try Address(hex: text)) }
        case .bool:
            if let b = json as? Bool { return .bool(b) }
        case .fixedBytes, .bytes:
            if let text = json as? String {
                return .bytes(style == .hex ? try Hex.decode(text) : Array(text.utf8))
            }
        case .string:
            if let text = json as? String { return .string(text) }
        case .array(let element), .fixedArray(let element, _):
            if let items = json as? [Any] { return .array(try items.map { try value($0, as: element, bytes: style) }) }
        case .tuple(let components, _):
            if let items = json as? [Any], items.count == components.count {
                return .tuple(try zip(items, components).map { try value($0, as: $1, bytes: style) })
            }
        }
        throw VectorError("cannot read \(json) as \(type.canonical)")
    }
}
