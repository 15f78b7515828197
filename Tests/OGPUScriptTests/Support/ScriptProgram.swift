import Foundation
import XCTest

/// A `.ogpu` test program run through the real `ogpu` binary, with what it expects written in header
/// comments anywhere in the file:
///   `# expect: text`  one line of stdout (in order; all of stdout must match exactly)
///   `# exit: N`       the exit code (default 0)
///   `# stderr: text`  a substring stderr must contain (any number of these)
///   `# args: a b c`   command-line arguments after the file (split on spaces)
///   `# flags: …`      command-line options before the file (split on spaces)
/// Files whose name starts with `_` are helpers (imported by others) and are not run.
///
/// So that no program passes by accident, every diagnostic the run prints must be expected: each
/// `error[kind]: message` / `warning[kind]: message` line, each `= help: …` line and each
/// `--> file.ogpu:line:col` word for word (paths are shown without the program's folder, which
/// differs between machines); a program with no `# stderr:` lines
/// must leave stderr empty; and one that expects exit 65 or 70 must expect at least one error.
struct ScriptProgram {
    let path: String
    var expected: [String] = []
    var exit: Int32 = 0
    var stderr: [String] = []
    var args: [String] = []
    var flags: [String] = []

    /// `OGPU_SCRIPT_FILTER` (set by `scripts/test-lang PATTERN`): run only the programs whose
    /// path contains it.
    static var filter: String { ProcessInfo.processInfo.environment["OGPU_SCRIPT_FILTER"] ?? "" }

    /// What one run of the binary gave.
    struct Outcome { let out: String; let err: String; let code: Int32 }

    /// Reads the expectation headers of the program at `url`.
    init(url: URL) throws {
        path = url.path
        let text = try String(contentsOf: url, encoding: .utf8)
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            // One space after the tag separates it; any more belong to the value (`# expect:   indented`).
            func value(_ tag: String) -> String? {
                guard line.hasPrefix(tag) else { return nil }
                var v = String(line.dropFirst(tag.count))
                if v.hasPrefix(" ") { v.removeFirst() }
                return v
            }
            if let v = value("# expect:") { expected.append(v) }
            else if let v = value("# exit:") { exit = Int32(v.trimmingCharacters(in: .whitespaces)) ?? -1 }
            else if let v = value("# stderr:") { stderr.append(v) }
            else if let v = value("# args:") { args = v.split(separator: " ").map(String.init) }
            else if let v = value("# flags:") { flags = v.split(separator: " ").map(String.init) }
        }
    }

    /// The programs (not helpers) among `urls`, sorted by path; with `OGPU_SCRIPT_FILTER` set
    /// (`scripts/test-lang PATTERN`), only those whose path contains it.
    static func programs(_ urls: [URL]) throws -> [ScriptProgram] {
        try urls.filter { $0.pathExtension == "ogpu" && !$0.lastPathComponent.hasPrefix("_") }
            .filter { filter.isEmpty || $0.path.contains(filter) }
            .sorted { $0.path < $1.path }
            .map(ScriptProgram.init(url:))
    }

    /// How the outcome differs from the headers; empty when it matches.
    func problems(with r: Outcome) -> [String] {
        let want = expected.isEmpty ? "" : expected.joined(separator: "\n") + "\n"
        var problems: [String] = []
        if r.out != want { problems.append("stdout:\n--- expected\n\(want)--- got\n\(r.out)---") }
        if r.code != exit { problems.append("exit code \(r.code), expected \(exit)") }
        // Paths in messages are machine-specific; the program's own folder is left out of them.
        let err = r.err.replacingOccurrences(of: URL(fileURLWithPath: path).deletingLastPathComponent().path + "/", with: "")
        for s in stderr where !err.contains(s) { problems.append("stderr lacks `\(s)`") }
        if stderr.isEmpty && !err.isEmpty { problems.append("stderr should be empty") }
        if exit == 65 || exit == 70, !stderr.contains(where: { $0.hasPrefix("error[") }) {
            problems.append("an exit-\(exit) program must expect its `error[kind]: message` line")
        }
        for line in unexpectedDiagnostics(in: err) { problems.append("stderr line not expected: `\(line)`") }
        return problems
    }

    /// The diagnostic lines (or, for `-->` lines, their `file:line:col`) of `err` that no `# stderr:`
    /// line checks.
    func unexpectedDiagnostics(in err: String) -> [String] {
        var missing: [String] = []
        for raw in err.split(separator: "\n") {
            let line = raw.trimmingCharacters(in: .whitespaces)
            var needed: String? = nil
            if line.hasPrefix("error[") || line.hasPrefix("warning[") || line.hasPrefix("= help:") {
                needed = line
            } else if line.hasPrefix("--> ") {
                needed = String(line.dropFirst(4))
            }
            if let needed, !stderr.contains(where: { $0.contains(needed) }) { missing.append(needed) }
        }
        return missing
    }
}

/// Locating and running the `ogpu` executable the tests exercise.
enum OgpuBinary {
    /// The `ogpu` executable built next to this test bundle.
    static func find() -> URL? {
        var candidates: [URL] = []
        let bundle = Bundle(for: BundleMarker.self).bundleURL
        candidates.append(bundle.deletingLastPathComponent().appendingPathComponent("ogpu"))
        if let arg0 = CommandLine.arguments.first {
            candidates.append(URL(fileURLWithPath: arg0).deletingLastPathComponent().appendingPathComponent("ogpu"))
            candidates.append(URL(fileURLWithPath: arg0).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("ogpu"))
        }
        candidates.append(Repository.root.appendingPathComponent(".build/debug/ogpu"))
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    /// Runs `binary` with `arguments`, no stdin and `environment`; stops it after `limit` seconds.
    static func run(_ binary: URL, _ arguments: [String], environment: [String: String], cwd: URL? = nil,
                    limit: TimeInterval) throws -> ScriptProgram.Outcome {
        let proc = Process()
        proc.executableURL = binary
        proc.arguments = arguments
        if let cwd { proc.currentDirectoryURL = cwd }
        proc.environment = environment
        let out = Pipe(), err = Pipe()
        proc.standardOutput = out
        proc.standardError = err
        proc.standardInput = FileHandle.nullDevice
        try proc.run()
        // Both pipes are drained concurrently so a chatty program cannot block on a full pipe.
        let outBox = OutputBox(), errBox = OutputBox()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async { outBox.data = out.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        group.enter()
        DispatchQueue.global().async { errBox.data = err.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        let deadline = Date().addingTimeInterval(limit)
        while proc.isRunning && Date() < deadline { usleep(2000) }
        if proc.isRunning { proc.terminate() }
        proc.waitUntilExit()
        group.wait()
        return ScriptProgram.Outcome(out: String(decoding: outBox.data, as: UTF8.self),
                                     err: String(decoding: errBox.data, as: UTF8.self), code: proc.terminationStatus)
    }

    private final class BundleMarker {}
}

/// One pipe's bytes, filled by a reader thread and read after `DispatchGroup.wait()`.
private final class OutputBox: @unchecked Sendable {
    var data = Data()
}
