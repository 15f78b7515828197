import Foundation
import XCTest

/// The corpus checker itself: a program cannot pass while its run prints a diagnostic it does
/// not expect, or while an error exit expects no error.
final class ScriptProgramRulesTests: XCTestCase {
    func program(_ headers: String) throws -> ScriptProgram {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ogpu-rules-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let url = dir.appendingPathComponent("p.ogpu")
        try headers.write(to: url, atomically: true, encoding: .utf8)
        return try ScriptProgram(url: url)
    }

    func testEveryDiagnosticLineMustBeExpected() throws {
        let p = try program("# exit: 70\n# stderr: error[value]: bad\n")
        let dir = URL(fileURLWithPath: p.path).deletingLastPathComponent().path
        let err = "error[value]: bad\n  --> \(dir)/p.ogpu:3:5\n   = help: do this\n"
        let problems = p.problems(with: .init(out: "", err: err, code: 70))
        XCTAssertEqual(problems, ["stderr line not expected: `p.ogpu:3:5`", "stderr line not expected: `= help: do this`"])
        let full = try program("# exit: 70\n# stderr: error[value]: bad\n# stderr: p.ogpu:3:5\n# stderr: = help: do this\n")
        let fullDir = URL(fileURLWithPath: full.path).deletingLastPathComponent().path
        XCTAssertEqual(full.problems(with: .init(out: "", err: err.replacingOccurrences(of: dir, with: fullDir), code: 70)), [])
    }

    func testErrorExitMustExpectAnError() throws {
        let p = try program("# exit: 65\n# stderr: :1:\n")
        XCTAssertTrue(p.problems(with: .init(out: "", err: "x:1:\n", code: 65)).contains("an exit-65 program must expect its `error[kind]: message` line"))
    }

    func testSuccessMeansEmptyStderr() throws {
        let p = try program("# expect: hi\n")
        XCTAssertEqual(p.problems(with: .init(out: "hi\n", err: "", code: 0)), [])
        XCTAssertEqual(p.problems(with: .init(out: "hi\n", err: "note\n", code: 0)), ["stderr should be empty"])
    }
}
