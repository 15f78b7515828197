import Foundation
import XCTest
@testable import OGPUKit
@testable import OGPUPrimitives

/// Reads the shared conformance data that lives beside the repository root (`<repo>/../shared`),
/// found from this file's path so it works from any checkout or worktree; it is never copied in.
/// A missing file fails the test instead of skipping it: a run without vectors would prove nothing.
enum SharedVectors {
    struct Missing: Error, CustomStringConvertible {
        let path: String
        var description: String { "shared file missing: \(path) (expected ../shared beside the repository)" }
    }

    /// `<repo>/../shared` (this file is `<repo>/Tests/OGPUKitTests/Support/SharedVectors.swift`).
    static let sharedDirectory: URL = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { url.deleteLastPathComponent() }
        return url.deletingLastPathComponent().appendingPathComponent("shared")
    }()

    /// `shared/vectors`: the base of every path the vector helpers take.
    static let directory = sharedDirectory.appendingPathComponent("vectors")

    /// The bytes of `relativePath` under `shared/` (e.g. `protocol/abi/testnet/TaskAbi.json`).
    static func sharedData(_ relativePath: String, file: StaticString = #filePath, line: UInt = #line) throws -> Data {
        try Data(contentsOf: existing(sharedDirectory.appendingPathComponent(relativePath), file: file, line: line))
    }

    /// The bytes of `relativePath` under `shared/vectors/`.
    static func data(_ relativePath: String, file: StaticString = #filePath, line: UInt = #line) throws -> Data {
        try Data(contentsOf: existing(directory.appendingPathComponent(relativePath), file: file, line: line))
    }

    /// Parsed JSON of `relativePath` under `shared/vectors/`. With `exactLongIntegers`, bare integers of
    /// 16+ digits are quoted first so they arrive as exact decimal strings (JSONSerialization would
    /// round them through Double).
    static func json(_ relativePath: String, exactLongIntegers: Bool = false,
                     file: StaticString = #filePath, line: UInt = #line) throws -> Any {
        var bytes = try data(relativePath, file: file, line: line)
        if exactLongIntegers {
            let quoted = String(decoding: bytes, as: UTF8.self)
                .replacingOccurrences(of: #"(?<=[:\[,\s])(\d{16,})(?=\s*[,\}\]])"#, with: "\"$1\"", options: .regularExpression)
            bytes = Data(quoted.utf8)
        }
        return try JSONSerialization.jsonObject(with: bytes, options: [.fragmentsAllowed])
    }

    /// Paths (relative to `shared/vectors/`) of the `.json` files anywhere under `relativeDirectory`, sorted.
    static func jsonFiles(under relativeDirectory: String, file: StaticString = #filePath, line: UInt = #line) throws -> [String] {
        let root = try existing(directory.appendingPathComponent(relativeDirectory), file: file, line: line)
        guard let walker = FileManager.default.enumerator(atPath: root.path) else { return [] }
        return walker.compactMap { $0 as? String }.filter { $0.hasSuffix(".json") }.sorted()
            .map { relativeDirectory + "/" + $0 }
    }

    /// Prints and checks how many vectors of a file actually ran.
    static func report(_ name: String, _ count: Int, file: StaticString = #filePath, line: UInt = #line) {
        print("\(name): \(count) vectors")
        XCTAssertGreaterThan(count, 0, "no vectors ran from \(name)", file: file, line: line)
    }

    /// Decodes a vector's hex field; bad hex fails the test (and yields no bytes) rather than throwing.
    static func hex(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> [UInt8] {
        do { return try Hex.decode(text) } catch {
            XCTFail("bad hex in vector: \(error)", file: file, line: line)
            return []
        }
    }

    private static func existing(_ url: URL, file: StaticString, line: UInt) throws -> URL {
        guard FileManager.default.fileExists(atPath: url.path) else {
            XCTFail(Missing(path: url.path).description, file: file, line: line)
            throw Missing(path: url.path)
        }
        return url
    }
}
