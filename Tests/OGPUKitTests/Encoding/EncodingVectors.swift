import Foundation
import XCTest
@testable import OGPUKit

/// Shared conformance vectors live in `../shared/vectors/` next to the repository root (never copied in).
/// A missing file is a test failure, not a skip: silently running zero vectors would prove nothing.
enum EncodingVectors {
    static let directory: URL = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { url.deleteLastPathComponent() }  // …/Tests/OGPUKitTests/Encoding/this.swift → root
        return url.deletingLastPathComponent().appendingPathComponent("shared/vectors")
    }()

    /// Parsed JSON of `relativePath` under the vectors directory.
    static func json(_ relativePath: String, file: StaticString = #filePath, line: UInt = #line) throws -> Any {
        let url = directory.appendingPathComponent(relativePath)
        guard let data = FileManager.default.contents(atPath: url.path) else {
            XCTFail("conformance vectors missing: \(url.path)", file: file, line: line)
            throw CocoaError(.fileNoSuchFile)
        }
        return try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
    }

    /// Paths (relative to the vectors directory) of the `.json` files under `relativeDirectory`, sorted.
    static func jsonFiles(under relativeDirectory: String) -> [String] {
        let root = directory.appendingPathComponent(relativeDirectory)
        guard let walker = FileManager.default.enumerator(atPath: root.path) else { return [] }
        return walker.compactMap { $0 as? String }.filter { $0.hasSuffix(".json") }.sorted()
            .map { relativeDirectory + "/" + $0 }
    }

    /// Prints and checks how many vectors of a file actually ran.
    static func report(_ name: String, _ count: Int, file: StaticString = #filePath, line: UInt = #line) {
        print("\(name): \(count) vectors")
        XCTAssertGreaterThan(count, 0, "no vectors ran from \(name)", file: file, line: line)
    }

    static func hex(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> [UInt8] {
        do { return try Hex.decode(text) } catch {
            XCTFail("bad hex in vector: \(error)", file: file, line: line)
            return []
        }
    }
}
