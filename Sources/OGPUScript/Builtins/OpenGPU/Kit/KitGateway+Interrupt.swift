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
        // Ctrl-C still stops the script (kind "interrupted", never caught), but a transaction that
        // may be on chain is named, with how to settle it, exactly as a "pending" error would.
        if let e = error as? SendError, let hash = e.transactionHash {
            let label: String
            switch e {
            case .deliveryUncertain(let l, _, _), .receiptTimeout(let l, _, _), .cancelled(let l, _), .rejected(let l, _),
                 .insufficientFunds(let l, _), .nonceConflict(let l, _): label = l
            }
            let p = KitErrorMapping.pending(label: label, hash: hash, why: e.description)
            return ScriptError(.interrupted, "interrupted: \(p.message)",
                               data: .map(OrderedMap(p.details.map { ($0.0, Value.string($0.1)) })))
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
