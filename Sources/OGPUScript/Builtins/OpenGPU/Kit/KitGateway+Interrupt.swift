import OGPUKit
import OGPUPrimitives

/// Ctrl-C during a network call: the clients' cancellation token is linked to the session's
/// interrupt flag, so a transfer or receipt wait stops at its next poll (instead of after a 30 s
/// transport timeout or a 120 s receipt wait). The call then raises `interrupted`; a transaction
/// already sent is named in the message (it may still be mined — the send journal has it).
///
/// No watcher thread is involved: the flag is raised by the signal thread and read here, and
/// nothing else crosses threads (this module counts references non-atomically).
extension KitGateway {
    /// The error for a call stopped by Ctrl-C; lowers the flag the way `checkInterrupt` does.
    func interrupted(by error: Error) -> ScriptError {
        interruptFlag?.lower()
        if let e = error as? SendError, e.transactionHash != nil {
            return ScriptError(.interrupted, "interrupted: \(e.description)")
        }
        return ScriptError(.interrupted, "interrupted")
    }
}

extension ScriptSession {
    /// Installs a `KitGateway` whose in-flight calls stop when this session is interrupted.
    public func installKitGateway(_ configuration: KitGatewayConfiguration) {
        gateway = KitGateway(configuration, interruptFlag: interruptFlag)
    }
}
