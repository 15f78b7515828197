#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
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

    /// The one place core errors get their kinds: every family the core throws (`CoreFailure`)
    /// and every case within it is switched over exhaustively (no `default`), so a new core
    /// error family or case does not compile until it is given a kind here.
    static func map(_ error: Error, localRPC: String?) -> Error {
        if error is GatewayError { return error }
        if let url = localRPC, isUnreachable(error) { return devnetDown(url) }
        guard let failure = CoreFailure(error) else { return GatewayError(.rpc, "\(error)") }
        switch failure {
        case .contract(let e): return revert(e)
        case .rpc(let e): return rpc(e)
        case .transport(let t): return GatewayError(t.kind == .timedOut ? .timeout : .rpc, t.description)
        case .nodeAnswer(let e): return GatewayError(.rpc, e.description)
        case .send(let e): return send(e)
        case .ipfs(let e):
            switch e {
            case .unreachable(_, let reason, _) where reason.lowercased().contains("timed out"):
                return GatewayError(.timeout, e.description)
            case .unreachable, .gatewayStatus, .invalidUploadResponse, .notJSON, .unsupportedURL, .refused, .contentMismatch,
                 .unverifiable:
                return GatewayError(.ipfs, e.description)
            }
        case .client(let e):
            switch e {
            case .noSigner: return GatewayError(.key, e.description)
            case .chainMismatch: return GatewayError(.rpc, e.description)
            }
        case .read(let e):
            switch e {
            case .notFound: return GatewayError(.value, e.description)
            case .malformed, .eventMissing: return GatewayError(.rpc, e.description)
            }
        case .draft(let e): return GatewayError(.value, e.description)
        case .taskInput(let e): return GatewayError(.value, e.description)
        case .wait(let e):
            switch e {
            case .timedOut: return GatewayError(.timeout, e.description)
            case .cancelled: return GatewayError(.rpc, e.description)
            }
        case .discovery(let e):
            switch e {
            case .unknownChain, .badManifest, .unreachable: return GatewayError(.rpc, e.description)
            }
        case .journal(let e):
            switch e {
            case .io: return GatewayError(.io, e.description)
            }
        case .accountLock(let e): return GatewayError(.io, e.description)
        case .spending(let e): return GatewayError(.value, e.description)
        case .keystore(let e): return GatewayError(.key, "keystore: \(e)")
        case .privateKey(let e): return GatewayError(.key, "private key: \(e)")
        case .signature(let e): return GatewayError(.key, "signing: \(e)")
        case .transaction(let e): return GatewayError(.value, "transaction: \(e)")
        case .address(let e): return GatewayError(.value, "\(e)")
        case .abiEncoding(let e): return GatewayError(.value, e.description)
        case .abiDecoding(let e): return GatewayError(.rpc, "the node answered data that does not decode: \(e)")
        case .providerSide(let e):
            switch e {
            case .unsupported: return GatewayError(.value, e.description)
            case .tooMany: return GatewayError(.rpc, e.description)
            }
        case .events(let e):
            switch e {
            case .unknownEvent, .unknownField, .badRange, .rangeTooWide, .tooMany: return GatewayError(.value, e.description)
            }
        case .sendRequest(let e): return GatewayError(.value, e.description)
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
            : "settle it with `ogpu journal --check` before sending it again, or replace it at its nonce with speed_up(e) or cancel_tx(e)"
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
