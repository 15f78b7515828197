import OGPUPrimitives
import OGPUScript

/// `--json`: results and errors as one JSON object per line, for programs that read ogpu's
/// output. A value is `{"value": …}` in the `json()` form (amounts as decimal-wei strings,
/// addresses checksummed); an error is `{"error": {"kind", "message", "file", "line", "column",
/// "help"}}` on stderr (`help` when a fix is known), one line per syntax error.
enum JSONReport {
    static func result(of outcome: ScriptOutcome, echo: Bool) -> RunResult {
        switch outcome {
        case .ok(let value):
            guard echo, let value else { return .success(echo: nil) }
            if case .null = value { return .success(echo: nil) }
            return .success(echo: valueLine(value))
        case .syntaxErrors(let diagnostics):
            let lines = diagnostics.map { d in error(kind: d.kind, message: d.message, location: d.location, help: d.hint) }
            return .failure(message: lines.joined(), exitCode: ExitStatus.syntaxError)
        case .runtimeError(let e):
            return .failure(message: error(kind: e.kind, message: e.message, location: e.location, help: e.help),
                            exitCode: e.exitCode)
        }
    }

    /// `{"value": …}` in the `json()` form; a value without one (a function) is sent as its
    /// printed text.
    static func valueLine(_ value: Value) -> String {
        if let line = try? JSONWriter.encode(.map(OrderedMap([("value", value)]))) { return line }
        return (try? JSONWriter.encode(.map(OrderedMap([("value", .string(ValueFormat.quoted(value)))])))) ?? "{\"value\":null}"
    }

    private static func error(kind: String, message: String, location: SourceLocation?, help: String?) -> String {
        var fields: [(String, JSONValue)] = [("kind", .string(kind)), ("message", .string(message))]
        if let location {
            fields += [("file", .string(location.file)), ("line", .int(location.line)), ("column", .int(location.column))]
        }
        if let help { fields.append(("help", .string(help))) }
        return OGPUPrimitives.JSONWriter.string(.object([("error", .object(fields))])) + "\n"
    }
}
