import BigInt
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import OGPUKit
import OGPUPrimitives

/// Converting the core's data into script values.
enum GatewayValues {
    static func abbreviated(_ address: Address) -> String {
        let a = address.description
        guard a.count > 10 else { return a }
        return String(a.prefix(5)) + "…" + String(a.suffix(4))
    }

    /// A payload: parsed JSON when it is JSON, else the text.
    static func payload(_ text: String) -> Value {
        (try? JSONParser.parse(text)) ?? .string(text)
    }

    static func map(_ pairs: [(String, Value)]) -> Value { .map(OrderedMap(pairs)) }

    /// Unix seconds as a script time.
    static func time(_ unix: UInt64) -> Value { .time(Dec(Int(clamping: unix))) }

    /// A task's status now: EXPIRED once past its expiry, whatever the chain has written yet.
    static func status(_ info: TaskInfo) -> TaskStatus {
        info.effectiveStatus(now: UInt64(max(0, Date().timeIntervalSince1970)))
    }
}

/// A published task (§6). Every property read asks the chain: no stale cache.
final class TaskHandle: ScriptHandle {
    let address: Address
    var transactionHash: String?
    let gateway: OpenGPUGateway

    init(address: Address, transactionHash: String?, gateway: OpenGPUGateway) {
        self.address = address
        self.transactionHash = transactionHash
        self.gateway = gateway
    }

    var typeName: String { "task" }

    var propertyNames: [String] {
        ["address", "tx", "status", "source", "payment", "expiry", "attempts", "responses", "config", "explorer", "delivery", "winner",
         "owner", "attempters"]
    }

    func property(_ name: String) throws -> Value {
        switch name {
        case "address": return .address(address)
        case "tx":
            if let t = transactionHash { return .string(t) }
            return gateway.publishTransaction(of: address).map { .string($0) } ?? .null
        case "status", "source", "payment", "expiry", "attempts", "explorer", "config", "delivery", "winner", "owner":
            let info = try Gateway.run { try gateway.task(at: address) }
            switch name {
            case "status": return .string(GatewayValues.status(info).scriptName)
            case "source": return .address(info.source)
            case "payment": return .amount(info.payment)
            case "expiry": return GatewayValues.time(info.expiryTime)
            case "attempts": return .int(info.attemptCount)
            case "explorer": return gateway.explorerURL(of: address).map { .string($0) } ?? .null
            case "delivery": return info.deliveryMethod.map { .string($0 == .firstResponse ? "first" : "manual") } ?? .null
            case "winner": return info.winningProvider.map { .address($0) } ?? .null
            case "owner": return info.owner.map { .address($0) } ?? .null
            default:
                guard !info.configURL.isEmpty else { return .null }
                return try Gateway.run { GatewayValues.payload(try gateway.ipfsGet(info.configURL)) }
            }
        case "responses":
            return .list(try ResponseHandle.all(of: address, gateway))
        case "attempters":
            guard let side = gateway as? ProtocolSideGateway else { throw ScriptError(.rpc, "this network client cannot read attempters") }
            return .list(try Gateway.run { try side.attempters(of: address) }.map { .address($0) })
        default:
            throw ScriptError(.name, "a task has no property `\(name)` (it has \(propertyNames.joined(separator: ", ")))")
        }
    }

    var printed: String {
        let status = (try? GatewayValues.status(gateway.task(at: address)).scriptName).map { " " + $0 } ?? ""
        return "<task \(GatewayValues.abbreviated(address))\(status)>"
    }
}

/// A provider's response to a task (§6).
final class ResponseHandle: ScriptHandle {
    let info: ResponseInfo
    /// The payload text, fetched when the handle is made.
    let body: String
    let gateway: OpenGPUGateway

    convenience init(_ info: ResponseInfo, gateway: OpenGPUGateway) throws {
        self.init(info, body: try Gateway.run { try gateway.payloads(of: [info])[0] }, gateway: gateway)
    }

    init(_ info: ResponseInfo, body: String, gateway: OpenGPUGateway) {
        self.info = info
        self.body = body
        self.gateway = gateway
    }

    /// Handles for every response of `task`: the responses read in one batch, their payloads
    /// fetched a few at a time.
    static func all(of task: Address, _ gateway: OpenGPUGateway) throws -> [Value] {
        let infos = try Gateway.run { try gateway.responses(of: task) }
        let bodies = try Gateway.run { try gateway.payloads(of: infos) }
        return zip(infos, bodies).map { .handle(ResponseHandle($0, body: $1, gateway: gateway)) }
    }

    var typeName: String { "response" }

    var propertyNames: [String] { ["address", "task", "provider", "status", "confirmed", "data", "url", "time", "payment"] }

    func property(_ name: String) throws -> Value {
        switch name {
        case "address": return .address(info.address)
        case "task": return .handle(TaskHandle(address: info.task, transactionHash: nil, gateway: gateway))
        case "provider": return .address(info.provider)
        case "status": return .string(info.isConfirmed ? "confirmed" : "submitted")
        case "confirmed": return .bool(info.isConfirmed)
        case "data": return GatewayValues.payload(body)
        case "url": return .string(info.data)
        case "time": return GatewayValues.time(info.timestamp)
        case "payment": return .amount(info.payment)
        default:
            throw ScriptError(.name, "a response has no property `\(name)` (it has \(propertyNames.joined(separator: ", ")))")
        }
    }

    var printed: String {
        "<response \(GatewayValues.abbreviated(info.address)) \(info.isConfirmed ? "confirmed" : "submitted")>"
    }
}

/// A source: a provider-side service clients send tasks to (§6).
final class SourceHandle: ScriptHandle {
    let info: SourceInfo

    init(_ info: SourceInfo) { self.info = info }

    var displayName: String { info.metadata?.name ?? "" }

    var typeName: String { "source" }

    var propertyNames: [String] { ["address", "owner", "name", "description", "logo", "metadata", "environments", "min_payment", "min_lockup", "max_expiry", "delivery", "status"] }

    func property(_ name: String) throws -> Value {
        switch name {
        case "address": return .address(info.address)
        case "owner": return .address(info.params.client)
        case "name": return .string(displayName)
        case "description": return .string(info.metadata?.description ?? "")
        case "logo": return .string(info.metadata?.logoUrl ?? "")
        case "metadata": return .string(info.params.imageMetadataUrl)
        case "environments":
            let bits = info.params.imageEnvironments
            var envs: [Value] = []
            if bits & 1 != 0 { envs.append(.string("cpu")) }
            if bits & 2 != 0 { envs.append(.string("nvidia")) }
            if bits & 4 != 0 { envs.append(.string("amd")) }
            return .list(envs)
        case "min_payment": return .amount(info.params.minPayment)
        case "min_lockup": return .amount(info.params.minAvailableLockup)
        case "max_expiry": return .duration(Dec(Int(clamping: UInt64(truncatingIfNeeded: info.params.maxExpiryDuration))))
        case "delivery": return .string(info.params.deliveryMethod == .firstResponse ? "first" : "manual")
        case "status": return .string(info.status == .active ? "active" : "inactive")
        default:
            throw ScriptError(.name, "a source has no property `\(name)` (it has address, owner, name, description, logo, metadata, environments, min_payment, min_lockup, max_expiry, delivery, status)")
        }
    }

    var printed: String {
        "<source \(GatewayValues.abbreviated(info.address)) \(displayName.isEmpty ? "?" : displayName)>"
    }
}
