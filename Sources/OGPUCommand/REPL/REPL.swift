#if canImport(FoundationEssentials)
import FoundationEssentials
import Glibc
#else
import Foundation
#endif
import OGPUScript
import OGPUPrimitives

/// The interactive loop: read (with continuation lines), evaluate with Ctrl-C wired to the engine,
/// print the value or the error, remember the input.
final class REPL {
    private var configuration: CLIConfiguration
    private let style: Style
    private let preludePath: String?
    private var engine: ScriptEngine
    /// nil when libedit cannot be opened: the REPL then reads plain lines (no editing, no history).
    private let editor: LineEditor?
    private let editorMissing: LineEditor.LibraryMissing?
    /// Inputs that ran without error, in order, for `:save`.
    private var savedInputs: [String] = []

    init(configuration: CLIConfiguration, style: Style, prelude: String?) {
        self.configuration = configuration
        self.style = style
        self.preludePath = prelude
        engine = ScriptEngine(configuration: configuration, arguments: [], style: style)
        do {
            editor = try LineEditor(historyPath: REPL.historyPath(), historySize: REPL.historySize())
            editorMissing = nil
        } catch {
            editor = nil
            editorMissing = error
        }
    }

    static func historyPath() -> String? {
        if let path = Terminal.environment("OGPU_HISTORY") { return path.isEmpty ? nil : path }
        return PathName.join(Terminal.homeDirectory, ".ogpu_history")
    }

    static func historySize() -> Int {
        Terminal.environment("OGPU_HISTORY_SIZE").flatMap(Int.init).map { max(1, $0) } ?? 1000
    }

    func run() -> Int32 {
        InterruptHandler.shared.install()
        if let editorMissing {
            Terminal.writeError("ogpu: line editing and history are off: libedit could not be opened "
                                + "(\(editorMissing.reason)); install libedit2 to have them\n")
        }
        editor?.completer = { [unowned self] text in
            Completer(metaCommands: MetaCommand.allNames + MetaCommand.all.flatMap(\.aliases),
                      globalNames: { self.engine.globalNames },
                      propertyNames: { self.engine.propertyNames(of: $0) }).complete(text)
        }
        Terminal.write(style.dim("ogpu — network \(configuration.network.promptLabel). :help for help, Ctrl-D to leave.") + "\n")
        runPrelude()

        var pending = ""
        while true {
            let prompt = pending.isEmpty ? "ogpu(\(engine.networkLabel))> " : "... "
            switch read(prompt: prompt) {
            case .endOfInput:
                Terminal.write("\n")
                return ExitStatus.success
            case .cancelled:
                Terminal.write("^C\n")
                pending = ""
                continue
            case .line(let line):
                if pending.isEmpty, line.drop(while: { $0 == " " }).hasPrefix(":") {
                    remember(line)
                    if !runMetaCommand(line.trimmingWhitespace()) { return ExitStatus.success }
                    continue
                }
                pending += pending.isEmpty ? line : "\n" + line
                if pending.trimmingWhitespaceAndNewlines().isEmpty { pending = ""; continue }
                if ScriptEngine.inputIsIncomplete(pending) { continue }
                let input = pending
                pending = ""
                remember(input)
                if evaluate(input) { savedInputs.append(input) }
            }
        }
    }

    /// History skips secrets and lines the user marked private with a leading space.
    private func remember(_ input: String) {
        guard Self.mayBeStored(input) else { return }
        editor?.addToHistory(input)
    }

    /// A line from the editor, or a plain line from stdin when there is no editor.
    private func read(prompt: String) -> LineEditor.Input {
        if let editor { return editor.read(prompt: prompt) }
        Terminal.write(prompt)
        Terminal.flush()
        guard let line = readLine(strippingNewline: true) else { return .endOfInput }
        return .line(line)
    }

    /// Evaluates and shows the result; true when it ran without error.
    @discardableResult
    private func evaluate(_ input: String) -> Bool {
        let result = InterruptHandler.shared.whileRunning(onInterrupt: engine.interrupt) { engine.evaluate(input) }
        return show(result)
    }

    private func show(_ result: RunResult) -> Bool {
        Terminal.flush()
        switch result {
        case .success(let echo):
            if let echo { Terminal.write(echo + "\n") }
            return true
        case .failure(let message, let code):
            // The terminal echoed ^C on the evaluation's line; start the report on a fresh one.
            if code == ExitStatus.interrupted { Terminal.writeError("\n") }
            Terminal.writeError(message)
            return false
        }
    }

    private func runPrelude() {
        let path: String
        if let preludePath {
            path = preludePath
        } else {
            path = PathName.join(Terminal.homeDirectory, ".ogpurc")
            guard FileManager.default.fileExists(atPath: path) else { return }
        }
        guard let source = SourceFile.read(path) else {
            Terminal.writeError("ogpu: cannot open prelude '\(path)': no such readable file\n")
            return
        }
        _ = show(InterruptHandler.shared.whileRunning(onInterrupt: engine.interrupt) {
            engine.runFile(source: source, path: path)
        })
    }

    /// Runs `:command args`; false means leave the REPL.
    private func runMetaCommand(_ line: String) -> Bool {
        let parts = line.split(separator: " ", maxSplits: 1).map(String.init)
        let word = parts[0]
        let argument = parts.count > 1 ? parts[1].trimmingWhitespace() : ""
        guard let command = MetaCommand.find(word) else {
            var message = "unknown command \(word)"
            if let near = MetaCommand.closest(to: word) { message += "; did you mean \(near.name)?" }
            Terminal.writeError(message + " (:help lists them)\n")
            return true
        }
        switch command.name {
        case ":quit":
            return false
        case ":help":
            Terminal.write(help(for: argument))
        case ":vars":
            let variables = engine.variables()
            if variables.isEmpty { Terminal.write(style.dim("no names defined yet") + "\n") }
            for (name, value) in variables { Terminal.write("\(style.bold(name)) = \(value)\n") }
        case ":load":
            guard !argument.isEmpty else { Terminal.writeError("usage: :load FILE\n"); return true }
            let path = PathName.expandingTilde(argument)
            guard let source = SourceFile.read(path) else {
                Terminal.writeError("cannot open '\(argument)': no such readable file\n")
                return true
            }
            let result = InterruptHandler.shared.whileRunning(onInterrupt: engine.interrupt) {
                engine.runFile(source: source, path: argument)
            }
            if show(result) { savedInputs.append(source.hasSuffix("\n") ? String(source.dropLast()) : source) }
        case ":save":
            guard !argument.isEmpty else { Terminal.writeError("usage: :save FILE\n"); return true }
            save(to: PathName.expandingTilde(argument), shownAs: argument)
        case ":reset":
            engine = ScriptEngine(configuration: configuration, arguments: [], style: style)
            savedInputs = []
            Terminal.write("session reset: all names forgotten\n")
        case ":network":
            switchNetwork(argument)
        default:
            break
        }
        return true
    }

    private func help(for name: String) -> String {
        if name.isEmpty { return MetaCommand.helpText(style: style) }
        let asCommand = name.hasPrefix(":") ? name : ":" + name
        if let command = MetaCommand.find(asCommand), name.hasPrefix(":") || engine.helpText(for: name) == nil,
           !Vocabulary.builtins.contains(name) {
            return "\(command.usage)\n  \(command.summary)\n"
        }
        if let text = engine.helpText(for: name) { return text.hasSuffix("\n") ? text : text + "\n" }
        if Vocabulary.keywords.contains(name) {
            return "\(name) is a keyword; see docs/language.md for the statement it starts.\n"
        }
        return "no help for '\(name)'. :help lists the REPL commands; Tab lists names.\n"
    }

    /// Writes the session's inputs, owner-only (0600: a session can hold addresses and amounts
    /// nobody else needs to read), leaving out every input the history would refuse.
    private func save(to path: String, shownAs shown: String) {
        var omitted = 0
        var lines: [String] = []
        for input in savedInputs {
            if !Self.mayBeStored(input) {
                omitted += 1
                lines.append("# (an input holding a key or password, or marked private with a leading space, was left out)")
            } else {
                lines.append(input)
            }
        }
        let text = lines.isEmpty ? "" : lines.joined(separator: "\n") + "\n"
        do {
            try PrivateFile.write(text, to: path)
            var message = "saved \(savedInputs.count - omitted) input\(savedInputs.count - omitted == 1 ? "" : "s") to \(shown)"
            if omitted > 0 { message += " (\(omitted) left out: secrets or private lines)" }
            Terminal.write(message + "\n")
        } catch {
            Terminal.writeError("cannot write '\(shown)': \(error)\n")
        }
    }

    /// What the history and `:save` keep: not a line marked private with a leading space, not one
    /// holding a secret.
    static func mayBeStored(_ input: String) -> Bool {
        !input.hasPrefix(" ") && !SecretDetector.containsSecret(input)
    }

    private func switchNetwork(_ argument: String) {
        guard !argument.isEmpty else {
            Terminal.write(engine.networkDescription() + "\n")
            return
        }
        do {
            let network = try CLIConfiguration.parseNetwork(argument)
            if show(engine.selectNetwork(network)) {
                configuration.network = network
                configuration.rpcURL = nil
            }
        } catch let failure as CommandFailure {
            Terminal.writeError(failure.message + "\n")
        } catch {
            Terminal.writeError("\(error)\n")
        }
    }
}
