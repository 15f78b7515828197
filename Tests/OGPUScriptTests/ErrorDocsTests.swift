import Foundation
import XCTest
@testable import OGPUScript

/// docs/errors.md explains every error kind a script can meet, each with an example and its fix;
/// docs/language.md names the program that pins each rule, and those programs exist.
final class ErrorDocsTests: XCTestCase {
    func testEveryProgramTheLanguageReferenceNamesExists() throws {
        let text = try String(contentsOf: Repository.root.appendingPathComponent("docs/language.md"), encoding: .utf8)
        let regex = try NSRegularExpression(pattern: "([a-z]+/[a-z0-9_]+)(?=[\\],])")
        let names = regex.matches(in: text, range: NSRange(text.startIndex..., in: text)).map { String(text[Range($0.range(at: 1), in: text)!]) }
        XCTAssertGreaterThan(names.count, 25)
        for name in names {
            let path = Repository.root.appendingPathComponent("Tests/Scripts/\(name).ogpu").path
            XCTAssertTrue(FileManager.default.fileExists(atPath: path), "docs/language.md names \(name), which is not a program under Tests/Scripts")
        }
    }

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
