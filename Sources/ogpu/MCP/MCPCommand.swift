import ArgumentParser
import Foundation
import MCP
import OGPUScript
import SystemPackage

/// `ogpu mcp`: a Model Context Protocol server on stdin/stdout for AI agents (docs/mcp.md).
/// It takes the command line's one options set (network, key, spending caps); mainnet sends
/// need `--allow-mainnet`, since there is nobody at a terminal to confirm them.
struct MCPCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mcp",
        abstract: "Serve the Model Context Protocol on stdin/stdout, for AI agents.",
        usage: "ogpu mcp [--network NAME|URL] [--keystore FILE] [--max-tx-cost OGPU] [--allow-mainnet] ...",
        discussion: """
            Tools: eval (ogpu code in one persistent session), publish_task, wait_task, task_status, \
            task_responses, estimate_payment, balance, vault. Resources: the language reference, \
            the error kinds and the built-ins' documentation. Every send meets the command line's \
            guards (network identity, --max-fee-per-gas, --max-tx-cost, the send journal); on \
            mainnet, where a person would be asked to confirm, nothing is signed unless the server \
            was started with --allow-mainnet. See docs/mcp.md.
            """)

    @OptionGroup var options: GlobalOptions

    @Flag(name: .customLong("allow-mainnet"),
          help: "Let the tools sign and send on mainnet without a confirmation (there is no terminal to ask at).")
    var allowMainnet = false

    @Option(name: .customLong("max-output"), help: ArgumentHelp("Keep at most this many bytes of a call's printed output (default 65536).", valueName: "bytes"))
    var maxOutput = 65536

    func validate() throws {
        if options.yes {
            throw ValidationError("`ogpu mcp` has nobody to confirm a transaction: give --allow-mainnet to let its tools send on mainnet")
        }
        if options.json { throw ValidationError("`ogpu mcp` answers in JSON already; --json does not apply") }
        guard (1024...16 << 20).contains(maxOutput) else { throw ValidationError("--max-output takes 1024 to 16777216 bytes") }
    }

    func run() throws {
        // The protocol gets a private copy of stdout, and fd 1 becomes stderr: nothing else the
        // process writes (a library's print, a stray notice) can corrupt the message stream.
        let protocolOutput = dup(STDOUT_FILENO)
        guard protocolOutput >= 0, dup2(STDERR_FILENO, STDOUT_FILENO) >= 0 else {
            throw CommandFailure(message: "cannot set up stdout for the protocol", exitCode: ExitStatus.usage)
        }
        var config: CLIConfiguration
        do {
            config = try options.commandOptions.configuration()
        } catch let failure as CommandFailure {
            Terminal.writeError("ogpu: \(failure.message)\n")
            throw ExitCode(failure.exitCode)
        }
        if options.privateKey != nil {
            CommandOptions.scrubPrivateKeyArgument()
            Terminal.writeError("ogpu: warning: --private-key is visible to other users of this machine; prefer CLIENT_PRIVATE_KEY or --keystore\n")
        }
        config.assumeYes = allowMainnet
        config.color = false
        if !config.dryRun, let hint = JournalCommand.startupHint(network: config.network) {
            Terminal.writeError(hint)
        }
        let output = CapturedOutput(limit: maxOutput)
        // What the code prints, and the network client's notices and dry-run output, are kept for
        // the tool's result (stdout is the protocol); nobody can be asked to confirm a transaction.
        let engine = ScriptEngine(configuration: config, arguments: [], style: Style(enabled: false), host: output,
                                  gateway: { [config] flag in
                                      var g = GatewaySetup.gatewayConfiguration(config, interrupt: flag)
                                      g.notice = { output.writeError(TerminalText.escape($0)) }
                                      g.output = { output.write(TerminalText.escape($0)) }
                                      g.progress = nil
                                      g.confirm = nil
                                      return g
                                  })
        let server = MCPServer(engine: engine, output: output)
        let transport = StdioTransport(input: .standardInput, output: FileDescriptor(rawValue: protocolOutput))
        let done = DispatchSemaphore(value: 0)
        let failure = FailureBox()
        Task.detached {
            do { try await server.serve(transport: transport) } catch { failure.message = "\(error)" }
            done.signal()
        }
        done.wait()
        if let message = failure.message {
            Terminal.writeError("ogpu mcp: \(message)\n")
            throw ExitCode(1)
        }
        throw ExitCode.success   // ends the process (OGPUCommand.main would go on to parse "mcp" as a script)
    }
}

/// The serving task's error, handed to the waiting main thread.
private final class FailureBox: @unchecked Sendable {
    var message: String?
}
