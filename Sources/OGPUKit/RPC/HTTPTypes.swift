import OGPUPrimitives
/// What the HTTP layer reports. Kept separate from libcurl so the JSON-RPC client can be tested
/// against any transport.
public struct HTTPResponse: Sendable {
    public let status: Int
    public let body: [UInt8]
    public let contentType: String?
    /// The `Location` header, for callers that follow redirects themselves.
    public let location: String?

    public init(status: Int, body: [UInt8], contentType: String? = nil, location: String? = nil) {
        self.status = status
        self.body = body
        self.contentType = contentType
        self.location = location
    }

    public var bodyText: String { String(decoding: body, as: UTF8.self) }
}

/// Per-request limits. The defaults suit a JSON-RPC node; IPFS fetches tighten `maxResponseBytes`.
public struct HTTPOptions: Sendable {
    public var connectTimeout: Double
    public var totalTimeout: Double
    public var maxResponseBytes: Int
    public var followRedirects: Bool
    public var headers: [(String, String)]
    /// `host:port:address` entries: connect to these addresses instead of resolving the host
    /// again (IPFS fetches connect only to the addresses their policy checked).
    public var pinnedAddresses: [String]

    public init(connectTimeout: Double = 10, totalTimeout: Double = 30, maxResponseBytes: Int = 64 << 20,
                followRedirects: Bool = false, headers: [(String, String)] = [], pinnedAddresses: [String] = []) {
        self.connectTimeout = connectTimeout
        self.totalTimeout = totalTimeout
        self.maxResponseBytes = maxResponseBytes
        self.followRedirects = followRedirects
        self.headers = headers
        self.pinnedAddresses = pinnedAddresses
    }
}

/// Why a request produced no HTTP response. `requestSent` says whether any request bytes left this
/// machine: when false, the server cannot have acted on it, so even a transaction may be retried.
public struct TransportError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        case connectFailed
        case timedOut
        case connectionLost
        case responseTooLarge(limit: Int)
        case cancelled
        case invalidURL
        case other(code: Int)
    }

    public let kind: Kind
    public let url: String
    public let detail: String
    public let requestSent: Bool

    public init(kind: Kind, url: String, detail: String, requestSent: Bool) {
        self.kind = kind
        self.url = url
        self.detail = detail
        self.requestSent = requestSent
    }

    public var description: String {
        let what: String
        switch kind {
        case .connectFailed: what = "could not connect to"
        case .timedOut: what = "timed out talking to"
        case .connectionLost: what = "connection lost with"
        case .responseTooLarge(let limit): what = "response larger than \(limit) bytes from"
        case .cancelled: what = "cancelled request to"
        case .invalidURL: what = "invalid URL"
        case .other(let code): what = "transfer error \(code) with"
        }
        return "\(what) \(HTTPRedaction.redact(url)): \(detail)"
    }
}

public protocol HTTPTransport: AnyObject, Sendable {
    func post(_ url: String, body: [UInt8], contentType: String, options: HTTPOptions,
              cancellation: CancellationToken?) throws -> HTTPResponse
    func get(_ url: String, options: HTTPOptions, cancellation: CancellationToken?) throws -> HTTPResponse
}

/// RPC URLs often embed API keys in the path or query (`…/v2/<key>`): errors show only scheme+host.
public enum HTTPRedaction {
    public static func redact(_ url: String) -> String {
        guard let schemeEnd = url.firstRange(of: "://") else { return "<url>" }
        let rest = url[schemeEnd.upperBound...]
        var host = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        if let at = host.lastIndex(of: "@") { host = host[host.index(after: at)...] }
        let hasMore = rest.count > host.count
        return String(url[..<schemeEnd.upperBound]) + host + (hasMore ? "/…" : "")
    }
}

/// What a URL says about the connection it makes.
public enum HTTPEndpoint {
    /// The host, without userinfo, port or brackets (lowercased); nil when there is none.
    public static func host(of url: String) -> String? {
        guard let schemeEnd = url.firstRange(of: "://") else { return nil }
        var authority = url[schemeEnd.upperBound...].prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        if authority.hasPrefix("["), let close = authority.firstIndex(of: "]") {
            return String(authority[authority.index(after: authority.startIndex)..<close]).lowercased()
        }
        let host = authority.prefix { $0 != ":" }
        return host.isEmpty ? nil : host.lowercased()
    }

    /// True for this machine's own addresses: `localhost`, 127.0.0.0/8 and `::1`.
    public static func isLoopback(_ url: String) -> Bool {
        guard let host = host(of: url) else { return false }
        if host == "localhost" || host.hasSuffix(".localhost") || host == "::1" { return true }
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { UInt8($0) != nil }
    }

    /// True when nobody between here and the server can read or change the traffic: `https://`, or
    /// plain `http://` that never leaves this machine.
    public static func isConfidential(_ url: String) -> Bool {
        url.lowercased().hasPrefix("https://") || (url.lowercased().hasPrefix("http://") && isLoopback(url))
    }
}
