import BigInt
import OGPUPrimitives

/// The Vault operations a client sends (PROTOCOL.md §8.6).
public enum VaultAction: String, Sendable, CaseIterable {
    case deposit, lock, unbond, withdraw, claim
}

/// The one place each client transaction is built (calldata, value, journal meta), so sending it
/// and signing it without sending (a dry run) cannot drift apart.
extension OpenGPUClient {
    /// `Controller.confirmResponse(response)`.
    public func confirmRequest(response: Address) throws -> TransactionRequest {
        TransactionRequest(to: network.contracts.controller,
                           data: try OpenGPUContracts.Controller.confirmResponse.encodeCall([.address(response)]),
                           label: "Controller.confirmResponse", journalMeta: [("response", .string(response.checksummed))])
    }

    /// `Controller.cancelTask(task)`.
    public func cancelRequest(task: Address) throws -> TransactionRequest {
        TransactionRequest(to: network.contracts.controller,
                           data: try OpenGPUContracts.Controller.cancelTask.encodeCall([.address(task)]),
                           label: "Controller.cancelTask", journalMeta: [("task", .string(task.checksummed))])
    }

    /// A Vault call: `deposit` credits `account` (default: the signer) with `amount` sent as value;
    /// `lock`, `unbond`, `withdraw` take `amount` as their argument; `claim` ignores it.
    public func vaultRequest(_ action: VaultAction, amount: BigUInt, for account: Address? = nil) throws -> TransactionRequest {
        typealias V = OpenGPUContracts.Vault
        let vault = network.contracts.vault
        switch action {
        case .deposit:
            let target = try account ?? sender().address
            return TransactionRequest(to: vault, data: try V.deposit.encodeCall([.address(target)]), value: amount,
                                      label: "Vault.deposit",
                                      journalMeta: [("account", .string(target.checksummed)), ("amount", .string(String(amount)))])
        case .lock: return TransactionRequest(to: vault, data: try V.lock.encodeCall([.uint(amount)]), label: "Vault.lock")
        case .unbond: return TransactionRequest(to: vault, data: try V.unbond.encodeCall([.uint(amount)]), label: "Vault.unbond")
        case .withdraw: return TransactionRequest(to: vault, data: try V.withdraw.encodeCall([.uint(amount)]), label: "Vault.withdraw")
        case .claim: return TransactionRequest(to: vault, data: try V.claim.encodeCall([]), label: "Vault.claim")
        }
    }

    /// Estimates, prices, numbers and signs `request` exactly as a send would, and broadcasts and
    /// journals nothing (a dry run). The nonce is the node's pending count, or `nonceAtLeast` when
    /// that is higher (consecutive dry runs in one session get consecutive nonces).
    public func signWithoutSending(_ request: TransactionRequest, nonceAtLeast: UInt64 = 0) throws -> SignedTransaction {
        let s = try sender()
        let gas = try s.overrides.gasLimit.map { try s.overriddenGasLimit(for: request, $0) }
            ?? s.fees.gasLimit(forEstimate: try s.estimateGas(request))
        let fee = try s.feeForThisCall()
        let nonce = max(try eth.transactionCount(of: s.address, at: .pending), nonceAtLeast)
        return try s.sign(s.build(request, nonce: nonce, gasLimit: gas, fee: fee), for: request, dryRun: true)
    }
}
