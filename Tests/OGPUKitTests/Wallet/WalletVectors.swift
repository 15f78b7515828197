import BigInt
import Foundation
import XCTest
@testable import OGPUKit

/// Loads the shared conformance vectors (`../shared/vectors` beside the repository root). A missing
/// file is an error, never a skip: a test run without vectors would prove nothing.
enum WalletVectors {
    struct Missing: Error, CustomStringConvertible {
        let path: String
        var description: String { "conformance vector file missing: \(path) (expected ../shared/vectors beside the repo)" }
    }

    static let root: URL = {
        var url = URL(fileURLWithPath: #filePath)  // <repo>/Tests/OGPUKitTests/Wallet/WalletVectors.swift
        for _ in 0..<4 { url.deleteLastPathComponent() }
        return url.deletingLastPathComponent().appendingPathComponent("shared/vectors")
    }()

    static func url(_ relative: String) throws -> URL {
        let url = root.appendingPathComponent(relative)
        guard FileManager.default.fileExists(atPath: url.path) else { throw Missing(path: url.path) }
        return url
    }

    /// Parses JSON, first quoting bare integers of 16+ digits so they survive as exact strings
    /// (JSONSerialization would round them through Double).
    static func json(_ relative: String) throws -> Any {
        let text = try String(contentsOf: try url(relative), encoding: .utf8)
        let quoted = text.replacingOccurrences(of: #"(?<=[:\[,\s])(\d{16,})(?=\s*[,\}\]])"#, with: "\"$1\"",
                                               options: .regularExpression)
        return try JSONSerialization.jsonObject(with: Data(quoted.utf8))
    }

    static func files(under relative: String) throws -> [URL] {
        let base = try url(relative)
        guard let walker = FileManager.default.enumerator(at: base, includingPropertiesForKeys: nil) else { return [] }
        return walker.compactMap { $0 as? URL }.filter { $0.pathExtension == "json" }.sorted { $0.path < $1.path }
    }

    static func bytes(_ any: Any?) throws -> [UInt8] {
        guard let s = any as? String else { throw Missing(path: "hex field") }
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
