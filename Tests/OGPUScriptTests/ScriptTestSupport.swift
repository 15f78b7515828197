import XCTest
@testable import OGPUScript

/// Collects a script's output for assertions.
final class CapturingHost: ScriptHost {
    var out = ""
    var err = ""
    func write(_ text: String) { out += text }
    func writeError(_ text: String) { err += text }
    var isTerminal: Bool { false }
}

/// Runs `source` as a file; returns stdout, or a description of the failure.
func runScript(_ source: String, file: String = "test.ogpu") -> (out: String, outcome: ScriptOutcome) {
    let host = CapturingHost()
    let session = ScriptSession(host: host)
    let outcome = session.runFile(source: source, path: file)
    return (host.out, outcome)
}

/// How much of an error's location `outcomeText` shows: differential tests whose two programs
/// differ in columns (or lines) compare less of it.
enum ErrorPlace { case full, line, none }

/// Everything a run shows: its output, then its error with kind, message and location, so that
/// differential tests compare two programs' whole behaviour in one string.
func outcomeText(_ source: String, place: ErrorPlace = .full) -> String {
    let (out, outcome) = runScript(source)
    switch outcome {
    case .ok: return out
    case .syntaxErrors(let d): return out + "syntax \(d)"
    case .runtimeError(let e):
        switch place {
        case .full: return out + "error \(e.kind): \(e.message) at \(e.location?.description ?? "?")"
        case .line: return out + "error \(e.kind): \(e.message) line \(e.location?.line ?? 0)"
        case .none: return out + "error \(e.kind): \(e.message)"
        }
    }
}

func syntaxErrors(_ source: String) -> [Diagnostic] {
    if case .syntaxErrors(let d) = runScript(source).outcome { return d }
    return []
}

func runtimeError(_ source: String) -> ScriptError? {
    if case .runtimeError(let e) = runScript(source).outcome { return e }
    return nil
}

func output(_ source: String, file: StaticString = #filePath, line: UInt = #line) -> String {
    let (out, outcome) = runScript(source)
    switch outcome {
    case .ok: break
    case .syntaxErrors(let d): XCTFail("syntax errors: \(d)", file: file, line: line)
    case .runtimeError(let e): XCTFail("runtime error: \(e.kind): \(e.message) at \(e.location?.description ?? "?")", file: file, line: line)
    }
    return out
}
