import BigInt
import OGPUKit
import OGPUPrimitives

/// The chain console's operations that sign or look up transactions (`send`, `transfer`,
/// `sign_message`, `tx`, `speed_up`, `cancel_tx`, `wallet_new`) and the fee and gas overrides of
/// every sending built-in. Beside `OpenGPUGateway`, not in it: a gateway that cannot do these
/// (a test's fake) simply does not conform, and the built-ins say so. Types are the core's own.
public protocol ConsoleGateway: OpenGPUGateway {
    /// `eth_getTransactionByHash` (nil: unknown) and the receipt, when mined.
    func transaction(_ hash: String) throws -> EthTransaction?
    /// An EIP-191 `personal_sign` signature of `message` by the session's key: r ‖ s ‖ v (65 bytes).
    func signMessage(_ message: [UInt8]) throws -> [UInt8]
    /// Sends a call or transfer through the core's journaled sender (caps, network checks,
    /// mainnet confirmation, `--dry-run`) and waits for its receipt.
    func sendTransaction(_ request: TransactionRequest) throws -> TransactionReceipt
    /// Replaces the session account's pending transaction `hash` at its nonce with higher fees.
    func replace(_ hash: String, _ kind: TransactionSender.ReplacementKind) throws -> TransactionSender.ReplacementOutcome
    /// Writes a new key to a Web3 Secret Storage v3 file at `path` (never over an existing file),
    /// encrypted with a password the gateway asks for itself; returns only the address.
    func createWallet(at path: String) throws -> Address
    /// Runs `body` with this call's fee and gas choices for the transactions it signs.
    func withSendOverrides<T>(_ overrides: SendOverrides, _ body: () throws -> T) throws -> T
}

extension Gateway {
    /// The session's gateway as a console gateway, or an `"rpc"` error naming the built-in.
    static func console(_ ctx: CallContext, _ callee: String) throws -> ConsoleGateway {
        guard let g = try from(ctx, callee) as? ConsoleGateway else {
            throw ScriptError(.rpc, "\(callee)(): this session's network client cannot sign or look up transactions")
        }
        return g
    }
}
