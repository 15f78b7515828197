import Foundation
import XCTest

/// Runs every language test program under `Tests/Scripts/` through the real `ogpu` binary, checking
/// the `# expect:` / `# exit:` / `# stderr:` / `# args:` headers described in `ScriptProgram`.
/// `Tests/Scripts/network/` needs a devnet: NetworkScriptTests runs those.
final class ScriptCorpusTests: XCTestCase {
    static func programs() throws -> [ScriptProgram] {
        let root = Repository.root.appendingPathComponent("Tests/Scripts")
        guard let e = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil) else { return [] }
        let urls = e.compactMap { $0 as? URL }.filter { $0.deletingLastPathComponent().lastPathComponent != "network" }
        return try ScriptProgram.programs(urls)
    }

    func testEveryScriptProgram() throws {
        try runEveryProgram(collectingCyclesEvery: nil)
    }

    /// The same programs with the cycle collector running at every closure that captures
    /// (`OGPU_DEBUG_COLLECT_EVERY`, read by debug builds, which also check the collector's
    /// invariants as it runs): a collector that freed a value still in use changes an answer or
    /// stops the run.
    func testEveryScriptProgramCollectingCyclesAtEveryClosure() throws {
        try runEveryProgram(collectingCyclesEvery: 1)
    }

    private func runEveryProgram(collectingCyclesEvery every: Int?) throws {
        let programs = try Self.programs()
        XCTAssertGreaterThan(programs.count, 0, "no programs under Tests/Scripts")
        guard let binary = OgpuBinary.find() else {
            XCTFail("the ogpu binary was not found next to the test bundle; run `swift build` first")
            return
        }
        var environment = ProcessInfo.processInfo.environment
        environment["NO_COLOR"] = "1"
        environment["OGPU_DEBUG_COLLECT_EVERY"] = every.map(String.init)
        var passed = 0
        var failures: [String] = []
        for p in programs {
            let r = try OgpuBinary.run(binary, [p.path] + p.args, environment: environment,
                                       cwd: URL(fileURLWithPath: p.path).deletingLastPathComponent(), limit: 60)
            let problems = p.problems(with: r)
            if problems.isEmpty {
                passed += 1
            } else {
                let rel = p.path.replacingOccurrences(of: Repository.root.path + "/", with: "")
                failures.append("✗ \(rel): " + problems.joined(separator: "; ") + (r.err.isEmpty ? "" : "\n  stderr: \(r.err.prefix(400))"))
            }
        }
        for f in failures { print(f) }
        print("Script corpus\(every.map { ", collecting every \($0) closures" } ?? ""): \(passed) passed, \(failures.count) failed (of \(programs.count))")
        XCTAssertTrue(failures.isEmpty, "\(failures.count) of \(programs.count) script programs failed (see output above)")
    }
}
