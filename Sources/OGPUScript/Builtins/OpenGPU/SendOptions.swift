import BigInt
import OGPUKit

/// The fee and gas choices every sending built-in takes — `max_fee:`, `max_priority_fee:` (amounts
/// per gas, like `gwei(30)`) and `gas:` (an int) — for its own transactions only. The spending caps
/// still apply to the worst case they allow.
enum SendOptions {
    static let names: Set<String> = ["max_fee", "max_priority_fee", "gas"]

    static func overrides(_ args: Arguments) throws -> SendOverrides {
        func perGas(_ name: String) throws -> BigUInt? {
            guard let v = args.named(name) else { return nil }
            guard case .amount(let w) = v else { throw args.typeError(name, expected: "an amount per gas like gwei(30)", got: v) }
            return w.big
        }
        var o = SendOverrides(maxFeePerGas: try perGas("max_fee"), maxPriorityFeePerGas: try perGas("max_priority_fee"))
        if let v = args.named("gas") {
            let n = try Arguments.int(v, "gas", callee: args.callee)
            guard n > 0 else { throw ScriptError(.value, "\(args.callee)(): gas must be greater than 0, got \(n)") }
            o.gasLimit = UInt64(n)
        }
        do { try o.validate() } catch let e as SendRequestError { throw ScriptError(.value, "\(args.callee)(): \(e)") }
        return o
    }

    /// Runs `body` (which sends) with the overrides for its transactions.
    static func apply<T>(_ overrides: SendOverrides, _ g: OpenGPUGateway, _ body: () throws -> T) throws -> T {
        if overrides.isEmpty { return try body() }
        guard let console = g as? ConsoleGateway else {
            throw GatewayError(.rpc, "this gateway cannot take max_fee:, max_priority_fee: or gas:")
        }
        return try console.withSendOverrides(overrides, body)
    }
}
