import Foundation
import XCTest
@testable import OGPUScript

/// docs/errors.md explains every error kind a script can meet, each with an example and its fix.
final class ErrorDocsTests: XCTestCase {
    func testEveryErrorKindHasASection() throws {
        let text = try String(contentsOf: Repository.root.appendingPathComponent("docs/errors.md"), encoding: .utf8)
        let sections = text.components(separatedBy: "\n## ").dropFirst()
        let documented = Set(sections.compactMap { $0.split(separator: " ").first.map(String.init) })
        for kind in ErrorKind.allCases.map(\.rawValue) + ["syntax"] {
            XCTAssertTrue(documented.contains(kind), "docs/errors.md has no `## \(kind) — …` section")
        }
        for section in sections {
            XCTAssertTrue(section.contains("**Fix:**"), "docs/errors.md section `\(section.prefix(30))…` gives no fix")
        }
    }
}
