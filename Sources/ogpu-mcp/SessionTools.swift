import Foundation
import OGPUCommand
import OGPUPrimitives
import OGPUScript

/// What each tool does, run on the session's thread (SessionWorker): the `eval` tool runs code as
/// the REPL does; the typed tools call the same built-ins a script would (`task`, `publish`,
/// `wait`, …) through the engine, so every check and guard of the language and the core applies
/// and no flow is written twice.
struct SessionTools {
    let engine: ScriptEngine
    let output: CapturedOutput

    /// A task's properties in a typed result (each read asks the chain once).
    static let taskProperties = ["address", "tx", "status", "source", "payment", "expiry", "attempts", "explorer"]
    static let responseProperties = ["address", "task", "provider", "status", "confirmed", "data", "url", "time"]

    /// `eval`: code in the persistent session; names persist across calls.
    func eval(_ args: ToolArguments) -> ToolAnswer {
        let code: String
        do { code = try args.requiredString("code") } catch { return failure(error) }
        let result = engine.evaluate(code)
        let printed = output.take()
        var text = printed.output + truncationNote(printed) + printed.errors
        var fields: [(String, JSONValue)] = [("output", .string(printed.output)), ("notices", .string(printed.errors))]
        if printed.droppedBytes > 0 { fields.append(("truncated_bytes", .int(printed.droppedBytes))) }
        switch result {
        case .success(let echo):
            let shown = echo.map(bounded)
            if let shown { text += shown + "\n" }
            return ToolAnswer(text: text, structured: .object(fields + [("value", shown.map(JSONValue.string) ?? .null)]), isError: false)
        case .failure(let rendered, _):
            let message = Self.serverHint(rendered)
            let kind = engine.lastErrorKind ?? "error"
            return ToolAnswer(text: text + message,
                              structured: .object(fields + [("error", .object([("kind", .string(kind)), ("report", .string(message))]))]),
                              isError: true)
        }
    }

    func publishTask(_ args: ToolArguments) -> ToolAnswer {
        typed {
            var named: [(name: String, value: Value)] = []
            if let payment = try args.decimal("payment", unit: "OGPU") { named.append(("payment", try engine.call("ogpu", [payment]))) }
            if let expiry = try args.seconds("expiry_seconds") { named.append(("expiry", .duration(Dec(expiry)))) }
            for (key, value) in try args.map("extras")?.pairs ?? OrderedMap().pairs { named.append((key, value)) }
            let data = try args.map("data").map(Value.map) ?? .null
            let draft = try engine.call("task", [try args.address("source"), .string(try args.requiredString("function")), data], named: named)
            var options: [(name: String, value: Value)] = []
            let dryRun = try args.bool("dry_run") ?? false
            if dryRun { options.append(("dry_run", .bool(true))) }
            if try args.bool("again") ?? false { options.append(("again", .bool(true))) }
            let published = try engine.call("publish", [draft], named: options)
            return dryRun ? published : try ToolJSON.describe(published, Self.taskProperties)
        }
    }

    func waitTask(_ args: ToolArguments, timeout: Int) -> ToolAnswer {
        typed {
            let task = try engine.call("task_at", [try args.address("task")])
            var named: [(name: String, value: Value)] = [("timeout", .duration(Dec(timeout)))]
            if let until = try args.string("until") { named.append(("until", .string(until))) }
            return try ToolJSON.describe(try engine.call("wait", [task], named: named), Self.responseProperties)
        }
    }

    func taskResponses(_ args: ToolArguments) -> ToolAnswer {
        typed {
            guard case .list(let responses) = try engine.call("responses", [try args.address("task")]) else { return .list([]) }
            return .list(try responses.map { try ToolJSON.describe($0, Self.responseProperties) })
        }
    }

    func taskStatus(_ args: ToolArguments) -> ToolAnswer {
        typed { try ToolJSON.describe(try engine.call("task_at", [try args.address("task")]), Self.taskProperties) }
    }

    func estimatePayment(_ args: ToolArguments) -> ToolAnswer {
        typed {
            let level = try args.string("level") ?? "medium"
            return .map(OrderedMap([("level", .string(level)), ("payment", try engine.call("estimate_payment", [.string(level)]))]))
        }
    }

    func balance(_ args: ToolArguments) -> ToolAnswer {
        typed {
            let who = try account(args)
            return .map(OrderedMap([("address", who), ("balance", try engine.call("balance", [who]))]))
        }
    }

    func vault(_ args: ToolArguments) -> ToolAnswer {
        typed {
            let who = try account(args)
            guard case .map(var vault) = try engine.call("vault", [who]) else { return .null }
            vault.set("address", who)
            return .map(vault)
        }
    }

    /// The `address` argument, else the signing account (`me()`).
    private func account(_ args: ToolArguments) throws -> Value {
        if args["address"] != nil { return try args.address("address") }
        return try engine.call("me", [])
    }

    /// Runs a typed tool: its value as the REPL would show it (amounts in OGPU) and as `json()`
    /// writes it (amounts in wei) for `structuredContent`; an error as a script's error.
    private func typed(_ body: () throws -> Value) -> ToolAnswer {
        do {
            let value = try body()
            let printed = output.take()
            let shown = bounded(ValueFormat.pretty(value, color: false, width: 100))
            let structured: JSONValue
            if case .list = value { structured = .object([("items", ToolJSON.from(value))]) } else { structured = ToolJSON.from(value) }
            return ToolAnswer(text: printed.output + truncationNote(printed) + printed.errors + shown + "\n", structured: structured, isError: false)
        } catch {
            return failure(error)
        }
    }

    private func failure(_ error: Error) -> ToolAnswer {
        let printed = output.take()
        let e = error as? ScriptError ?? ScriptError(.io, "\(error)")
        var answer = ToolAnswer.failure(Self.serverHint(engine.report(e)), kind: e.kind)
        answer.text = printed.output + truncationNote(printed) + printed.errors + answer.text
        return answer
    }

    /// The core's refusal to send on mainnet without a confirmation names the command line's
    /// `--yes`; here the server's own allowance is what was missing.
    static func serverHint(_ report: String) -> String {
        report.replacingOccurrences(of: "pass --yes to send from a script",
                                    with: "this server was started without --allow-mainnet, so its tools do not send there")
    }

    /// A value's text cut to the output limit (a list of a million items prints as megabytes).
    private func bounded(_ text: String) -> String {
        guard text.utf8.count > output.limit else { return text }
        let kept = String(decoding: text.utf8.prefix(output.limit), as: UTF8.self)
        return kept + "\n… value truncated: \(text.utf8.count - output.limit) more bytes (limit \(output.limit))"
    }

    private func truncationNote(_ printed: CapturedOutput.Taken) -> String {
        printed.droppedBytes > 0 ? "\n… output truncated: \(printed.droppedBytes) more bytes were printed (limit \(output.limit) per call)\n" : ""
    }
}
