import ArgumentParser
import Foundation

/// The network, key and output flags shared by the REPL, scripts and `-e` (LANGUAGE.md §8).
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Network: mainnet, testnet, local, or an RPC URL (env OGPU_NETWORK; default local).", valueName: "name|url"))
    var network: String?

    @Option(name: .customLong("rpc-url"), help: ArgumentHelp("Use this JSON-RPC endpoint for the network (env OGPU_RPC_URL).", valueName: "url"))
    var rpcURL: String?

    @Option(name: .customLong("private-key"), help: ArgumentHelp("Signing key as hex. Prefer CLIENT_PRIVATE_KEY or --keystore: command lines are visible to other users.", valueName: "hex"))
    var privateKey: String?

    @Option(name: .long, help: ArgumentHelp("Web3 Secret Storage (v3) keystore file; the password comes from OGPU_PASSWORD or is asked for without echo.", valueName: "file"))
    var keystore: String?

    @Flag(name: .customLong("dry-run"), help: "Build and sign every transaction and print it; send nothing.")
    var dryRun = false

    @Flag(name: .long, help: "Print results as JSON lines.")
    var json = false

    @Flag(name: .customLong("no-color"), help: "Plain output without colors (also when NO_COLOR is set).")
    var noColor = false

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

    private func nonEmpty(_ s: String?) -> String? {
        guard let s, !s.isEmpty else { return nil }
        return s
    }
}
