import OGPUScript

/// Converts the command line's configuration (`CLIConfiguration`) into the network client the
/// OpenGPU built-ins use. The only place secrets leave their `Secret` wrapper, to be handed to
/// the gateway's key source (which never prints them either).
enum GatewaySetup {
    static func gatewayConfiguration(_ c: CLIConfiguration) -> KitGatewayConfiguration {
        let key: KitGatewayConfiguration.KeySource
        switch c.signer {
        case .none: key = .none
        case .privateKey(let secret, _): key = .privateKey(hex: secret.reveal())
        case .keystore(let path, let password): key = .keystore(path: path, password: password.reveal())
        }
        // Progress lines only for a person at a terminal, as with the `wait` spinner. Notices can
        // quote what the node said (a label, an address): written inert, as everything else.
        let watched = !c.json && Terminal.stdoutIsTerminal && Terminal.stderrIsTerminal
        return KitGatewayConfiguration(network: c.network.argument, rpcURL: c.rpcURL, key: key, dryRun: c.dryRun,
                                       notice: { Terminal.writeError(TerminalText.escape($0)) },
                                       output: { Terminal.write(TerminalText.escape($0)) },
                                       progress: watched ? { Terminal.writeError(TerminalText.escape($0)) } : nil)
    }

    /// Gives the session its network client (Ctrl-C in the session also stops its network calls).
    static func install(on session: ScriptSession, _ c: CLIConfiguration) {
        session.installKitGateway(gatewayConfiguration(c))
    }
}
