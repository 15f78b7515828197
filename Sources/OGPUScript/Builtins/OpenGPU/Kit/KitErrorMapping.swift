import Foundation
import OGPUKit
import OGPUPrimitives

/// Turns OGPUKit's typed failures into the `GatewayError` kinds scripts catch (§6, §7):
/// contract reverts → "revert" (named after the contract error, arguments as data), node and
/// transport trouble → "rpc" (or "timeout"), IPFS → "ipfs", keys → "key". Messages come from the
/// Kit errors' descriptions, which never contain key material.
enum KitErrorMapping {
    /// The one-line message for "the local devnet is not running", with the fix.
    static func devnetDown(_ url: String) -> GatewayError {
        GatewayError(.rpc, "no local devnet is answering at \(HTTPRedaction.redact(url)); start it with scripts/devnet start (or pick another network with --network / --rpc-url)")
    }

    /// `local`: whether a failure means nothing listens at the devnet's address.
    static func isUnreachable(_ error: Error) -> Bool {
        switch error {
        case NetworkDiscovery.Failure.unreachable: return true
        case let e as RPCError:
            if case .transport(let t, _) = e { return t.kind == .connectFailed }
            return false
        default: return false
        }
    }

    static func map(_ error: Error, localRPC: String?) -> Error {
        if error is GatewayError { return error }
        if let url = localRPC, isUnreachable(error) { return devnetDown(url) }
        switch error {
        case let e as ContractError: return revert(e)
        case let e as RPCError:
            if case .transport(let t, _) = e, t.kind == .timedOut { return GatewayError(.timeout, e.description) }
            if e.isExecutionRevert {
                return revert(ContractError(operation: e.method, reason: RevertReason(data: e.revertData ?? []),
                                            phase: .beforeSending, nodeMessage: e.serverMessage))
            }
            return GatewayError(.rpc, e.description)
        case let e as SendError:
            if case .receiptTimeout = e { return GatewayError(.timeout, e.description) }
            return GatewayError(.rpc, e.description)
        case let e as IPFSError:
            if case .unreachable(_, let reason, _) = e, reason.lowercased().contains("timed out") {
                return GatewayError(.timeout, e.description)
            }
            return GatewayError(.ipfs, e.description)
        case let e as OpenGPUClientError:
            if case .noSigner = e { return GatewayError(.key, e.description) }
            return GatewayError(.rpc, e.description)
        case let e as Keystore.Error: return GatewayError(.key, "keystore: \(e)")
        case let e as PrivateKey.Error: return GatewayError(.key, "private key: \(e)")
        case let e as TaskDraftError: return GatewayError(.value, e.description)
        case let e as TaskInput.Invalid: return GatewayError(.value, e.description)
        case let e as OpenGPUReadError:
            if case .notFound = e { return GatewayError(.value, e.description) }
            return GatewayError(.rpc, e.description)
        case let e as NetworkDiscovery.Failure: return GatewayError(.rpc, e.description)
        case let e as JournalError: return GatewayError(.io, e.description)
        case let e as SpendingRefusal: return GatewayError(.value, e.description)
        case let e as AddressError: return GatewayError(.value, "\(e)")
        default: return GatewayError(.rpc, "\(error)")
        }
    }

    /// `kind: "revert"`: the message starts with the contract error's name (`InsufficientBalance:
    /// …`), `.data` holds the decoded arguments by name.
    static func revert(_ e: ContractError) -> GatewayError {
        var details = [(String, String)]()
        switch e.reason {
        case .custom(let abiError, let args):
            for (i, a) in args.enumerated() {
                let name = i < abiError.inputs.count && !abiError.inputs[i].name.isEmpty ? abiError.inputs[i].name : "arg\(i)"
                details.append((name, a.description))
            }
        case .message(let text): details.append(("message", text))
        case .panic(let code): details.append(("code", String(code)))
        case .empty, .unknown: break
        }
        details.append(("operation", e.operation))
        if let h = e.transactionHash { details.append(("tx", h)) }
        var message = "\(e.errorName): \(e.operation) reverted (\(e.phase.rawValue))"
        if e.message != e.errorName { message += ": \(e.message)" }
        if let kind = e.openGPUKind {
            // The Kit's hints name SDK calls; say it in this language's words where they differ.
            message += " — " + (kind == .insufficientBalance ? "deposit more with deposit(amount) before publishing" : kind.hint)
        }
        return GatewayError(.revert, message, details: details)
    }
}
