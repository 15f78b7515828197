#if canImport(FoundationEssentials)
import FoundationEssentials
import Glibc
#else
import Foundation
#endif
import OGPUScript
import OGPUKit
import OGPUPrimitives

/// Every option and argument of the `ogpu` command as plain values (docs/language.md §8). ArgumentParser
/// fills it from `OGPUCommand`; `PlainCommandLine` fills it for the common plain command lines
/// without ArgumentParser's reflection-heavy parse. Either way the same code below runs it.
struct CommandOptions {
    var network: String? = nil
    var rpcURL: String? = nil
    var privateKey: String? = nil
    var keystore: String? = nil
    var dryRun = false
    var maxFeePerGas: String? = nil
    var maxTransactionCost: String? = nil
    var yes = false
    var allowInsecureRPC = false
    var json = false
    var noColor = false
    var code: String? = nil
    var prelude: String? = nil
    var script: String? = nil
    var scriptArguments: [String] = []

    /// Flags first, then environment, then defaults; signing key: --keystore, --private-key,
    /// CLIENT_PRIVATE_KEY. Secrets are wrapped at once and never appear in messages. The secret
    /// variables (`secretVariables`) are taken out of the environment first, as bytes, before
    /// anything copies the environment into Swift strings: a script's `env()` and any child
    /// process never see them.
    func configuration(environment given: [String: String]? = nil,
                       askPassword: (String) throws -> Secret = PasswordPrompt.read) throws -> CLIConfiguration {
        let environmentKey = Secret.takeEnvironment("CLIENT_PRIVATE_KEY")
        let environmentPassword = Secret.takeEnvironment("OGPU_PASSWORD")
        // Read by name (getenv): `ProcessInfo.environment` copies the whole environment into a
        // dictionary, a quarter of the instructions of `ogpu -e 1` (callgrind: 652 k of 2.11 M).
        let environment: (String) -> String? = given.map { table in { table[$0] } } ?? Terminal.environment
        var config = CLIConfiguration()
        if keystore == nil {
            // Not the signing keystore's: then it is the password of keystores `wallet_new` writes.
            config.walletPassword = environmentPassword ?? nonEmpty(given?["OGPU_PASSWORD"]).map(Secret.init)
        }
        if let name = network ?? nonEmpty(environment("OGPU_NETWORK")) {
            config.network = try CLIConfiguration.parseNetwork(name)
        }
        if let url = rpcURL ?? nonEmpty(environment("OGPU_RPC_URL")) {
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
            if let fromEnvironment = environmentPassword ?? given?["OGPU_PASSWORD"].map(Secret.init) {
                password = fromEnvironment
            } else {
                password = try askPassword("Password for \(PathName.lastComponent(of: path)): ")
            }
            config.signer = .keystore(path: path, password: password)
        } else if let key = privateKey {
            config.signer = .privateKey(try CLIConfiguration.validatePrivateKey(Secret(key), origin: "--private-key"), origin: "--private-key")
        } else if let key = environmentKey ?? nonEmpty(given?["CLIENT_PRIVATE_KEY"]).map(Secret.init) {
            config.signer = .privateKey(try CLIConfiguration.validatePrivateKey(key, origin: "CLIENT_PRIVATE_KEY"), origin: "CLIENT_PRIVATE_KEY")
        }
        config.dryRun = dryRun
        if let text = maxFeePerGas ?? nonEmpty(environment("OGPU_MAX_FEE_PER_GAS")) {
            config.caps.maxFeePerGas = try Self.amount(option: "--max-fee-per-gas", text, unit: "gwei") {
                try Units.parse($0, decimals: Units.gweiDecimals)
            }
        }
        if let text = maxTransactionCost ?? nonEmpty(environment("OGPU_MAX_TX_COST")) {
            config.caps.maxTransactionCost = try Self.amount(option: "--max-tx-cost", text, unit: "OGPU") {
                try Units.parse($0, decimals: Units.etherDecimals)
            }
        }
        config.assumeYes = yes
        config.allowInsecureRPC = allowInsecureRPC
        config.json = json
        config.color = !noColor && nonEmpty(environment("NO_COLOR")) == nil && Terminal.stdoutIsTerminal
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
            Self.scrubPrivateKeyArgument()
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

    /// A cap given as a plain decimal number of `unit` (`1000`, `0.5`), exactly converted to wei.
    private static func amount<Wei>(option: String, _ text: String, unit: String, _ parse: (String) throws -> Wei) throws -> Wei {
        do {
            return try parse(text.trimmingWhitespace())
        } catch {
            throw CommandFailure(message: "\(option) takes a number of \(unit) such as 1000 or 0.5, not '\(text)'", exitCode: ExitStatus.usage)
        }
    }

    /// Overwrites the `--private-key` value in the process's own argument memory (what `ps` and
    /// /proc/PID/cmdline show from then on). It was visible until now, as the warning says.
    static func scrubPrivateKeyArgument() {
        let argv = CommandLine.unsafeArgv
        var i = 1
        while i < Int(CommandLine.argc) {
            guard let word = argv[i] else { break }
            let text = String(cString: word)
            if text == "--" { break }
            if text == "--private-key", i + 1 < Int(CommandLine.argc), let value = argv[i + 1] {
                memset(value, Int32(UInt8(ascii: "x")), strlen(value))
                i += 1
            } else if text.hasPrefix("--private-key=") {
                let start = word + "--private-key=".utf8.count
                memset(start, Int32(UInt8(ascii: "x")), strlen(start))
            }
            i += 1
        }
    }

    private static func readStandardInput() -> String {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = read(STDIN_FILENO, &chunk, chunk.count)
            if n > 0 { bytes += chunk[0..<n] } else if n == 0 || errno != EINTR { break }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private func nonEmpty(_ s: String?) -> String? {
        guard let s, !s.isEmpty else { return nil }
        return s
    }
}
