import OGPUPrimitives
/// Pinning-service upload (multipart, exactly as the official SDK posts it) and bounded gateway
/// fetches for task configs and response payloads (PROTOCOL.md §8.2).
/// Sendable: no state changes after set-up (`timeout`, `uploadAttempts`, `backoff` and `maxFetchBytes` are settings, set before the client is shared); the transport is Sendable.
public final class IPFSClient: @unchecked Sendable {
    public let uploadURL: String
    /// Gateway used to resolve `ipfs://CID` URIs, when known.
    public let gateway: String?
    public let transport: HTTPTransport
    public var timeout: Double
    /// Total upload attempts on connection errors, timeouts and 5xx (the SDK's `ipfs_retries=2`).
    public var uploadAttempts: Int
    public var backoff: Double
    public var maxFetchBytes: Int

    public init(uploadURL: String, gateway: String? = nil, transport: HTTPTransport = CurlTransport(),
                timeout: Double = 30, uploadAttempts: Int = 2, backoff: Double = 0.5, maxFetchBytes: Int = 8 << 20) {
        self.uploadURL = uploadURL
        self.gateway = gateway
        self.transport = transport
        self.timeout = timeout
        self.uploadAttempts = max(1, uploadAttempts)
        self.backoff = backoff
        self.maxFetchBytes = maxFetchBytes
    }

    public convenience init(network: Network, transport: HTTPTransport = CurlTransport()) {
        self.init(uploadURL: network.ipfsUploadURL, gateway: network.ipfsGateway, transport: transport)
    }

    /// Uploads `content` and returns the pinning service's `link`, used verbatim as a config URL.
    public func upload(_ content: [UInt8], filename: String = "data.json", contentType: String = "application/json",
                       cancellation: CancellationToken? = nil) throws -> String {
        let boundary = Self.makeBoundary()
        let body = Self.multipartBody(content, filename: filename, contentType: contentType, boundary: boundary)
        var attempt = 0
        while true {
            attempt += 1
            do {
                return try uploadOnce(body, boundary: boundary, cancellation: cancellation)
            } catch let e as IPFSError where e.isTransient && attempt < uploadAttempts {
                let delay = backoff * Double(1 << (attempt - 1))
                guard CancellationToken.sleep(delay, token: cancellation) else { throw e }
            }
        }
    }

    private func uploadOnce(_ body: [UInt8], boundary: String, cancellation: CancellationToken?) throws -> String {
        let response: HTTPResponse
        do {
            response = try transport.post(uploadURL, body: body, contentType: "multipart/form-data; boundary=\(boundary)",
                                          options: HTTPOptions(connectTimeout: min(10, timeout), totalTimeout: timeout,
                                                               maxResponseBytes: 1 << 20),
                                          cancellation: cancellation)
        } catch let t as TransportError {
            throw IPFSError.unreachable(url: HTTPRedaction.redact(uploadURL), reason: t.description,
                                        transient: t.kind != .cancelled && t.kind != .invalidURL)
        }
        guard response.status == 200 || response.status == 201 else {
            throw IPFSError.gatewayStatus(url: HTTPRedaction.redact(uploadURL), status: response.status)
        }
        guard let json = try? JSONParser.parse(response.body), let link = json["link"]?.stringValue, !link.isEmpty else {
            throw IPFSError.invalidUploadResponse(url: HTTPRedaction.redact(uploadURL),
                                                  reason: "expected JSON with a \"link\" field, got: \(response.bodyText.prefix(120))")
        }
        return link
    }

    /// GETs a gateway URL (or `ipfs://CID` through the configured gateway) with the size limit.
    public func fetch(_ url: String, maxBytes: Int? = nil, cancellation: CancellationToken? = nil) throws -> [UInt8] {
        let resolved = try resolve(url)
        let response: HTTPResponse
        do {
            response = try transport.get(resolved, options: HTTPOptions(connectTimeout: min(10, timeout), totalTimeout: timeout,
                                                                        maxResponseBytes: maxBytes ?? maxFetchBytes,
                                                                        followRedirects: true),
                                         cancellation: cancellation)
        } catch let t as TransportError {
            throw IPFSError.unreachable(url: HTTPRedaction.redact(resolved), reason: t.description, transient: true)
        }
        guard response.status == 200 else {
            throw IPFSError.gatewayStatus(url: HTTPRedaction.redact(resolved), status: response.status)
        }
        return response.body
    }

    public func fetchJSON(_ url: String, maxBytes: Int? = nil, cancellation: CancellationToken? = nil) throws -> JSONValue {
        let bytes = try fetch(url, maxBytes: maxBytes, cancellation: cancellation)
        do { return try JSONParser.parse(bytes) } catch {
            throw IPFSError.notJSON(url: HTTPRedaction.redact(url), reason: "\(error)")
        }
    }

    func resolve(_ url: String) throws -> String {
        if url.hasPrefix("http://") || url.hasPrefix("https://") { return url }
        if url.hasPrefix("ipfs://"), let gateway {
            return gateway + "/ipfs/" + url.dropFirst("ipfs://".count)
        }
        throw IPFSError.unsupportedURL(url: String(url.prefix(120)))
    }

    static func makeBoundary() -> String {
        (0..<16).map { _ in String(UInt8.random(in: 0...255), radix: 16) }.joined()
    }

    static func multipartBody(_ content: [UInt8], filename: String, contentType: String, boundary: String) -> [UInt8] {
        let safeName = filename.replacingOccurrences(of: "\"", with: "%22").replacingOccurrences(of: "\r", with: "")
            .replacingOccurrences(of: "\n", with: "")
        var body = Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(safeName)\"\r\nContent-Type: \(contentType)\r\n\r\n".utf8)
        body.append(contentsOf: content)
        body.append(contentsOf: Array("\r\n--\(boundary)--\r\n".utf8))
        return body
    }
}

public enum IPFSError: Error, Sendable, CustomStringConvertible {
    case unreachable(url: String, reason: String, transient: Bool)
    case gatewayStatus(url: String, status: Int)
    case invalidUploadResponse(url: String, reason: String)
    case notJSON(url: String, reason: String)
    case unsupportedURL(url: String)

    var isTransient: Bool {
        switch self {
        case .unreachable(_, _, let t): return t
        case .gatewayStatus(_, let s): return s >= 500 || s == 429
        default: return false
        }
    }

    public var description: String {
        switch self {
        case .unreachable(let url, let reason, _): return "IPFS: cannot reach \(url): \(reason)"
        case .gatewayStatus(let url, let status): return "IPFS: \(url) answered HTTP \(status)"
        case .invalidUploadResponse(let url, let reason): return "IPFS: unexpected upload response from \(url): \(reason)"
        case .notJSON(let url, let reason): return "IPFS: \(url) did not return JSON: \(reason)"
        case .unsupportedURL(let url): return "IPFS: cannot fetch '\(url)' (expected an http(s):// URL or ipfs://CID with a gateway configured)"
        }
    }
}
