import CCurl
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import OGPUPrimitives

/// HTTP over libcurl. Easy handles are pooled and reused, so consecutive requests to a node share a
/// kept-alive connection; each handle is used by one thread at a time (the pool lock hands them out).
/// Sendable: the idle handle pool is touched only under `lock`, and a handle taken from it belongs to one request (one thread) until it is checked back in.
public final class CurlTransport: HTTPTransport, @unchecked Sendable {
    private let lock = Lock()
    private var idle: [UnsafeMutableRawPointer] = []
    private let maxIdle: Int
    public let userAgent: String

    public init(maxIdleHandles: Int = 8, userAgent: String = "ogpu/0.1") {
        self.maxIdle = maxIdleHandles
        self.userAgent = userAgent
    }

    deinit {
        // Handles exist only if libcurl was loaded.
        if case .success(let curl) = LibCurl.loaded { for h in idle { curl.easyCleanup(h) } }
    }

    public func post(_ url: String, body: [UInt8], contentType: String, options: HTTPOptions,
                     cancellation: CancellationToken?) throws -> HTTPResponse {
        try perform(url: url, body: body, contentType: contentType, options: options, cancellation: cancellation)
    }

    public func get(_ url: String, options: HTTPOptions, cancellation: CancellationToken?) throws -> HTTPResponse {
        try perform(url: url, body: nil, contentType: nil, options: options, cancellation: cancellation)
    }

    private func checkout(_ curl: LibCurl) -> UnsafeMutableRawPointer? {
        lock.lock()
        if let h = idle.popLast() { lock.unlock(); return h }
        lock.unlock()
        return curl.easyInit()
    }

    private func checkin(_ h: UnsafeMutableRawPointer, healthy: Bool, _ curl: LibCurl) {
        lock.lock()
        if healthy && idle.count < maxIdle { idle.append(h); lock.unlock(); return }
        lock.unlock()
        curl.easyCleanup(h)
    }

    private func perform(url: String, body: [UInt8]?, contentType: String?, options: HTTPOptions,
                         cancellation: CancellationToken?) throws -> HTTPResponse {
        guard url.hasPrefix("http://") || url.hasPrefix("https://") else {
            throw TransportError(kind: .invalidURL, url: url, detail: "only http:// and https:// URLs are supported",
                                 requestSent: false)
        }
        if cancellation?.isCancelled == true {
            throw TransportError(kind: .cancelled, url: url, detail: "cancelled before sending", requestSent: false)
        }
        let curl: LibCurl
        switch LibCurl.loaded {
        case .success(let loaded): curl = loaded
        case .failure(let reason):
            throw TransportError(kind: .other(code: -1), url: url, detail: reason.description, requestSent: false)
        }
        let api = curl.table
        guard let h = checkout(curl) else {
            throw TransportError(kind: .other(code: -1), url: url, detail: "curl_easy_init failed", requestSent: false)
        }
        let sink = ResponseSink(limit: options.maxResponseBytes, cancellation: cancellation)
        let sinkPtr = Unmanaged.passRetained(sink)
        defer { sinkPtr.release() }

        curl.easyReset(h)
        var headerList: UnsafeMutablePointer<curl_slist>? = nil
        var allHeaders = options.headers
        if let contentType { allHeaders.append(("Content-Type", contentType)) }
        // No "Expect: 100-continue" round trip on larger bodies.
        allHeaders.append(("Expect", ""))
        for (k, v) in allHeaders { headerList = curl.slistAppend(headerList, "\(k): \(v)") }
        defer { curl.slistFreeAll(headerList) }
        var resolveList: UnsafeMutablePointer<curl_slist>? = nil
        for pin in options.pinnedAddresses { resolveList = curl.slistAppend(resolveList, pin) }
        defer { curl.slistFreeAll(resolveList) }

        _ = ogpu_curl_setopt_string(api, h, CURLOPT_URL, url)
        _ = ogpu_curl_setopt_string(api, h, CURLOPT_PROTOCOLS_STR, "http,https")
        _ = ogpu_curl_setopt_string(api, h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https")
        _ = ogpu_curl_setopt_string(api, h, CURLOPT_USERAGENT, userAgent)
        _ = ogpu_curl_setopt_string(api, h, CURLOPT_ACCEPT_ENCODING, "")
        _ = ogpu_curl_setopt_long(api, h, CURLOPT_NOSIGNAL, 1)
        _ = ogpu_curl_setopt_long(api, h, CURLOPT_TCP_KEEPALIVE, 1)
        _ = ogpu_curl_setopt_long(api, h, CURLOPT_TCP_NODELAY, 1)
        _ = ogpu_curl_setopt_long(api, h, CURLOPT_CONNECTTIMEOUT_MS, max(1, Int(options.connectTimeout * 1000)))
        _ = ogpu_curl_setopt_long(api, h, CURLOPT_TIMEOUT_MS, max(1, Int(options.totalTimeout * 1000)))
        _ = ogpu_curl_setopt_long(api, h, CURLOPT_FOLLOWLOCATION, options.followRedirects ? 1 : 0)
        _ = ogpu_curl_setopt_long(api, h, CURLOPT_MAXREDIRS, 5)
        _ = ogpu_curl_setopt_off(api, h, CURLOPT_MAXFILESIZE_LARGE, curl_off_t(options.maxResponseBytes))
        _ = ogpu_curl_setopt_ptr(api, h, CURLOPT_HTTPHEADER, headerList)
        _ = ogpu_curl_setopt_ptr(api, h, CURLOPT_RESOLVE, resolveList)
        _ = ogpu_curl_setopt_write(api, h, CURLOPT_WRITEFUNCTION, curlWrite)
        _ = ogpu_curl_setopt_ptr(api, h, CURLOPT_WRITEDATA, sinkPtr.toOpaque())
        _ = ogpu_curl_setopt_header(api, h, curlHeader)
        _ = ogpu_curl_setopt_ptr(api, h, CURLOPT_HEADERDATA, sinkPtr.toOpaque())
        _ = ogpu_curl_setopt_long(api, h, CURLOPT_NOPROGRESS, 0)
        _ = ogpu_curl_setopt_xferinfo(api, h, curlProgress)
        _ = ogpu_curl_setopt_ptr(api, h, CURLOPT_XFERINFODATA, sinkPtr.toOpaque())

        let code: CURLcode
        if let body {
            _ = ogpu_curl_setopt_long(api, h, CURLOPT_POST, 1)
            _ = ogpu_curl_setopt_off(api, h, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count))
            code = body.withUnsafeBytes { buf -> CURLcode in
                _ = ogpu_curl_setopt_ptr(api, h, CURLOPT_POSTFIELDS, buf.baseAddress ?? UnsafeRawPointer(bitPattern: 1))
                return curl.easyPerform(h)
            }
        } else {
            _ = ogpu_curl_setopt_long(api, h, CURLOPT_HTTPGET, 1)
            code = curl.easyPerform(h)
        }

        var status = 0
        _ = ogpu_curl_getinfo_long(api, h, CURLINFO_RESPONSE_CODE, &status)
        var requestSize = 0
        _ = ogpu_curl_getinfo_long(api, h, CURLINFO_REQUEST_SIZE, &requestSize)

        guard code == CURLE_OK else {
            checkin(h, healthy: false, curl)
            let detail = curl.easyStrerror(code).map { String(cString: $0) } ?? "curl error \(code.rawValue)"
            let sent = requestSize > 0
            let kind: TransportError.Kind
            switch code {
            case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY:
                kind = .connectFailed
            case CURLE_OPERATION_TIMEDOUT:
                kind = sent ? .timedOut : .connectFailed
            case CURLE_GOT_NOTHING, CURLE_RECV_ERROR, CURLE_SEND_ERROR, CURLE_PARTIAL_FILE:
                kind = .connectionLost
            case CURLE_ABORTED_BY_CALLBACK:
                kind = .cancelled
            case CURLE_WRITE_ERROR where sink.overflowed, CURLE_FILESIZE_EXCEEDED:
                kind = .responseTooLarge(limit: options.maxResponseBytes)
            case CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL:
                kind = .invalidURL
            default:
                kind = .other(code: Int(code.rawValue))
            }
            throw TransportError(kind: kind, url: url, detail: detail, requestSent: sent)
        }
        checkin(h, healthy: true, curl)
        return HTTPResponse(status: status, body: sink.bytes, contentType: sink.contentType, location: sink.location)
    }
}

/// libcurl's entry points, opened once, on the first request (see Sources/CCurl/shim.h for why it
/// is not linked). A machine without libcurl fails each request with the loader's reason.
/// Sendable: every field is a C function pointer or the table they came from, written once before
/// `loaded` is published (Swift runs a static's initialiser once, under a lock) and never mutated.
struct LibCurl: @unchecked Sendable {
    struct LoadFailure: Error, CustomStringConvertible, Sendable {
        let reason: String
        var description: String { "cannot load libcurl (\(reason)); install it with: apt-get install libcurl4" }
    }

    /// For the typed setopt/getinfo wrappers of shim.h.
    let table: UnsafePointer<ogpu_curl>
    let easyInit: @convention(c) () -> UnsafeMutableRawPointer?
    let easyCleanup: @convention(c) (UnsafeMutableRawPointer?) -> Void
    let easyReset: @convention(c) (UnsafeMutableRawPointer?) -> Void
    let easyPerform: @convention(c) (UnsafeMutableRawPointer?) -> CURLcode
    let easyStrerror: @convention(c) (CURLcode) -> UnsafePointer<CChar>?
    let slistAppend: @convention(c) (UnsafeMutablePointer<curl_slist>?, UnsafePointer<CChar>?) -> UnsafeMutablePointer<curl_slist>?
    let slistFreeAll: @convention(c) (UnsafeMutablePointer<curl_slist>?) -> Void

    static let loaded: Result<LibCurl, LoadFailure> = {
        let table = UnsafeMutablePointer<ogpu_curl>.allocate(capacity: 1)
        table.initialize(to: ogpu_curl())
        if let failure = ogpu_curl_load(table) {
            let reason = String(cString: failure)
            table.deallocate()
            return .failure(LoadFailure(reason: reason))
        }
        // ogpu_curl_load fails unless it found every entry point.
        let t = table.pointee
        _ = t.global_init!(Int(CURL_GLOBAL_DEFAULT))
        return .success(LibCurl(table: UnsafePointer(table), easyInit: t.easy_init!, easyCleanup: t.easy_cleanup!,
                                easyReset: t.easy_reset!, easyPerform: t.easy_perform!,
                                easyStrerror: t.easy_strerror!, slistAppend: t.slist_append!,
                                slistFreeAll: t.slist_free_all!))
    }()
}

/// Collects the body for one transfer and enforces the size limit while it streams in.
private final class ResponseSink {
    var bytes: [UInt8] = []
    var contentType: String?
    var location: String?
    var overflowed = false
    let limit: Int
    let cancellation: CancellationToken?

    init(limit: Int, cancellation: CancellationToken?) {
        self.limit = limit
        self.cancellation = cancellation
    }
}

private let curlWrite: @convention(c) (UnsafeMutablePointer<CChar>?, Int, Int, UnsafeMutableRawPointer?) -> Int = {
    ptr, size, count, ctx in
    guard let ctx, let ptr else { return 0 }
    let sink = Unmanaged<ResponseSink>.fromOpaque(ctx).takeUnretainedValue()
    let n = size * count
    if sink.bytes.count + n > sink.limit { sink.overflowed = true; return 0 }
    ptr.withMemoryRebound(to: UInt8.self, capacity: n) { sink.bytes.append(contentsOf: UnsafeBufferPointer(start: $0, count: n)) }
    return n
}

private let curlHeader: @convention(c) (UnsafeMutablePointer<CChar>?, Int, Int, UnsafeMutableRawPointer?) -> Int = {
    ptr, size, count, ctx in
    guard let ctx, let ptr else { return 0 }
    let sink = Unmanaged<ResponseSink>.fromOpaque(ctx).takeUnretainedValue()
    let n = size * count
    let line = ptr.withMemoryRebound(to: UInt8.self, capacity: n) { String(decoding: UnsafeBufferPointer(start: $0, count: n), as: UTF8.self) }
    if line.lowercased().hasPrefix("content-type:") {
        sink.contentType = line.dropFirst("content-type:".count).trimmingWhitespaceAndNewlines()
    } else if line.lowercased().hasPrefix("location:") {
        sink.location = line.dropFirst("location:".count).trimmingWhitespaceAndNewlines()
    }
    return n
}

private let curlProgress: @convention(c) (UnsafeMutableRawPointer?, curl_off_t, curl_off_t, curl_off_t, curl_off_t) -> Int32 = {
    ctx, _, _, _, _ in
    guard let ctx else { return 0 }
    let sink = Unmanaged<ResponseSink>.fromOpaque(ctx).takeUnretainedValue()
    return sink.cancellation?.isCancelled == true ? 1 : 0
}
