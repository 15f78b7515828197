import Foundation
@testable import OGPUKit
@testable import OGPUPrimitives

/// A loopback JSON-RPC proxy in front of the devnet that injects faults on chosen methods:
/// delays, HTTP 5xx, connections dropped *after* the request was forwarded (the node acted, the
/// client never hears), truncated and malformed bodies. 127.0.0.1 only; bounded by the
/// underlying `LoopbackHTTPServer`'s lifetime.
final class FaultProxy: @unchecked Sendable {
    enum Fault: Equatable {
        case delay(Double)
        /// 502 without forwarding.
        case badGateway
        /// Forward, then close the connection without answering.
        case dropAfterForward
        /// Forward, then send only half of the node's answer.
        case truncateAfterForward
        /// Forward, then answer with garbage.
        case malformedAfterForward
        /// Forward, then answer 503 (the node acted; the client sees a server error).
        case serverErrorAfterForward
    }

    private let upstream: String
    private let transport = CurlTransport()
    private let lock = NSLock()
    private var rules: [(method: String, faults: [Fault])] = []
    private(set) var log: [(method: String, fault: Fault?)] = []
    private var server: LoopbackHTTPServer!

    var url: String { server.url }

    init(upstream: String) throws {
        self.upstream = upstream
        server = try LoopbackHTTPServer(maxConnections: 64, lifetime: 600) { [unowned self] req in self.handle(req) }
    }

    func stop() { server.stop() }

    /// The next `faults.count` requests containing `method` get these faults, in order.
    func inject(_ method: String, _ faults: [Fault]) {
        lock.lock(); rules.append((method, faults)); lock.unlock()
    }

    func faultsApplied(_ method: String) -> Int {
        lock.lock(); defer { lock.unlock() }
        return log.filter { $0.method == method && $0.fault != nil }.count
    }

    private func methods(of body: [UInt8]) -> [String] {
        guard let v = try? JSONParser.parse(body) else { return [] }
        if case .array(let items) = v { return items.compactMap { $0["method"]?.stringValue } }
        return [v["method"]?.stringValue].compactMap { $0 }
    }

    private func takeFault(for methods: [String]) -> (String, Fault?) {
        lock.lock(); defer { lock.unlock() }
        for (i, rule) in rules.enumerated() where methods.contains(rule.method) && !rule.faults.isEmpty {
            var faults = rule.faults
            let f = faults.removeFirst()
            rules[i].faults = faults
            log.append((rule.method, f))
            return (rule.method, f)
        }
        log.append((methods.first ?? "?", nil))
        return (methods.first ?? "?", nil)
    }

    private func forward(_ req: LoopbackHTTPServer.Request) -> HTTPResponse? {
        try? transport.post(upstream, body: req.body, contentType: "application/json",
                            options: HTTPOptions(totalTimeout: 60), cancellation: nil)
    }

    private func handle(_ req: LoopbackHTTPServer.Request) -> LoopbackHTTPServer.Action {
        let (_, fault) = takeFault(for: methods(of: req.body))
        if fault == .badGateway { return .json("<html>502 Bad Gateway</html>", status: 502) }
        if case .delay(let s)? = fault { Thread.sleep(forTimeInterval: s) }
        guard let response = forward(req) else { return .json("upstream unreachable", status: 502) }
        switch fault {
        case .dropAfterForward?: return .drop
        case .truncateAfterForward?:
            let half = Array(response.body.prefix(max(1, response.body.count / 2)))
            return .respond(status: 200, body: half, headers: [("Content-Type", "application/json")])
        case .malformedAfterForward?: return .json(#"{"jsonrpc":"2.0","id":<html>oops"#)
        case .serverErrorAfterForward?: return .json("service unavailable", status: 503)
        default:
            return .respond(status: response.status, body: response.body, headers: [("Content-Type", "application/json")])
        }
    }
}
