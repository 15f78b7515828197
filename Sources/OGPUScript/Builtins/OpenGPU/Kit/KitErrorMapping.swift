import Foundation
import OGPUKit
import OGPUPrimitives

/// Turns OGPUKit's typed failures into the `GatewayError` kinds scripts catch (§6, §7):
/// contract reverts → "revert" (named after the contract error, arguments as data), node and
/// transport trouble → "rpc" (or "timeout"), a transaction whose outcome is unknown → "pending",
/// IPFS → "ipfs", keys → "key". Messages come from the
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

    /// Every OGPUKit error type is switched over exhaustively (no `default` inside a type), so a
    /// new core error case does not compile until it is given a kind here.
    static func map(_ error: Error, localRPC: String?) -> Error {
        if error is GatewayError { return error }
        if let url = localRPC, isUnreachable(error) { return devnetDown(url) }
        switch error {
        case let e as ContractError: return revert(e)
        case let e as RPCError: return rpc(e)
        case let e as SendError: return send(e)
        case let e as IPFSError:
            switch e {
            case .unreachable(_, let reason, _) where reason.lowercased().contains("timed out"):
                return GatewayError(.timeout, e.description)
            case .unreachable, .gatewayStatus, .invalidUploadResponse, .notJSON, .unsupportedURL:
                return GatewayError(.ipfs, e.description)
            }
        case let e as OpenGPUClientError:
            switch e {
            case .noSigner: return GatewayError(.key, e.description)
            case .chainMismatch: return GatewayError(.rpc, e.description)
            }
        case let e as Keystore.Error: return GatewayError(.key, "keystore: \(e)")
        case let e as PrivateKey.Error: return GatewayError(.key, "private key: \(e)")
        case let e as TaskDraftError: return GatewayError(.value, e.description)
        case let e as TaskWaitError:
            switch e {
            case .timedOut: return GatewayError(.timeout, e.description)
            case .cancelled: return GatewayError(.rpc, e.description)
            }
        case let e as TaskInput.Invalid: return GatewayError(.value, e.description)
        case let e as OpenGPUReadError:
            switch e {
            case .notFound: return GatewayError(.value, e.description)
            case .malformed, .eventMissing: return GatewayError(.rpc, e.description)
            }
        case let e as NetworkDiscovery.Failure:
            switch e {
            case .unknownChain, .badManifest, .unreachable: return GatewayError(.rpc, e.description)
            }
        case let e as JournalError:
            switch e {
            case .io: return GatewayError(.io, e.description)
            }
        case let e as AccountLock.Failure: return GatewayError(.io, e.description)
        case let e as SpendingRefusal: return GatewayError(.value, e.description)
        case let e as AddressError: return GatewayError(.value, "\(e)")
        default: return GatewayError(.rpc, "\(error)")
        }
    }

    static func rpc(_ e: RPCError) -> GatewayError {
        switch e {
        case .transport(let t, _):
            return GatewayError(t.kind == .timedOut ? .timeout : .rpc, e.description)
        case .server where e.isExecutionRevert:
            return revert(ContractError(operation: e.method, reason: RevertReason(data: e.revertData ?? []),
                                        phase: .beforeSending, nodeMessage: e.serverMessage))
        case .server, .httpStatus, .invalidResponse:
            return GatewayError(.rpc, e.description)
        }
    }

    /// Transactions: whatever may have reached a node is `"pending"` — never `"rpc"` or
    /// `"timeout"`, which invite a retry that would sign a second transaction.
    static func send(_ e: SendError) -> GatewayError {
        switch e {
        case .rejected, .nonceConflict, .insufficientFunds: return GatewayError(.rpc, e.description)
        case .deliveryUncertain(let label, let hash, _), .receiptTimeout(let label, let hash, _):
            return pending(label: label, hash: hash, why: e.description)
        case .cancelled(let label, let hash?):
            return pending(label: label, hash: hash, why: e.description)
        case .cancelled(let label, nil):
            return GatewayError(.rpc, "\(label): cancelled before anything was signed")
        }
    }

    /// `kind: "pending"`: the transaction `hash` may or may not be on chain. `.data` has `tx` and
    /// `operation`; the message says how to settle it instead of sending again.
    static func pending(label: String, hash: String, why: String) -> GatewayError {
        let resume = label == "Controller.publishTask"
            ? "run the same publish again (it settles this transaction instead of signing a new one) or `ogpu journal --check`; do not publish with again: true"
            : "settle it with `ogpu journal --check` before sending it again"
        return GatewayError(.pending, "outcome unknown: \(why). Transaction \(hash) is in the send journal; \(resume)",
                            details: [("tx", hash), ("operation", label)])
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
