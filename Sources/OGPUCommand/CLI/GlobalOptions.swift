import OGPUPrimitives
import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
import Glibc
#else
import Foundation
#endif

/// The network, key and output flags shared by the REPL, scripts and `-e` (docs/language.md §8).
package struct GlobalOptions: ParsableArguments {
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

    @Option(name: .customLong("max-fee-per-gas"), help: ArgumentHelp("Refuse to sign above this fee per gas, in gwei (env OGPU_MAX_FEE_PER_GAS; default 1000).", valueName: "gwei"))
    var maxFeePerGas: String?

    @Option(name: .customLong("max-tx-cost"), help: ArgumentHelp("Refuse to sign a transaction that may cost more than this (gas limit × max fee + value), in OGPU (env OGPU_MAX_TX_COST; default 100).", valueName: "ogpu"))
    var maxTransactionCost: String?

    @Flag(name: [.customShort("y"), .long], help: "Sign on mainnet without asking (a script needs it to send there).")
    var yes = false

    @Flag(name: .customLong("allow-insecure-rpc"), help: "Sign even when the RPC endpoint is plain http:// on another machine.")
    var allowInsecureRPC = false

    @Flag(name: .long, help: "Print results as JSON lines.")
    var json = false

    @Flag(name: .customLong("no-color"), help: "Plain output without colors (also when NO_COLOR is set).")
    var noColor = false

    package init() {}

    /// These flags as plain values (the rest of the command's options unset); `CommandOptions`
    /// turns them and the environment into a `CLIConfiguration`.
    var commandOptions: CommandOptions {
        CommandOptions(network: network, rpcURL: rpcURL, privateKey: privateKey, keystore: keystore,
                       dryRun: dryRun, maxFeePerGas: maxFeePerGas, maxTransactionCost: maxTransactionCost, yes: yes,
                       allowInsecureRPC: allowInsecureRPC, json: json, noColor: noColor)
    }
}
