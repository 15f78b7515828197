import BigInt
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import OGPUKit

/// `vault()`'s map: every figure of the core's `VaultAccount`, and whether `claim()` would work now.
enum VaultState {
    /// `now`: the chain's latest block time (the Vault compares against it), else the wall clock.
    static func value(_ v: VaultAccount, now: UInt64?) -> Value {
        let clock = now ?? UInt64(max(0, Date().timeIntervalSince1970))
        let unbondingUntil: Value = v.unbonding.isZero || v.unbondingTimestamp == 0 ? .null : GatewayValues.time(v.unbondingTimestamp)
        return GatewayValues.map([
            ("balance", .amount(v.balance)), ("lockup", .amount(v.lockup)), ("unbonding", .amount(v.unbonding)),
            ("unbonding_until", unbondingUntil), ("claimable", .bool(!v.unbonding.isZero && clock >= v.unbondingTimestamp)),
            ("frozen", .amount(v.frozenPayment)), ("earnings", .amount(v.totalEarnings)), ("eligible", .bool(v.eligible)),
        ])
    }
}
