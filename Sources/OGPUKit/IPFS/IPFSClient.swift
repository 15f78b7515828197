#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import OGPUPrimitives

/// Pinning-service upload (multipart, exactly as the official SDK posts it) and bounded gateway
/// fetches for task configs and response payloads (PROTOCOL.md §8.2).
///
/// The gateway and the pinning service are not trusted: content fetched by a URL that names a
/// CID must hash to that CID, an upload's returned link must name the CID of what was uploaded,
/// and fetches go only where `policy` allows (no private addresses, https redirects only). A URL
/// that names a CID ogpu cannot verify (another hash or codec, a file inside a directory) is
/// refused; a URL that names no CID is fetched as it is, with nothing to verify.
/// Sendable: no state changes after set-up (`timeout`, `uploadAttempts`, `backoff`, `maxFetchBytes` and
/// `policy` are settings, set before the client is shared); the transport is Sendable.
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
    public var policy: FetchPolicy

    /// `allowLoopback` defaults to whether the network's own IPFS endpoints are on loopback (the
    /// local devnet): only then may a link point at this machine.
    public init(uploadURL: String, gateway: String? = nil, transport: HTTPTransport = CurlTransport(),
                timeout: Double = 30, uploadAttempts: Int = 2, backoff: Double = 0.5, maxFetchBytes: Int = 8 << 20,
                allowLoopback: Bool? = nil) {
        self.uploadURL = uploadURL
        self.gateway = gateway
        self.transport = transport
        self.timeout = timeout
        self.uploadAttempts = max(1, uploadAttempts)
        self.backoff = backoff
        self.maxFetchBytes = maxFetchBytes
        let local = ([uploadURL] + (gateway.map { [$0] } ?? [])).contains {
            FetchPolicy.host(of: $0).map(FetchPolicy.isLoopbackName) ?? false
        }
        policy = FetchPolicy(allowLoopback: allowLoopback ?? local)
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
                return try uploadOnce(body, of: content, boundary: boundary, cancellation: cancellation)
            } catch let e as IPFSError where e.isTransient && attempt < uploadAttempts {
                let delay = backoff * Double(1 << (attempt - 1))
                guard CancellationToken.sleep(delay, token: cancellation) else { throw e }
            }
        }
    }

    private func uploadOnce(_ body: [UInt8], of content: [UInt8], boundary: String,
                            cancellation: CancellationToken?) throws -> String {
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
        // The link goes on chain and is what providers fetch: it must name what we uploaded.
        guard let named = CID.named(by: link), named.path.isEmpty, let cid = CID(named.text) else {
            throw IPFSError.invalidUploadResponse(url: HTTPRedaction.redact(uploadURL),
                                                  reason: "the returned link \(link.prefix(200)) names no CID ogpu can check")
        }
        guard cid.matches(content) else {
            throw IPFSError.invalidUploadResponse(url: HTTPRedaction.redact(uploadURL),
                                                  reason: "the returned link names \(cid), which is not the CID of the uploaded content")
        }
        return link
    }

    /// GETs a gateway URL (or `ipfs://CID` through the configured gateway) with the size limit.
    /// The content is checked against the CID the URL names before it is returned; redirects are
    /// followed here, one at a time, so each target passes `policy`.
    public func fetch(_ url: String, maxBytes: Int? = nil, cancellation: CancellationToken? = nil) throws -> [UInt8] {
        let resolved = try resolve(url)
        let cid = try Self.verifiableCID(in: resolved)
        var current = resolved
        var redirects = 0
        while true {
            let pins: [String]
            switch policy.decide(current, isRedirect: redirects > 0) {
            case .refuse(let why): throw IPFSError.refused(url: HTTPRedaction.redact(current), reason: why)
            case .allow(let checked): pins = checked
            }
            let response: HTTPResponse
            do {
                response = try transport.get(current, options: HTTPOptions(connectTimeout: min(10, timeout), totalTimeout: timeout,
                                                                           maxResponseBytes: maxBytes ?? maxFetchBytes,
                                                                           pinnedAddresses: pins),
                                             cancellation: cancellation)
            } catch let t as TransportError {
                throw IPFSError.unreachable(url: HTTPRedaction.redact(current), reason: t.description, transient: true)
            }
            if (300...399).contains(response.status), let location = response.location {
                redirects += 1
                guard redirects <= FetchPolicy.maxRedirects,
                      let next = URL(string: location, relativeTo: URL(string: current))?.absoluteString else {
                    throw IPFSError.refused(url: HTTPRedaction.redact(resolved), reason: "too many or malformed redirects")
                }
                current = next
                continue
            }
            guard response.status == 200 else {
                throw IPFSError.gatewayStatus(url: HTTPRedaction.redact(current), status: response.status)
            }
            if let cid, !cid.matches(response.body) {
                throw IPFSError.contentMismatch(url: HTTPRedaction.redact(resolved), cid: cid.text)
            }
            return response.body
        }
    }

    /// The CID `url` names, nil when it names none; an error when it names one that cannot be
    /// verified (refused rather than trusted).
    static func verifiableCID(in url: String) throws -> CID? {
        guard let named = CID.named(by: url) else { return nil }
        guard named.path.isEmpty else {
            throw IPFSError.unverifiable(url: HTTPRedaction.redact(url),
                                         reason: "it names a file inside a directory (CID/path), which ogpu cannot check against the CID")
        }
        guard let cid = CID(named.text) else {
            throw IPFSError.unverifiable(url: HTTPRedaction.redact(url),
                                         reason: "`\(named.text.prefix(80))` is not a CID ogpu can check (sha2-256 with the raw or dag-pb codec)")
        }
        return cid
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
        let safeName = filename.replacingScalar("\"", with: "%22").replacingScalar("\r", with: "")
            .replacingScalar("\n", with: "")
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
    /// Not fetched: `FetchPolicy` refused the address or the redirect.
    case refused(url: String, reason: String)
    /// The gateway's content does not hash to the CID the URL names.
    case contentMismatch(url: String, cid: String)
    /// The URL names content ogpu cannot verify, so it is not trusted.
    case unverifiable(url: String, reason: String)

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
        case .refused(let url, let reason): return "IPFS: refused to fetch \(url): \(reason)"
        case .contentMismatch(let url, let cid):
            return "IPFS: the content \(url) returned does not match its CID \(cid) (a wrong or hostile gateway, or a file not added with ipfs add's defaults); refused"
        case .unverifiable(let url, let reason): return "IPFS: refused \(url): \(reason)"
        }
    }
}
