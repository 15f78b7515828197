import Dispatch
import OGPUKit

/// Ctrl-C during a network call: the session's interrupt flag is watched while a Kit call runs,
/// and cancels its transfer or receipt wait at once (instead of after a 30 s transport timeout or
/// a 120 s receipt wait). The call then raises `interrupted`; a transaction already sent is named
/// in the message (it may still be mined — the send journal has it).
extension KitGateway {
    struct Interruption {
        let isRaised: () -> Bool
        let clear: () -> Void
    }

    /// Polls the interrupt flag every 50 ms until cancelled; nil when no session is attached.
    func watchForInterrupt(_ token: CancellationToken) -> DispatchSourceTimer? {
        guard let interruption else { return nil }
        let timer = DispatchSource.makeTimerSource(queue: .global())
        timer.schedule(deadline: .now() + .milliseconds(50), repeating: .milliseconds(50))
        timer.setEventHandler { if interruption.isRaised() { token.cancel() } }
        timer.resume()
        return timer
    }

    /// The error for a call stopped by Ctrl-C; clears the flag the way `checkInterrupt` does.
    func interrupted(by error: Error) -> ScriptError {
        interruption?.clear()
        if let e = error as? SendError, e.transactionHash != nil {
            return ScriptError(.interrupted, "interrupted: \(e.description)")
        }
        return ScriptError(.interrupted, "interrupted")
    }
}

extension ScriptSession {
    /// Installs a `KitGateway` whose in-flight calls stop when this session is interrupted.
    public func installKitGateway(_ configuration: KitGatewayConfiguration) {
        let g = KitGateway(configuration)
        let ctx = context
        g.interruption = KitGateway.Interruption(isRaised: { [weak ctx] in ctx?.isInterrupted ?? false },
                                                 clear: { [weak ctx] in ctx?.clearInterrupt() })
        gateway = g
    }
}
