#if canImport(FoundationEssentials)
import FoundationEssentials
import Glibc
import Dispatch
#else
import Foundation
#endif
import OGPUKit
import OGPUPrimitives
import OGPUScript

/// What the kernel's session is made from: the command line's options, and their configuration
/// once it is known (nil while a keystore's password has still to be asked in the notebook).
struct KernelSessionSetup {
    var options: CommandOptions
    var configuration: CLIConfiguration?
}

extension KernelServer {
    /// The session thread: one shell request at a time, until the kernel stops.
    func shellLoop() {
        let handler = KernelShell(server: self)
        while !isStopping {
            if let request = receive(on: shell, timeout: 100) { handler.handle(request) }
        }
    }
}

/// The shell channel's requests, answered on the session thread with one ScriptEngine whose names
/// persist from cell to cell — the same engine, completer, continuation rules and `help` as the REPL.
final class KernelShell {
    private unowned let server: KernelServer
    private var engine: ScriptEngine?
    private var executionCount = 0
    /// The execute request running now, and whether its client can answer `input_request`s.
    private var running: (request: KernelMessage, allowStdin: Bool)?

    init(server: KernelServer) { self.server = server }

    func handle(_ request: KernelMessage, aborting: Bool = false) {
        server.publish("status", .object([("execution_state", .string("busy"))]), parent: request.header)
        defer { server.publish("status", .object([("execution_state", .string("idle"))]), parent: request.header) }
        let content = request.content
        switch request.type {
        case "execute_request" where aborting:
            reply(request, "execute_reply", .object([("status", "aborted"), ("execution_count", .int(executionCount))]))
        case "execute_request":
            for queued in execute(request) { handle(queued, aborting: true) }
        case "complete_request": reply(request, "complete_reply", complete(content))
        case "inspect_request": reply(request, "inspect_reply", inspect(content))
        case "is_complete_request": reply(request, "is_complete_reply", isComplete(content["code"]?.stringValue ?? ""))
        case "kernel_info_request": reply(request, "kernel_info_reply", Self.kernelInfo)
        case "history_request": reply(request, "history_reply", .object([("status", "ok"), ("history", .array([]))]))
        case "comm_info_request": reply(request, "comm_info_reply", .object([("status", "ok"), ("comms", .object([]))]))
        default:
            fputs("ogpu kernel: unsupported shell request \(request.type)\n", stderr)
        }
    }

    /// After a cell failed (with `stop_on_error`, the default), the cells already sent behind it
    /// are answered "aborted" instead of run: "Run All" must not publish a task after the cell
    /// that should have stopped it failed. Other waiting requests are answered. They are taken
    /// from the socket before the failed cell's reply goes out, and answered after it: a cell the
    /// client sends once it has the reply is never aborted. It was when it came in before the
    /// queue was drained: the cell after an interrupted one, in test_kernel's interrupt tests,
    /// was aborted in 3 of ~20 runs of the file (and twice in clean-clone CI); 0 of 10 now.
    private func takeQueued() -> [KernelMessage] {
        var queued: [KernelMessage] = []
        while !server.isStopping, let request = server.receive(on: server.shell, timeout: 0) { queued.append(request) }
        return queued
    }

    private func reply(_ request: KernelMessage, _ type: String, _ content: JSONValue) {
        server.reply(request, type: type, content, on: server.shell)
    }

    // MARK: - execute_request

    /// Runs the cell and replies; after a failure, returns the requests queued behind it (for
    /// `handle` to answer once this cell is over: see `takeQueued`).
    private func execute(_ request: KernelMessage) -> [KernelMessage] {
        let code = request.content["code"]?.stringValue ?? ""
        let silent = request.content["silent"]?.boolValue ?? false
        if !silent && (request.content["store_history"]?.boolValue ?? true) { executionCount += 1 }
        let count = executionCount
        let parent = request.header
        server.beginCell()
        defer { server.endCell() }
        if !silent {
            server.publish("execute_input", .object([("code", .string(code)), ("execution_count", .int(count))]), parent: parent)
        }
        running = (request, request.content["allow_stdin"]?.boolValue ?? false)
        let server = self.server
        server.host.begin { type, content in server.publish(type, content, parent: parent) }
        defer {
            server.host.end()
            running = nil
        }

        let cell: CellOutcome<String>
        do {
            cell = try session().evaluateCell(code) { RichDisplay.html($0) }
        } catch let failure as CommandFailure {
            // The session could not be made from the kernel's options (docs/errors.md's kinds).
            let kind = failure.exitCode == ExitStatus.fileNotFound ? "io" : failure.message.contains("keystore") ? "key" : "value"
            cell = CellOutcome(result: .failure(message: "error[\(kind)]: \(failure.message)\n", exitCode: failure.exitCode),
                               errorKind: kind, errorMessage: failure.message)
        } catch {
            cell = CellOutcome(result: .failure(message: "error[value]: \(error)\n", exitCode: ExitStatus.usage),
                               errorKind: "value", errorMessage: "\(error)")
        }
        server.host.flush()

        switch cell.result {
        case .success(let echo):
            if let echo, !silent {
                var data: [(String, JSONValue)] = [("text/plain", .string(echo))]
                if let html = cell.display { data.append(("text/html", .string(html))) }
                server.publish("execute_result", .object([("execution_count", .int(count)), ("data", .object(data)),
                                                          ("metadata", .object([]))]), parent: parent)
            }
            reply(request, "execute_reply", .object([("status", "ok"), ("execution_count", .int(count)),
                                                     ("user_expressions", .object([])), ("payload", .array([]))]))
            return []
        case .failure(let message, _):
            // The traceback is the REPL's report: the error line, the source line and its caret, the hint.
            var lines = message.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            if lines.last == "" { lines.removeLast() }
            let error: [(String, JSONValue)] = [("ename", .string(cell.errorKind ?? "error")),
                                               ("evalue", .string(cell.errorMessage ?? lines.first ?? "")),
                                               ("traceback", .array(lines.map { .string($0) }))]
            server.publish("error", .object(error), parent: parent)
            let behind = (request.content["stop_on_error"]?.boolValue ?? true) ? takeQueued() : []
            reply(request, "execute_reply", .object([("status", "error"), ("execution_count", .int(count))] + error))
            return behind
        }
    }

    /// The session, made on first use: its configuration may need a keystore password, which is
    /// asked in the notebook (`input_request`, not echoed) when the cell's client allows input.
    private func session() throws -> ScriptEngine {
        if let engine { return engine }
        var configuration: CLIConfiguration
        if let known = server.pending.configuration {
            configuration = known
        } else {
            configuration = try server.pending.options.configuration(askPassword: { [unowned self] prompt in
                guard let answer = input(prompt: prompt, password: true) else {
                    throw CommandFailure(message: "the keystore needs its password: run the cell again and type it, or start the kernel with OGPU_PASSWORD set",
                                         exitCode: ExitStatus.usage)
                }
                return Secret(answer)
            })
            server.pending.configuration = configuration
        }
        configuration.color = false
        configuration.json = false
        let host = server.host
        let engine = ScriptEngine(configuration: configuration, arguments: [], style: Style(enabled: false), host: host,
                                  gateway: { [unowned self] flag in
                                      var g = GatewaySetup.gatewayConfiguration(configuration, interrupt: flag)
                                      g.notice = { host.writeError($0) }
                                      g.output = { host.write($0) }
                                      g.progress = nil
                                      g.confirm = { [unowned self] summary in confirm(summary) }
                                      return g
                                  }, echoWidth: 100)
        server.setInterruptTarget(engine.interruptTarget)
        self.engine = engine
        return engine
    }

    /// Mainnet's `[y/N]` before signing, asked in the notebook; declined when the client takes no input.
    private func confirm(_ summary: SigningSummary) -> Bool {
        let question = summary.lines.joined(separator: "\n") + "\n"
            + (summary.dryRun ? "Sign this transaction? [y/N] " : "Sign and send this transaction? [y/N] ")
        guard running?.allowStdin == true else {
            server.host.writeError("ogpu: this client takes no input, so nobody can confirm a mainnet transaction here; declined (add --yes to the kernelspec's argv to sign on mainnet without asking)\n")
            return false
        }
        guard let answer = input(prompt: question, password: false) else { return false }
        return ["y", "yes"].contains(answer.trimmingWhitespace().lowercased())
    }

    /// Asks the client of the running cell (`input_request` on stdin) and waits for its answer;
    /// nil when it takes no input, on interrupt, or when the kernel stops.
    private func input(prompt: String, password: Bool) -> String? {
        guard let running, running.allowStdin else { return nil }
        server.host.flush()
        let question = KernelMessage(identities: running.request.identities,
                                     header: KernelWire.header(type: "input_request", session: server.session),
                                     parentHeader: running.request.header,
                                     content: .object([("prompt", .string(prompt)), ("password", .bool(password))]))
        server.stdin.send(KernelWire.encode(question, signer: server.signer))
        while !server.isStopping {
            if engine?.interruptTarget.isRaised == true { return nil }
            guard let answer = server.receive(on: server.stdin, timeout: 100) else { continue }
            if answer.type == "input_reply" { return answer.content["value"]?.stringValue ?? "" }
        }
        return nil
    }

    // MARK: - Completion, inspection, continuation

    private func complete(_ content: JSONValue) -> JSONValue {
        let code = Array((content["code"]?.stringValue ?? "").unicodeScalars)
        let cursor = min(max(content["cursor_pos"]?.intValue ?? code.count, 0), code.count)
        var before = String.UnicodeScalarView()
        before.append(contentsOf: code[..<cursor])
        let engine = self.engine
        let completion = Completer(metaCommands: [], globalNames: { engine?.globalNames ?? [] },
                                   propertyNames: { engine?.propertyNames(of: $0) ?? [] }).complete(String(before))
        return .object([("status", "ok"), ("matches", .array(completion.candidates.map { .string($0) })),
                        ("cursor_start", .int(cursor - completion.word.unicodeScalars.count)), ("cursor_end", .int(cursor)),
                        ("metadata", .object([]))])
    }

    /// `help(name)` for the name at the cursor: a built-in's documentation, a keyword's role, or
    /// the value of a name the notebook defined.
    private func inspect(_ content: JSONValue) -> JSONValue {
        let code = Array((content["code"]?.stringValue ?? "").unicodeScalars)
        let cursor = min(max(content["cursor_pos"]?.intValue ?? code.count, 0), code.count)
        let isName = { (u: Unicode.Scalar) in Completer.isNameCharacter(Character(u)) }
        var start = cursor, end = cursor
        while start > 0, isName(code[start - 1]) { start -= 1 }
        while end < code.count, isName(code[end]) { end += 1 }
        var view = String.UnicodeScalarView()
        view.append(contentsOf: code[start..<end])
        let name = String(view)
        var text: String?
        if let doc = ScriptEngine.helpText(for: name) {
            text = doc
        } else if Vocabulary.keywords.contains(name) {
            text = "\(name) is a keyword; see docs/language.md for the statement it starts."
        } else if let engine, engine.globalNames.contains(name),
                  let value = engine.variables().first(where: { $0.name == name }) {
            text = "\(name) = \(value.value)"
        }
        guard let text, !name.isEmpty else {
            return .object([("status", "ok"), ("found", false), ("data", .object([])), ("metadata", .object([]))])
        }
        return .object([("status", "ok"), ("found", true), ("data", .object([("text/plain", .string(text))])),
                        ("metadata", .object([]))])
    }

    /// The REPL's continuation rules: unclosed brackets or strings, a trailing operator, comma,
    /// `|>` or `=` continue; code that parses is complete; anything else is invalid.
    private func isComplete(_ code: String) -> JSONValue {
        if code.trimmingWhitespaceAndNewlines().isEmpty { return .object([("status", "complete")]) }
        if ScriptEngine.inputIsIncomplete(code) {
            let last = code.split(separator: "\n", omittingEmptySubsequences: false).last.map(String.init) ?? ""
            var indent = String(last.prefix(while: { $0 == " " || $0 == "\t" }))
            if let end = last.trimmingWhitespace().last, "{([".contains(end) { indent += "  " }
            return .object([("status", "incomplete"), ("indent", .string(indent))])
        }
        let report = ScriptEngine.check(source: code, path: "<cell>", color: false)
        return .object([("status", .string(report.errors > 0 ? "invalid" : "complete"))])
    }

    // MARK: - kernel_info

    static let kernelInfo: JSONValue = .object([
        ("status", "ok"),
        ("protocol_version", .string(KernelMessage.protocolVersion)),
        ("implementation", "ogpu"),
        ("implementation_version", .string(BuildInfo.version)),
        ("language_info", .object([
            ("name", "ogpu"),
            ("version", .string(BuildInfo.version)),
            ("mimetype", "text/x-ogpu"),
            ("file_extension", ".ogpu"),
            // No lexer knows ogpu; Ruby's is the closest: `#` comments, nil/true/false, "…" strings, blocks.
            ("pygments_lexer", "ruby"),
            ("codemirror_mode", "ruby"),
        ])),
        ("banner", .string("ogpu \(BuildInfo.version) — a scripting language for the OpenGPU network")),
        ("help_links", .array([])),
        ("debugger", false),
    ])
}
