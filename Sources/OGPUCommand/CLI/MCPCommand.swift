import ArgumentParser
import Glibc
import OGPUScript

/// `ogpu mcp`: a Model Context Protocol server on stdin/stdout for AI agents (docs/mcp.md).
/// The server is its own program, `ogpu-mcp`, installed beside `ogpu`: the MCP SDK brings
/// FoundationNetworking (libcurl and ~30 more shared libraries, loaded at every start), which
/// `ogpu`'s start-up must not pay. `ogpu mcp` checks the options (and answers --help) with the
/// same definition `ogpu-mcp` parses, then replaces itself with `ogpu-mcp` (stdio passes through).
package struct MCPCommand: ParsableCommand {
    package static let configuration = CommandConfiguration(
        commandName: "mcp",
        abstract: "Serve the Model Context Protocol on stdin/stdout, for AI agents.",
        usage: "ogpu mcp [--network NAME|URL] [--keystore FILE] [--max-tx-cost OGPU] [--allow-mainnet] ...",
        discussion: """
            Tools: eval (ogpu code in one persistent session), publish_task, wait_task, task_status, \
            task_responses, estimate_payment, balance, vault. Resources: the language reference, \
            the error kinds and the built-ins' documentation. Every send meets the command line's \
            guards (network identity, --max-fee-per-gas, --max-tx-cost, the send journal); on \
            mainnet, where a person would be asked to confirm, nothing is signed unless the server \
            was started with --allow-mainnet. The server is the ogpu-mcp program beside ogpu \
            (scripts/install puts both there). See docs/mcp.md.
            """)

    @OptionGroup package var options: MCPOptions

    package init() {}

    /// Parses `arguments` (the ones after `mcp`): --help and bad options end here, without
    /// starting the server. Then becomes `ogpu-mcp arguments...`; returns only by exiting.
    static func launch(_ arguments: [String]) -> Never {
        _ = parseOrExit(arguments)
        guard let server = MCPServerProgram.path() else {
            Terminal.writeError("""
                ogpu: `ogpu mcp` runs the \(MCPServerProgram.name) program, which is neither beside this ogpu \
                (\(MCPServerProgram.ownDirectory() ?? "?")) nor on PATH
                  help: install both with scripts/install, or build it with `swift build --product \(MCPServerProgram.name)`

                """)
            Glibc.exit(ExitStatus.fileNotFound)
        }
        let argv = [server] + arguments
        var cArgs: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        execv(server, &cArgs)
        let reason = String(cString: strerror(errno))
        Terminal.writeError("ogpu: cannot start \(server): \(reason)\n")
        Glibc.exit(ExitStatus.fileNotFound)
    }
}

/// `ogpu mcp`'s options: the command line's one options set, and the server's own.
package struct MCPOptions: ParsableArguments {
    @OptionGroup package var global: GlobalOptions

    @Flag(name: .customLong("allow-mainnet"),
          help: "Let the tools sign and send on mainnet without a confirmation (there is no terminal to ask at).")
    package var allowMainnet = false

    @Option(name: .customLong("max-output"), help: ArgumentHelp("Keep at most this many bytes of a call's printed output (default 65536).", valueName: "bytes"))
    package var maxOutput = 65536

    package init() {}

    package func validate() throws {
        if global.yes {
            throw ValidationError("`ogpu mcp` has nobody to confirm a transaction: give --allow-mainnet to let its tools send on mainnet")
        }
        if global.json { throw ValidationError("`ogpu mcp` answers in JSON already; --json does not apply") }
        guard (1024...16 << 20).contains(maxOutput) else { throw ValidationError("--max-output takes 1024 to 16777216 bytes") }
    }
}

extension MCPOptions {
    /// The server's one session: the command line's configuration (network, key, caps, journal),
    /// with what the code prints, and the network client's notices and dry-run output, kept in
    /// `host` for the tool's result (stdout is the protocol), and nobody asked to confirm a
    /// transaction (mainnet sends need --allow-mainnet). A bad option is reported here.
    package func engine(capturingInto host: ScriptHost) throws -> ScriptEngine {
        var config: CLIConfiguration
        do {
            config = try global.commandOptions.configuration()
        } catch let failure as CommandFailure {
            Terminal.writeError("ogpu: \(failure.message)\n")
            throw ExitCode(failure.exitCode)
        }
        if global.privateKey != nil {
            CommandOptions.scrubPrivateKeyArgument()
            Terminal.writeError("ogpu: warning: --private-key is visible to other users of this machine; prefer CLIENT_PRIVATE_KEY or --keystore\n")
        }
        config.assumeYes = allowMainnet
        config.color = false
        if !config.dryRun, let hint = JournalCommand.startupHint(network: config.network) {
            Terminal.writeError(hint)
        }
        return ScriptEngine(configuration: config, arguments: [], style: Style(enabled: false), host: host,
                            gateway: { [config] flag in
                                var g = GatewaySetup.gatewayConfiguration(config, interrupt: flag)
                                g.notice = { host.writeError(TerminalText.escape($0)) }
                                g.output = { host.write(TerminalText.escape($0)) }
                                g.progress = nil
                                g.confirm = nil
                                return g
                            })
    }
}

/// Where `ogpu-mcp` is: beside the running ogpu (its real path, through symlinks), else on PATH.
enum MCPServerProgram {
    static let name = "ogpu-mcp"

    static func path() -> String? {
        if let dir = ownDirectory(), access("\(dir)/\(name)", X_OK) == 0 { return "\(dir)/\(name)" }
        guard let searchPath = getenv("PATH") else { return nil }
        for dir in String(cString: searchPath).split(separator: ":") where !dir.isEmpty {
            let candidate = "\(dir)/\(name)"
            if access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
    }

    /// The directory of /proc/self/exe: the binary itself, whatever name or link started it.
    static func ownDirectory() -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let n = readlink("/proc/self/exe", &buffer, Int(PATH_MAX))
        guard n > 0 else { return nil }
        let exe = String(decoding: buffer[..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        guard let slash = exe.lastIndex(of: "/") else { return nil }
        return slash == exe.startIndex ? "/" : String(exe[..<slash])
    }
}
