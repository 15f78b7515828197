import OGPUScript

/// `--json`: results and errors as one JSON object per line, for programs that read ogpu's
/// output. A value is `{"value": …}` in the `json()` form (amounts as decimal-wei strings,
/// addresses checksummed); an error is `{"error": {"kind", "message", "file", "line", "column"}}`
/// on stderr, one line per syntax error.
enum JSONReport {
    static func result(of outcome: ScriptOutcome, echo: Bool) -> RunResult {
        switch outcome {
        case .ok(let value):
            guard echo, let value else { return .success(echo: nil) }
            if case .null = value { return .success(echo: nil) }
            return .success(echo: "{\"value\":\(encode(value))}")
        case .syntaxErrors(let diagnostics):
            let lines = diagnostics.map { d in
                error(kind: d.kind, message: d.message, location: d.location, extra: d.hint.map { ["hint": $0] } ?? [:])
            }
            return .failure(message: lines.joined(), exitCode: ExitStatus.syntaxError)
        case .runtimeError(let e):
            return .failure(message: error(kind: e.kind, message: e.message, location: e.location, extra: [:]),
                            exitCode: e.exitCode)
        }
    }

    /// The `json()` form; values without one (functions) fall back to their printed text.
    static func encode(_ value: Value) -> String {
        (try? JSONWriter.encode(value)) ?? string(ValueFormat.quoted(value))
    }

    static func string(_ s: String) -> String {
        (try? JSONWriter.encode(.string(s))) ?? "\"\""
    }

    private static func error(kind: String, message: String, location: SourceLocation?, extra: [String: String]) -> String {
        var fields = ["\"kind\":\(string(kind))", "\"message\":\(string(message))"]
        if let location {
            fields += ["\"file\":\(string(location.file))", "\"line\":\(location.line)", "\"column\":\(location.column)"]
        }
        for (key, value) in extra.sorted(by: { $0.key < $1.key }) { fields.append("\(string(key)):\(string(value))") }
        return "{\"error\":{\(fields.joined(separator: ","))}}\n"
    }
}
