import BigInt

/// Converting gateway (Kit-level) data into script values.
enum GatewayValues {
    static func address(_ s: String) -> Value {
        (try? AddressArgument.parse(s, what: "address")).map { .address($0) } ?? .string(s)
    }

    static func abbreviated(_ address: String) -> String {
        let a = (try? AddressArgument.parse(address, what: "address"))?.description ?? address
        guard a.count > 10 else { return a }
        return String(a.prefix(5)) + "…" + String(a.suffix(4))
    }

    /// A payload: parsed JSON when it is JSON, else the text.
    static func payload(_ text: String) -> Value {
        (try? JSONParser.parse(text)) ?? .string(text)
    }

    static func map(_ pairs: [(String, Value)]) -> Value { .map(OrderedMap(pairs)) }
}

/// A published task (§6). Every property read asks the chain: no stale cache.
final class TaskHandle: ScriptHandle {
    let address: String
    var transactionHash: String?
    let gateway: OpenGPUGateway

    init(address: String, transactionHash: String?, gateway: OpenGPUGateway) {
        self.address = address
        self.transactionHash = transactionHash
        self.gateway = gateway
    }

    var typeName: String { "task" }

    var propertyNames: [String] { ["address", "tx", "status", "source", "payment", "expiry", "attempts", "responses", "config", "explorer"] }

    func property(_ name: String) throws -> Value {
        switch name {
        case "address": return GatewayValues.address(address)
        case "tx":
            if let t = transactionHash { return .string(t) }
            return try Gateway.run { try gateway.task(at: address).transactionHash.map { .string($0) } ?? .null }
        case "status", "source", "payment", "expiry", "attempts", "explorer", "config":
            let info = try Gateway.run { try gateway.task(at: address) }
            switch name {
            case "status": return .string(info.status.name)
            case "source": return GatewayValues.address(info.source)
            case "payment": return .amount(info.payment)
            case "expiry": return .time(Dec(info.expiry))
            case "attempts": return .int(info.attempts)
            case "explorer": return info.explorer.map { .string($0) } ?? .null
            default:
                guard !info.configURL.isEmpty else { return .null }
                return try Gateway.run { GatewayValues.payload(try gateway.ipfsGet(info.configURL)) }
            }
        case "responses":
            return .list(try Gateway.run { try gateway.responses(of: address) }.map { .handle(ResponseHandle($0, gateway: gateway)) })
        default:
            throw ScriptError(.name, "a task has no property `\(name)` (it has address, tx, status, source, payment, expiry, attempts, responses, config, explorer)")
        }
    }

    var printed: String {
        let status = (try? gateway.task(at: address).status.name).map { " " + $0 } ?? ""
        return "<task \(GatewayValues.abbreviated(address))\(status)>"
    }
}

/// A provider's response to a task (§6).
final class ResponseHandle: ScriptHandle {
    let info: ResponseInfo
    let gateway: OpenGPUGateway

    init(_ info: ResponseInfo, gateway: OpenGPUGateway) {
        self.info = info
        self.gateway = gateway
    }

    var typeName: String { "response" }

    var propertyNames: [String] { ["address", "task", "provider", "status", "confirmed", "data", "url", "time"] }

    func property(_ name: String) throws -> Value {
        switch name {
        case "address": return GatewayValues.address(info.address)
        case "task": return .handle(TaskHandle(address: info.task, transactionHash: nil, gateway: gateway))
        case "provider": return GatewayValues.address(info.provider)
        case "status": return .string(info.confirmed ? "confirmed" : "submitted")
        case "confirmed": return .bool(info.confirmed)
        case "data": return GatewayValues.payload(info.body)
        case "url": return .string(info.url)
        case "time": return .time(Dec(info.time))
        default:
            throw ScriptError(.name, "a response has no property `\(name)` (it has address, task, provider, status, confirmed, data, url, time)")
        }
    }

    var printed: String {
        "<response \(GatewayValues.abbreviated(info.address)) \(info.confirmed ? "confirmed" : "submitted")>"
    }
}

/// A source: a provider-side service clients send tasks to (§6).
final class SourceHandle: ScriptHandle {
    let info: SourceInfo

    init(_ info: SourceInfo) { self.info = info }

    var typeName: String { "source" }

    var propertyNames: [String] { ["address", "owner", "name", "description", "logo", "metadata", "environments", "min_payment", "min_lockup", "max_expiry", "delivery", "status"] }

    func property(_ name: String) throws -> Value {
        switch name {
        case "address": return GatewayValues.address(info.address)
        case "owner": return GatewayValues.address(info.owner)
        case "name": return .string(info.name)
        case "description": return .string(info.description)
        case "logo": return .string(info.logo)
        case "metadata": return .string(info.metadataURL)
        case "environments":
            var envs: [Value] = []
            if info.environments & 1 != 0 { envs.append(.string("cpu")) }
            if info.environments & 2 != 0 { envs.append(.string("nvidia")) }
            if info.environments & 4 != 0 { envs.append(.string("amd")) }
            return .list(envs)
        case "min_payment": return .amount(info.minPayment)
        case "min_lockup": return .amount(info.minLockup)
        case "max_expiry": return .duration(Dec(info.maxExpirySeconds))
        case "delivery": return .string(info.delivery)
        case "status": return .string(info.active ? "active" : "inactive")
        default:
            throw ScriptError(.name, "a source has no property `\(name)` (it has address, owner, name, description, logo, metadata, environments, min_payment, min_lockup, max_expiry, delivery, status)")
        }
    }

    var printed: String {
        "<source \(GatewayValues.abbreviated(info.address)) \(info.name.isEmpty ? "?" : info.name)>"
    }
}
