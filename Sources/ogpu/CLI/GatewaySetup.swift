import OGPUKit
import OGPUPrimitives
import OGPUScript
import OGPUPrimitives

/// Converts the command line's configuration (`CLIConfiguration`) into the network client the
/// OpenGPU built-ins use. Secrets stay in their `Secret` objects, handed to the gateway's key
/// source, which wipes them once the key is loaded.
enum GatewaySetup {
    static func gatewayConfiguration(_ c: CLIConfiguration, interrupt: InterruptFlag? = nil) -> KitGatewayConfiguration {
        let key: KitGatewayConfiguration.KeySource
        switch c.signer {
        case .none: key = .none
        case .privateKey(let secret, _): key = .privateKey(secret)
        case .keystore(let path, let password): key = .keystore(path: path, password: password)
        }
        // Progress lines only for a person at a terminal, as with the `wait` spinner. Notices can
        // quote what the node said (a label, an address): written inert, as everything else.
        let watched = !c.json && Terminal.stdoutIsTerminal && Terminal.stderrIsTerminal
        var configuration = KitGatewayConfiguration(network: c.network.argument, rpcURL: c.rpcURL, key: key, dryRun: c.dryRun,
                                       notice: { Terminal.writeError(TerminalText.escape($0)) },
                                       output: { Terminal.write(TerminalText.escape($0)) },
                                       progress: watched ? { Terminal.writeError(TerminalText.escape($0)) } : nil,
                                       caps: c.caps, assumeYes: c.assumeYes, allowInsecureRPC: c.allowInsecureRPC,
                                       confirm: SigningConfirmation.prompt(interrupt: interrupt, color: c.color))
        configuration.newKeystorePassword = NewKeystorePassword.provider(fromEnvironment: c.walletPassword)
        configuration.confirmMessage = SigningConfirmation.messagePrompt(interrupt: interrupt, color: c.color)
        return configuration
    }

    /// Gives the session its network client (Ctrl-C in the session also stops its network calls).
    static func install(on session: ScriptSession, _ c: CLIConfiguration) {
        session.installKitGateway(gatewayConfiguration(c, interrupt: session.interruptFlag))
    }
}
