import OGPUKit
import OGPUPrimitives
import OGPUScript

/// Where scripts' `print` and warnings go: the process's stdout and stderr.
/// `isTerminal` turns on progress display (the `wait` spinner): only when both streams are a
/// terminal and output is not JSON, so logs and pipes never get control characters.
final class TerminalHost: ScriptHost {
    private let json: Bool
    init(json: Bool) { self.json = json }
    /// `print` output: text from outside (a response's data, a source's name) is printed
    /// with its control characters escaped (TerminalText).
    func write(_ text: String) { Terminal.write(TerminalText.escape(text)) }
    func writeError(_ text: String) { Terminal.writeError(text) }
    var isTerminal: Bool { !json && Terminal.stdoutIsTerminal && Terminal.stderrIsTerminal }
}

/// The one place the command talks to the language (OGPUScript's ScriptSession): runs code and
/// renders outcomes for the terminal, so the CLI and REPL never handle `Value` or `Diagnostic`.
final class ScriptEngine {
    private(set) var configuration: CLIConfiguration
    private let style: Style
    private let host: ScriptHost
    private let session: ScriptSession
    private let interruptFlag: InterruptFlag
    /// The width values are laid out for: the terminal's, unless the engine's owner says (a notebook).
    private let echoWidth: Int?

    /// `host` and `gateway` default to the terminal's (a notebook kernel passes its own, which
    /// send output and questions to the notebook instead).
    init(configuration: CLIConfiguration, arguments: [String], style: Style, host: ScriptHost? = nil,
         gateway: ((InterruptFlag) -> KitGatewayConfiguration)? = nil, echoWidth: Int? = nil) {
        self.configuration = configuration
        self.style = style
        self.echoWidth = echoWidth
        self.host = host ?? TerminalHost(json: configuration.json)
        session = ScriptSession(host: self.host, arguments: arguments)
        interruptFlag = session.interruptFlag
        if let gateway {
            session.installKitGateway(gateway(session.interruptFlag))
        } else {
            GatewaySetup.install(on: session, configuration)
        }
    }

    /// A whole script. With `--json` the value of its last expression statement is the result line.
    func runFile(source: String, path: String) -> RunResult {
        ScriptSession.onBigStack {
            result(of: session.runFile(source: source, path: path), source: source, echo: configuration.json)
        }
    }

    /// A REPL input: keeps the session's names; echoes a trailing expression's value (not `nil`,
    /// so `print "x"` shows only its output).
    /// Rendered on the big stack too: the value may be the only reference to a list nested a
    /// million deep, and freeing it recurses (formatting does not).
    func evaluate(_ input: String) -> RunResult {
        ScriptSession.onBigStack { result(of: session.runREPLInput(input), source: input, echo: true) }
    }

    /// A notebook cell: as `evaluate`, with the error's kind and message apart (a notebook shows
    /// them as the error's name and value) and `display`'s rendering of the cell's value, made on
    /// the evaluation's thread (values live there only).
    func evaluateCell<Display>(_ input: String, display: (Value) -> Display?) -> CellOutcome<Display> {
        ScriptSession.onBigStack {
            let outcome = session.runREPLInput(input, clearingInterrupt: false)
            var cell = CellOutcome<Display>(result: result(of: outcome, source: input, echo: true))
            switch outcome {
            case .ok(let value?): if case .null = value {} else { cell.display = display(value) }
            case .ok(nil): break
            // Inert, as in the rendered report: a message can quote a provider or a node.
            case .syntaxErrors(let diagnostics):
                cell.errorKind = diagnostics.first.map { TerminalText.escape($0.kind, lineBreaks: false) }
                cell.errorMessage = diagnostics.first.map { TerminalText.escape($0.message) }
            case .runtimeError(let e):
                cell.errorKind = TerminalText.escape(e.kind, lineBreaks: false)
                cell.errorMessage = TerminalText.escape(e.message)
            }
            return cell
        }
    }

    /// The interrupt flag itself, for a caller that raises it from a signal or another thread.
    var interruptTarget: InterruptFlag { interruptFlag }

    /// Called on the signal thread: raises the session's flag without touching the session object
    /// (the language runtime counts references non-atomically, on its own thread only).
    func interrupt() { interruptFlag.raise() }

    /// Names the user defined (built-ins excluded), for completion and `:vars`.
    var globalNames: [String] {
        session.globalNames.filter { !builtinNames.contains($0) && $0 != "args" }
    }

    /// `:vars`: each user-defined name with its value as the REPL shows it.
    func variables() -> [(name: String, value: String)] {
        ScriptSession.onBigStack { variablesOnBigStack() }
    }

    private func variablesOnBigStack() -> [(name: String, value: String)] {
        globalNames.compactMap { name in
            guard case .ok(let value?) = session.runREPLInput(name) else { return nil }
            return (name, ValueFormat.pretty(value, color: configuration.color, width: Terminal.columns))
        }
    }

    /// Names that may follow `base.` (`m.` → the map's keys, `t.` → a task's properties). Only
    /// plain name paths are looked at, and a handle's properties are never read on the way
    /// (each read asks the chain), so completion has no side effects.
    func propertyNames(of base: String) -> [String] {
        let path = base.split(separator: ".").map(String.init)
        guard let first = path.first, Self.isIdentifier(first), case .ok(var value?) = session.runREPLInput(first) else { return [] }
        for key in path.dropFirst() {
            guard case .map(let map) = value, let next = map[key] else { return [] }
            value = next
        }
        return value.propertyNames
    }

    func helpText(for name: String) -> String? { Self.helpText(for: name) }

    /// A built-in's documentation (`help(name)`, `:help name`), with no session needed.
    static func helpText(for name: String) -> String? {
        Builtins.all.first { $0.name == name }.map { "\(name): \($0.doc)" }
    }

    static func check(source: String, path: String, color: Bool) -> CheckReport {
        let diagnostics = ScriptSession.check(source: source, path: path)
        let shown = TerminalText.escape(source)
        return CheckReport(rendered: diagnostics.map { inert($0).render(source: shown, color: color) }.joined(),
                           errors: diagnostics.filter { $0.severity == .error }.count,
                           warnings: diagnostics.filter { $0.severity == .warning }.count)
    }

    static func inputIsIncomplete(_ source: String) -> Bool {
        ScriptSession.inputIsIncomplete(source)
    }

    private var builtinNames: Set<String> { Set(Builtins.all.map(\.name)) }

    /// A diagnostic whose text cannot drive the terminal (its message quotes the source, which
    /// may be a shared file); the source line it shows is escaped by the caller.
    private static func inert(_ d: Diagnostic) -> Diagnostic {
        var d = d
        d.kind = TerminalText.escape(d.kind, lineBreaks: false)
        d.message = TerminalText.escape(d.message)
        d.hint = d.hint.map { TerminalText.escape($0) }
        return d
    }

    private static func isIdentifier(_ s: String) -> Bool {
        guard let first = s.first, first == "_" || first.isLetter else { return false }
        return s.allSatisfy { $0 == "_" || $0.isLetter || $0.isNumber }
    }

    private func result(of outcome: ScriptOutcome, source: String, echo: Bool) -> RunResult {
        if configuration.json { return JSONReport.result(of: outcome, echo: echo) }
        let color = configuration.color
        switch outcome {
        case .ok(let value):
            guard echo, let value else { return .success(echo: nil) }
            if case .null = value { return .success(echo: nil) }
            // Pretty form: one line when it fits the terminal, else nested lists and maps indented.
            return .success(echo: ValueFormat.pretty(value, color: color, width: echoWidth ?? Terminal.columns))
        case .syntaxErrors(let diagnostics):
            let shown = TerminalText.escape(source)
            return .failure(message: diagnostics.map { Self.inert($0).render(source: shown, color: color) }.joined(),
                            exitCode: ExitStatus.syntaxError)
        case .runtimeError(var error):
            if error.kind == "rpc", session.gateway != nil, configuration.network == .named("local"),
               error.help == nil, !error.message.contains("scripts/devnet") {
                error.help = "is the local devnet running? Start it with `scripts/devnet start`"
            }
            // A revert reason, an RPC error body or a gateway's answer can be in the message.
            error.kind = TerminalText.escape(error.kind, lineBreaks: false)
            error.message = TerminalText.escape(error.message)
            error.help = error.help.map { TerminalText.escape($0) }
            return .failure(message: error.render(source: TerminalText.escape(source), color: color), exitCode: error.exitCode)
        }
    }
}

extension ScriptEngine {
    /// The network as the session knows it, without asking the node (nil before the first call).
    private var knownNetwork: NetworkInfo? { (session.gateway as? KitGateway)?.knownNetwork }

    /// What the REPL prompt names: a public chain by its own name once the node has been asked
    /// (`local` or a URL that serves mainnet shows "mainnet"), else what was chosen.
    var networkLabel: String {
        if let n = knownNetwork, n.name == "mainnet" || n.name == "testnet" { return n.name }
        return configuration.network.promptLabel
    }

    /// `:network` with no argument. URLs are shown redacted (scheme and host: paths and
    /// credentials often hold API keys).
    func networkDescription() -> String {
        if let n = knownNetwork { return Self.describe(n) }
        return "network \(configuration.network.shown)" + (configuration.rpcURL.map { " via \(HTTPRedaction.redact($0))" } ?? "")
            + " (not contacted yet)"
    }

    private static func describe(_ n: NetworkInfo) -> String {
        "network \(n.name) (chain id \(n.chainID)) via \(n.rpc)"
    }

    /// `:network NAME|URL`: selects the network for the rest of the session — through the
    /// `network()` built-in when a network client is installed (so the chain is asked and a bad
    /// URL fails here), else by recording it in the configuration.
    func selectNetwork(_ network: CLIConfiguration.Network) -> RunResult {
        if let gateway = session.gateway {
            // The gateway directly, not `network("…")` code: an error report would quote that
            // code, URL and API key included.
            do {
                _ = try gateway.selectNetwork(network.argument)
            } catch let e as GatewayError {
                return .failure(message: "error[\(e.kind.rawValue)]: \(e.message)\n", exitCode: ExitStatus.runtimeError)
            } catch {
                return .failure(message: "error[rpc]: \(error)\n", exitCode: ExitStatus.runtimeError)
            }
        }
        configuration.network = network
        configuration.rpcURL = nil
        return .success(echo: knownNetwork.map(Self.describe) ?? "network \(network.shown)")
    }
}
