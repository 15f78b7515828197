import Foundation
import XCTest

/// Runs every language test program under `Tests/Scripts/` through the real `ogpu` binary.
///
/// A program states what it expects in header comments anywhere in the file:
///   `# expect: text`  one line of stdout (in order; all of stdout must match exactly)
///   `# exit: N`       the exit code (default 0)
///   `# stderr: text`  a substring stderr must contain (any number of these)
///   `# args: a b c`   command-line arguments after the file (split on spaces)
/// Files whose name starts with `_` are helpers (imported by others) and are not run.
final class ScriptCorpusTests: XCTestCase {
    struct Program {
        let path: String
        var expected: [String] = []
        var exit: Int32 = 0
        var stderr: [String] = []
        var args: [String] = []
    }

    static var repoRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// The `ogpu` executable built next to this test bundle.
    static func ogpuBinary() -> URL? {
        var candidates: [URL] = []
        let bundle = Bundle(for: ScriptCorpusTests.self).bundleURL
        candidates.append(bundle.deletingLastPathComponent().appendingPathComponent("ogpu"))
        if let arg0 = CommandLine.arguments.first {
            candidates.append(URL(fileURLWithPath: arg0).deletingLastPathComponent().appendingPathComponent("ogpu"))
            candidates.append(URL(fileURLWithPath: arg0).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("ogpu"))
        }
        candidates.append(repoRoot.appendingPathComponent(".build/debug/ogpu"))
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    static func programs() throws -> [Program] {
        let root = repoRoot.appendingPathComponent("Tests/Scripts")
        guard let e = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil) else { return [] }
        var out: [Program] = []
        for case let url as URL in e where url.pathExtension == "ogpu" && !url.lastPathComponent.hasPrefix("_") {
            // Tests/Scripts/network/ needs a devnet: NetworkScriptTests runs those.
            if url.deletingLastPathComponent().lastPathComponent == "network" { continue }
            var p = Program(path: url.path)
            let text = try String(contentsOf: url, encoding: .utf8)
            for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
                let line = raw.trimmingCharacters(in: .whitespaces)
                func value(_ tag: String) -> String? {
                    guard line.hasPrefix(tag) else { return nil }
                    var v = String(line.dropFirst(tag.count))
                    if v.hasPrefix(" ") { v.removeFirst() }
                    return v
                }
                if let v = value("# expect:") { p.expected.append(v) }
                else if let v = value("# exit:") { p.exit = Int32(v.trimmingCharacters(in: .whitespaces)) ?? -1 }
                else if let v = value("# stderr:") { p.stderr.append(v) }
                else if let v = value("# args:") { p.args = v.split(separator: " ").map(String.init) }
            }
            out.append(p)
        }
        return out.sorted { $0.path < $1.path }
    }

    /// Runs one program with a time limit; returns (stdout, stderr, exit code).
    static func run(_ binary: URL, _ p: Program) throws -> (String, String, Int32) {
        let proc = Process()
        proc.executableURL = binary
        proc.arguments = [p.path] + p.args
        proc.currentDirectoryURL = URL(fileURLWithPath: p.path).deletingLastPathComponent()
        var env = ProcessInfo.processInfo.environment
        env["NO_COLOR"] = "1"
        proc.environment = env
        let out = Pipe(), err = Pipe()
        proc.standardOutput = out
        proc.standardError = err
        proc.standardInput = FileHandle.nullDevice
        try proc.run()
        // Both pipes are drained concurrently so a chatty program cannot block on a full pipe.
        let outBox = DataBox(), errBox = DataBox()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async { outBox.data = out.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        group.enter()
        DispatchQueue.global().async { errBox.data = err.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        let deadline = Date().addingTimeInterval(60)
        while proc.isRunning && Date() < deadline { usleep(2000) }
        if proc.isRunning { proc.terminate(); proc.waitUntilExit() }
        group.wait()
        proc.waitUntilExit()
        return (String(decoding: outBox.data, as: UTF8.self), String(decoding: errBox.data, as: UTF8.self), proc.terminationStatus)
    }

    func testEveryScriptProgram() throws {
        let programs = try Self.programs()
        XCTAssertGreaterThan(programs.count, 0, "no programs under Tests/Scripts")
        guard let binary = Self.ogpuBinary() else {
            XCTFail("the ogpu binary was not found next to the test bundle; run `swift build` first")
            return
        }
        var passed = 0
        var failures: [String] = []
        for p in programs {
            let (out, err, code) = try Self.run(binary, p)
            let want = p.expected.isEmpty ? "" : p.expected.joined(separator: "\n") + "\n"
            var problems: [String] = []
            if out != want { problems.append("stdout:\n--- expected\n\(want)--- got\n\(out)---") }
            if code != p.exit { problems.append("exit code \(code), expected \(p.exit)") }
            for s in p.stderr where !err.contains(s) { problems.append("stderr lacks `\(s)`") }
            if problems.isEmpty {
                passed += 1
            } else {
                let rel = p.path.replacingOccurrences(of: Self.repoRoot.path + "/", with: "")
                failures.append("✗ \(rel): " + problems.joined(separator: "; ") + (err.isEmpty ? "" : "\n  stderr: \(err.prefix(400))"))
            }
        }
        for f in failures { print(f) }
        print("Script corpus: \(passed) passed, \(failures.count) failed (of \(programs.count))")
        XCTAssertTrue(failures.isEmpty, "\(failures.count) of \(programs.count) script programs failed (see output above)")
    }
}

/// Filled by one reader thread, read after `DispatchGroup.wait()`.
private final class DataBox: @unchecked Sendable {
    var data = Data()
}
