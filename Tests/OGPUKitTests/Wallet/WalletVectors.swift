import BigInt
import Foundation
import XCTest
@testable import OGPUKit
@testable import OGPUPrimitives

/// Reads the wallet vectors' fields: hex byte strings and integers written as JSON numbers,
/// decimal strings or 0x-hex strings (files are loaded by `SharedVectors`).
enum WalletVectors {
    struct BadField: Error, CustomStringConvertible {
        let description: String
    }

    static func bytes(_ any: Any?) throws -> [UInt8] {
        guard let s = any as? String else { throw BadField(description: "hex field missing or not a string") }
        return try Hex.decode(s)
    }

    /// Accepts JSON numbers, decimal strings and 0x-hex strings.
    static func bigUInt(_ any: Any?) -> BigUInt? {
        switch any {
        case let n as NSNumber: return BigUInt(n.uint64Value)
        case let s as String:
            if s.hasPrefix("0x") || s.hasPrefix("0X") {
                let digits = String(s.dropFirst(2))
                return digits.isEmpty ? 0 : BigUInt(digits, radix: 16)
            }
            return BigUInt(s, radix: 10)
        default: return nil
        }
    }

    static func uint64(_ any: Any?) -> UInt64? {
        guard let big = bigUInt(any), big.bitWidth <= 64 else { return nil }
        return UInt64(big)
    }
}
