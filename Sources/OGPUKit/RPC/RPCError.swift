import OGPUPrimitives
/// Everything that can go wrong with one JSON-RPC call, typed so callers can decide what to do
/// (retry, check by hash, decode a revert, show the user) without parsing message text.
public enum RPCError: Error, Sendable, CustomStringConvertible {
    /// No HTTP response (could not connect, timeout, dropped connection, cancelled…).
    case transport(TransportError, method: String)
    /// The server answered with a non-2xx HTTP status.
    case httpStatus(Int, body: String, method: String)
    /// The body was not a valid JSON-RPC 2.0 response (truncated, malformed, wrong id…).
    case invalidResponse(String, method: String)
    /// The node returned a JSON-RPC error object.
    case server(code: Int, message: String, data: JSONValue?, method: String)

    public var method: String {
        switch self {
        case .transport(_, let m), .httpStatus(_, _, let m), .invalidResponse(_, let m), .server(_, _, _, let m): return m
        }
    }

    /// The node's error message, if it sent one.
    public var serverMessage: String? {
        if case .server(_, let m, _, _) = self { return m }
        return nil
    }

    public var isCancelled: Bool {
        if case .transport(let t, _) = self, t.kind == .cancelled { return true }
        return false
    }

    /// Revert data carried in `error.data` (geth: a hex string; some nodes nest it in an object).
    public var revertData: [UInt8]? {
        guard case .server(_, _, let data, _) = self, let data else { return nil }
        func hexBytes(_ v: JSONValue?) -> [UInt8]? {
            guard let s = v?.stringValue, s.hasPrefix("0x"), let b = try? Hex.decode(s) else { return nil }
            return b
        }
        if let b = hexBytes(data) { return b }
        return hexBytes(data["data"]) ?? hexBytes(data["result"])
    }

    /// True when the node refused the call because execution reverted (eth_call / eth_estimateGas).
    public var isExecutionRevert: Bool {
        guard case .server(let code, let message, _, _) = self else { return false }
        let m = message.lowercased()
        return code == 3 || m.contains("execution reverted") || m.contains("revert")
    }

    /// The request certainly never reached the node, so repeating it cannot duplicate an effect.
    public var certainlyNotDelivered: Bool {
        if case .transport(let t, _) = self {
            return !t.requestSent || t.kind == .connectFailed || t.kind == .invalidURL
        }
        return false
    }

    public var description: String {
        switch self {
        case .transport(let t, let m): return "\(m): \(t)"
        case .httpStatus(let s, let body, let m):
            let snippet = body.prefix(200)
            return "\(m): HTTP \(s) from node" + (snippet.isEmpty ? "" : " (\(snippet))")
        case .invalidResponse(let why, let m): return "\(m): invalid response from node: \(why)"
        case .server(let code, let message, _, let m): return "\(m): node error \(code): \(message)"
        }
    }
}
