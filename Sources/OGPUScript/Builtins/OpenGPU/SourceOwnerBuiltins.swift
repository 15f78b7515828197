import BigInt
import OGPUKit
import OGPUPrimitives

/// `update_source`: a source owner changes some of a source's terms or metadata; what is not
/// given keeps its current value (read from the chain and the pinned metadata).
extension ProviderBuiltins {
    static let updateSource = BuiltinFunction("update_source", doc: """
        update_source(source, name:, description:, logo:, cpu:, nvidia:, amd:, min_payment:, \
        min_lockup:, max_expiry:, delivery:) changes the named fields of a source you own and keeps \
        the others (Nexus.updateSource; the metadata is pinned again). Returns the transaction hash.
        """) { args, ctx in
        let texts = ["name", "description", "logo", "cpu", "nvidia", "amd"]
        try args.allowNamed(Set(texts + ["min_payment", "min_lockup", "max_expiry", "delivery"]).union(NetworkBuiltins.capNames))
        try args.expectCount(1, 1)
        let address = try sourceAddress(args.positional[0], "update_source")
        let g = try Gateway.from(ctx, "update_source"), p = try Gateway.protocolSide(ctx, "update_source")
        func text(_ n: String) throws -> String? {
            guard let v = args.named(n) else { return nil }
            guard case .string(let s) = v else { throw args.typeError(n, expected: "a string", got: v) }
            return s
        }
        let current = try Gateway.run { try g.source(at: address) }
        // The compose URLs live only in the pinned metadata; unreadable metadata keeps none unless given.
        let metadata = (try? Gateway.run { try g.ipfsGet(current.params.imageMetadataUrl) }).map(GatewayValues.payload)
        func old(_ key: String) -> String {
            if case .map(let m)? = metadata, case .string(let s)? = m[key] { return s }
            return ""
        }
        var d = SourceDraft(name: try text("name") ?? current.metadata?.name ?? old("name"),
                            description: try text("description") ?? current.metadata?.description ?? old("description"),
                            logoUrl: try text("logo") ?? current.metadata?.logoUrl ?? old("logoUrl"),
                            cpu: try text("cpu") ?? old("cpu"), nvidia: try text("nvidia") ?? old("nvidia"),
                            amd: try text("amd") ?? old("amd"),
                            minPayment: try amount(args, "min_payment") ?? current.params.minPayment,
                            minAvailableLockup: try amount(args, "min_lockup") ?? current.params.minAvailableLockup,
                            maxExpiryDuration: current.params.maxExpiryDuration, deliveryMethod: current.params.deliveryMethod)
        if let v = args.named("max_expiry") {
            guard case .duration(let s) = v, !s.isNegative, let secs = Int(exactly: s.rounded(digits: 0).truncatedInteger), secs > 0 else {
                throw ScriptError(.value, "update_source(): `max_expiry` must be a positive duration like 1d")
            }
            d.maxExpiryDuration = BigUInt(secs)
        }
        if let v = args.named("delivery") {
            guard case .string(let s) = v, s == "first" || s == "manual" else {
                throw ScriptError(.value, "update_source(): delivery must be \"first\" or \"manual\"")
            }
            d.deliveryMethod = s == "first" ? .firstResponse : .manualConfirmation
        }
        if d.environments == 0 {
            throw ScriptError(.value, "update_source(): the source would have no cpu:, nvidia: or amd: compose URL; give at least one")
        }
        return .string(try NetworkBuiltins.withCaps(args, g) { try p.updateSource(address, d) }.transactionHash)
    }
}
