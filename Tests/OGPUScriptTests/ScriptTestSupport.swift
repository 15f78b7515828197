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

/// Everything a run shows: its output, then its error with kind, message and location, so that
/// differential tests compare two programs' whole behaviour in one string.
func outcomeText(_ source: String) -> String {
    let (out, outcome) = runScript(source)
    switch outcome {
    case .ok: return out
    case .syntaxErrors(let d): return out + "syntax \(d)"
    case .runtimeError(let e):
        return out + "error \(e.kind): \(e.message) at \(e.location?.description ?? "?")"
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
