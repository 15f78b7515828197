import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
import Glibc
#else
import Foundation
#endif
import OGPUScript

package struct OGPUCommand: ParsableCommand {
    package static let configuration = CommandConfiguration(
        commandName: "ogpu",
        abstract: "A small scripting language and REPL for the OpenGPU network.",
        usage: """
            ogpu [options]                      start the REPL
            ogpu [options] FILE [ARGS...]       run a script (`args` holds ARGS)
            ogpu [options] -e CODE              run CODE
            ogpu [options] check FILE...        parse and resolve only
            ogpu [options] journal [--check]    the send journal; settle interrupted sends
            ogpu [options] mcp                  a Model Context Protocol server for AI agents
            ogpu kernel install [--user]        install the Jupyter kernelspec (ogpu help kernel)
            COMMAND | ogpu [options]            run the script read from stdin
            """,
        discussion: """
            EXAMPLES
              ogpu                          REPL on the local devnet (scripts/devnet start)
              ogpu examples/haiku.ogpu      publish a task, print the provider's answer
              ogpu -e 'print balance()'     the signing account's balance
              ogpu --dry-run examples/basic_publish.ogpu    sign, print, send nothing
              ogpu --network testnet --keystore key.json publish.ogpu
              ogpu check examples/*.ogpu    syntax-check scripts (exit 65 on errors)
              ogpu journal --check          after a crash or Ctrl-C: what became of each sent transaction
              ogpu --network mainnet x.ogpu asks [y/N] before each transaction (-y: never)
              echo 'print 1 + 2' | ogpu     a script on stdin

            ENVIRONMENT
              OGPU_NETWORK, OGPU_RPC_URL    defaults for --network and --rpc-url
              CLIENT_PRIVATE_KEY            signing key without --keystore/--private-key
              OGPU_PASSWORD                 keystore password, else wallet_new's (else asked, without echo)
              OGPU_MAX_FEE_PER_GAS          default for --max-fee-per-gas (gwei)
              OGPU_MAX_TX_COST              default for --max-tx-cost (OGPU)
              NO_COLOR                      plain output, as --no-color
              OGPU_HISTORY                  REPL history file (default ~/.ogpu_history)
              OGPU_JOURNAL                  send journal (default ~/.ogpu/journal.jsonl)

            EXIT STATUS
              0 success, 64 usage error, 65 syntax error, 66 file not found,
              70 runtime error, 130 interrupted
            """,
        version: "ogpu \(BuildInfo.version) (commit \(BuildInfo.commit))",
        subcommands: [CheckCommand.self, JournalCommand.self, MCPCommand.self, KernelCommand.self])

    /// `check`, `journal`, `mcp` and `kernel` are dispatched by hand: ArgumentParser would take them for the FILE positional.
    /// Plain `ogpu FILE [ARGS...]` and `ogpu -e CODE [ARGS...]` skip ArgumentParser (see `PlainCommandLine`).
    package static func main() {
        var arguments = Array(CommandLine.arguments.dropFirst())
        if let moved = globalOptionsAfterSubcommand(arguments) { arguments = moved }
        if arguments.first == "help", arguments.dropFirst().first == "check" {
            CheckCommand.main(["--help"])
        }
        if arguments.first == "help", arguments.dropFirst().first == "journal" {
            JournalCommand.main(["--help"])
        }
        if arguments.first == "help", arguments.dropFirst().first == "mcp" {
            MCPCommand.main(["--help"])
        }
        if arguments.first == "help", arguments.dropFirst().first == "kernel" {
            KernelCommand.main(["--help"])
        }
        if arguments.first == "check" {
            CheckCommand.main(Array(arguments.dropFirst()))
        }
        if arguments.first == "lsp" {
            LanguageServer.main()
        }
        if arguments.first == "mcp" {
            MCPCommand.launch(Array(arguments.dropFirst()))
        }
        if arguments.first == "kernel" {
            KernelCommand.main(Array(arguments.dropFirst()))
            Glibc.exit(ExitStatus.success)   // main returns after a run that did not throw
        }
        if arguments.first == "journal" {
            JournalCommand.main(Array(arguments.dropFirst()))
        }
        if let options = PlainCommandLine.parse(arguments) {
            let status: Int32
            do {
                status = try options.run()
            } catch {
                Self.exit(withError: error)   // as ArgumentParser's `main` reports it
            }
            // ArgumentParser ends a run that throws `ExitCode` with exit() and prints nothing.
            Glibc.exit(status)
        }
        Self.main(arguments)
    }

    /// Every subcommand takes the global options too, before or after its name
    /// (`ogpu --network testnet journal --check`): when all arguments before `check`/`journal`
    /// parse as global options, they are moved after it, where the subcommand reads them.
    static func globalOptionsAfterSubcommand(_ arguments: [String]) -> [String]? {
        for (i, word) in arguments.enumerated() where i > 0 && ["check", "journal", "mcp"].contains(word) {
            let before = Array(arguments[..<i])
            if before.contains("--") || before.contains("-e") || before.contains("--eval") { return nil }
            guard (try? GlobalOptions.parse(before)) != nil else { continue }
            return [word] + before + arguments[(i + 1)...]
        }
        return nil
    }

    @OptionGroup var options: GlobalOptions

    @Option(name: [.customShort("e"), .customLong("eval")], help: ArgumentHelp("Run CODE instead of a file.", valueName: "code"))
    var code: String?

    @Option(name: .long, help: ArgumentHelp("Run FILE before the first REPL prompt instead of ~/.ogpurc.", valueName: "file"))
    var prelude: String?

    @Argument(help: ArgumentHelp("Script to run (- for stdin).", valueName: "file"))
    var script: String?

    @Argument(parsing: .captureForPassthrough, help: ArgumentHelp("Arguments for the script (its `args` list).", valueName: "args"))
    var scriptArguments: [String] = []

    package init() {}

    package func run() throws {
        var options = options.commandOptions
        options.code = code
        options.prelude = prelude
        options.script = script
        options.scriptArguments = scriptArguments
        throw ExitCode(try options.run())
    }
}

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Parse and resolve scripts without running them.",
        usage: "ogpu check [--no-color] FILE...   (the other global options are accepted too)",
        discussion: """
            Reports every syntax error (and warns about names defined nowhere) in each FILE.
            Exit status: 0 when all files are clean, 65 if any has errors, 66 if one cannot be read.
            """)

    /// The global options every subcommand takes (check itself uses only --no-color).
    @OptionGroup var options: GlobalOptions

    @Argument(help: ArgumentHelp("Scripts to check.", valueName: "file"))
    var files: [String]

    func validate() throws {
        if files.isEmpty { throw ValidationError("give at least one FILE to check") }
    }

    func run() throws {
        let color = !options.noColor && (Terminal.environment("NO_COLOR") ?? "").isEmpty && Terminal.stderrIsTerminal
        var status = ExitStatus.success
        for path in files {
            guard let source = SourceFile.read(path) else {
                Terminal.writeError("ogpu: cannot open '\(path)': no such readable file\n")
                status = max(status, ExitStatus.fileNotFound)
                continue
            }
            let report = ScriptEngine.check(source: source, path: path, color: color)
            Terminal.writeError(report.rendered)
            if report.errors > 0 { status = max(status, ExitStatus.syntaxError) }
        }
        throw ExitCode(status)
    }
}
