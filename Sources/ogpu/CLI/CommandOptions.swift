import Foundation

/// Every option and argument of the `ogpu` command as plain values (docs/language.md §8). ArgumentParser
/// fills it from `OGPUCommand`; `PlainCommandLine` fills it for the common plain command lines
/// without ArgumentParser's reflection-heavy parse. Either way the same code below runs it.
struct CommandOptions {
    var network: String? = nil
    var rpcURL: String? = nil
    var privateKey: String? = nil
    var keystore: String? = nil
    var dryRun = false
    var json = false
    var noColor = false
    var code: String? = nil
    var prelude: String? = nil
    var script: String? = nil
    var scriptArguments: [String] = []

    /// Flags first, then environment, then defaults; signing key: --keystore, --private-key,
    /// CLIENT_PRIVATE_KEY. Secrets are wrapped at once and never appear in messages.
    func configuration(environment: [String: String] = ProcessInfo.processInfo.environment,
                       askPassword: (String) throws -> Secret = PasswordPrompt.read) throws -> CLIConfiguration {
        var config = CLIConfiguration()
        if let name = network ?? nonEmpty(environment["OGPU_NETWORK"]) {
            config.network = try CLIConfiguration.parseNetwork(name)
        }
        if let url = rpcURL ?? nonEmpty(environment["OGPU_RPC_URL"]) {
            guard CLIConfiguration.isHTTPURL(url) else {
                throw CommandFailure(message: "--rpc-url must be an http:// or https:// URL, not '\(url)'", exitCode: ExitStatus.usage)
            }
            config.rpcURL = url
        }
        if let path = keystore {
            guard FileManager.default.isReadableFile(atPath: path) else {
                throw CommandFailure(message: "cannot open keystore '\(path)': no such readable file", exitCode: ExitStatus.fileNotFound)
            }
            let password: Secret
            if let fromEnvironment = environment["OGPU_PASSWORD"] {
                password = Secret(fromEnvironment)
            } else {
                password = try askPassword("Password for \((path as NSString).lastPathComponent): ")
            }
            config.signer = .keystore(path: path, password: password)
        } else if let key = privateKey {
            config.signer = .privateKey(try CLIConfiguration.validatePrivateKey(key, origin: "--private-key"), origin: "--private-key")
        } else if let key = nonEmpty(environment["CLIENT_PRIVATE_KEY"]) {
            config.signer = .privateKey(try CLIConfiguration.validatePrivateKey(key, origin: "CLIENT_PRIVATE_KEY"), origin: "CLIENT_PRIVATE_KEY")
        }
        config.dryRun = dryRun
        config.json = json
        config.color = !noColor && nonEmpty(environment["NO_COLOR"]) == nil && Terminal.stdoutIsTerminal
        return config
    }

    /// Runs what the options ask for — `-e` code, a script file, stdin or the REPL — and returns the
    /// exit status (§7). Throws only errors that are not a `CommandFailure`, for ArgumentParser to report.
    func run() throws -> Int32 {
        let config: CLIConfiguration
        do {
            config = try configuration()
        } catch let failure as CommandFailure {
            Terminal.writeError("ogpu: \(failure.message)\n")
            return failure.exitCode
        }
        if privateKey != nil {
            Terminal.writeError("ogpu: warning: --private-key is visible to other users of this machine; prefer CLIENT_PRIVATE_KEY or --keystore\n")
        }
        let style = Style(enabled: config.color)
        if !config.dryRun, let hint = JournalCommand.startupHint(network: config.network) {
            Terminal.writeError(hint)
        }
        let runner = ScriptRunner(configuration: config, style: style)
        let scriptAndArguments = (script.map { [$0] } ?? []) + scriptArguments

        if let code {
            return runner.run(source: code, path: "<-e>", arguments: scriptAndArguments)
        }
        if let path = scriptAndArguments.first {
            let arguments = Array(scriptAndArguments.dropFirst())
            if path == "-" {
                return runner.run(source: Self.readStandardInput(), path: "<stdin>", arguments: arguments)
            }
            return runner.runFile(path: path, arguments: arguments)
        }
        if !Terminal.stdinIsTerminal {
            return runner.run(source: Self.readStandardInput(), path: "<stdin>", arguments: [])
        }
        let repl = REPL(configuration: config, style: style, prelude: prelude)
        return repl.run()
    }

    private static func readStandardInput() -> String {
        String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
    }

    private func nonEmpty(_ s: String?) -> String? {
        guard let s, !s.isEmpty else { return nil }
        return s
    }
}
