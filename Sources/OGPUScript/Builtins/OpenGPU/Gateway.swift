import BigInt

/// Where the session keeps its gateway, and how gateway failures become script errors.
enum Gateway {
    static let storageKey = "ogpu.gateway"

    static func from(_ ctx: CallContext, _ callee: String) throws -> OpenGPUGateway {
        guard let g = ctx.storage[storageKey] as? OpenGPUGateway else {
            throw ScriptError(.rpc, "\(callee)(): no network client available (this build of ogpu has no OpenGPU network support configured)")
        }
        return g
    }

    /// Runs a gateway call, turning its failures into script errors of the right kind.
    static func run<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let e as ScriptError {
            throw e
        } catch let e as GatewayError {
            let data: Value? = e.details.isEmpty ? nil : .map(OrderedMap(e.details.map { ($0.0, Value.string($0.1)) }))
            throw ScriptError(kind: e.kind.rawValue, message: e.message, data: data)
        } catch {
            throw ScriptError(.rpc, "\(error)")
        }
    }
}

extension ScriptSession {
    /// The network client the OpenGPU built-ins use (nil: they raise `"rpc"` errors).
    public var gateway: OpenGPUGateway? {
        get { context.storage[Gateway.storageKey] as? OpenGPUGateway }
        set { context.storage[Gateway.storageKey] = newValue }
    }
}
