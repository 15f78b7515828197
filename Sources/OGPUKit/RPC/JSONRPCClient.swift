#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import OGPUPrimitives

/// One JSON-RPC 2.0 call in a batch.
public struct RPCCall: Sendable {
    public let method: String
    public let params: [JSONValue]
    public init(_ method: String, _ params: [JSONValue] = []) {
        self.method = method
        self.params = params
    }
}

/// JSON-RPC 2.0 over an `HTTPTransport`: single calls and batches, response validation, and
/// automatic retries (jittered backoff) for failures `RetryPolicy` deems safe.
/// Sendable: request ids come from `nextID` under `idLock`; `retry` and `options` are settings, set before the client is shared; the transport is Sendable.
public final class JSONRPCClient: @unchecked Sendable {
    public let url: String
    public let transport: HTTPTransport
    public var retry: RetryPolicy
    public var options: HTTPOptions
    public let cancellation: CancellationToken?
    /// The most calls `batch` puts in one HTTP request (100: what public endpoints commonly accept).
    public var maxBatchSize = 100

    private let idLock = Lock()
    private var nextID = 1

    public init(url: String, transport: HTTPTransport = CurlTransport(), retry: RetryPolicy = RetryPolicy(),
                options: HTTPOptions = HTTPOptions(), cancellation: CancellationToken? = nil) {
        self.url = url
        self.transport = transport
        self.retry = retry
        self.options = options
        self.cancellation = cancellation
    }

    private func takeIDs(_ n: Int) -> Int {
        idLock.lock(); defer { idLock.unlock() }
        let first = nextID
        nextID += n
        return first
    }

    /// Calls `method` and returns its `result` (which may be JSON `null`).
    public func call(_ method: String, _ params: [JSONValue] = []) throws -> JSONValue {
        var attempt = 0
        while true {
            do {
                return try callOnce(method, params)
            } catch let error as RPCError {
                attempt += 1
                guard attempt < retry.maxAttempts, RetryPolicy.isRetryable(error, method: method) else { throw error }
                guard CancellationToken.sleep(retry.delay(afterAttempt: attempt - 1), token: cancellation) else { throw error }
            }
        }
    }

    /// Sends the calls as JSON-RPC batches — one HTTP request per `maxBatchSize` calls, one after
    /// another (public nodes cap batch sizes, and a huge answer would be held in memory at once) —
    /// and returns one result per call, in order. A transport or envelope failure throws, as does
    /// an answer whose ids are not exactly the request's (missing, duplicated, unknown or not
    /// integers: a node that confuses them could put one call's result in another's slot); a
    /// per-call node error is returned in its slot.
    public func batch(_ calls: [RPCCall]) throws -> [Result<JSONValue, RPCError>] {
        if calls.count <= maxBatchSize { return try batchRequest(calls) }
        var out = [Result<JSONValue, RPCError>]()
        out.reserveCapacity(calls.count)
        for start in stride(from: 0, to: calls.count, by: maxBatchSize) {
            out += try batchRequest(Array(calls[start..<min(start + maxBatchSize, calls.count)]))
        }
        return out
    }

    private func batchRequest(_ calls: [RPCCall]) throws -> [Result<JSONValue, RPCError>] {
        if calls.isEmpty { return [] }
        let label = "batch(\(calls.count))"
        let retryable = calls.allSatisfy { RetryPolicy.isIdempotent($0.method) }
        var attempt = 0
        while true {
            do {
                return try batchOnce(calls, label: label)
            } catch let error as RPCError {
                attempt += 1
                let ok = retryable ? RetryPolicy.isRetryable(error, method: "eth_batch") : error.certainlyNotDelivered
                guard attempt < retry.maxAttempts, ok else { throw error }
                guard CancellationToken.sleep(retry.delay(afterAttempt: attempt - 1), token: cancellation) else { throw error }
            }
        }
    }

    // MARK: - One round trip

    private func callOnce(_ method: String, _ params: [JSONValue]) throws -> JSONValue {
        let id = takeIDs(1)
        let request = JSONValue.object([("jsonrpc", "2.0"), ("id", .int(id)), ("method", .string(method)), ("params", .array(params))])
        let body = try post(JSONWriter.bytes(request), method: method)
        let parsed: JSONValue
        do { parsed = try JSONParser.parse(body) } catch {
            throw RPCError.invalidResponse("\(error)", method: method)
        }
        guard case .object = parsed else { throw RPCError.invalidResponse("expected a JSON object", method: method) }
        return try Self.unwrap(parsed, expectedID: id, method: method).get()
    }

    private func batchOnce(_ calls: [RPCCall], label: String) throws -> [Result<JSONValue, RPCError>] {
        let first = takeIDs(calls.count)
        let request = JSONValue.array(calls.enumerated().map { i, c in
            .object([("jsonrpc", "2.0"), ("id", .int(first + i)), ("method", .string(c.method)), ("params", .array(c.params))])
        })
        let body = try post(JSONWriter.bytes(request), method: label)
        let parsed: JSONValue
        do { parsed = try JSONParser.parse(body) } catch {
            throw RPCError.invalidResponse("\(error)", method: label)
        }
        guard case .array(let items) = parsed else {
            // A node that rejects the whole batch answers with a single error object.
            if case .object = parsed, case .failure(let e) = Self.unwrap(parsed, expectedID: nil, method: label) { throw e }
            throw RPCError.invalidResponse("expected a JSON array for a batch", method: label)
        }
        let ordered = try Self.matchByID(items, first: first, count: calls.count, label: label)
        return calls.enumerated().map { i, c in Self.unwrap(ordered[i], expectedID: first + i, method: c.method) }
    }

    /// The batch answer's items in request order (ids `first ..< first + count`): exactly one item
    /// per request id, nothing else, or the whole answer is refused.
    static func matchByID(_ items: [JSONValue], first: Int, count: Int, label: String) throws -> [JSONValue] {
        var slots = [JSONValue?](repeating: nil, count: count)
        for item in items {
            // Our ids are JSON numbers; "3" is not 3 (JSON-RPC 2.0: the answer carries the same id).
            guard case .number(let text)? = item["id"], let id = Int(text) else {
                throw RPCError.invalidResponse("a batch answer item has no integer id", method: label)
            }
            let k = id - first
            guard k >= 0 && k < count else {
                throw RPCError.invalidResponse("the batch answer has id \(id), which was not requested", method: label)
            }
            guard slots[k] == nil else {
                throw RPCError.invalidResponse("the batch answer has id \(id) twice", method: label)
            }
            slots[k] = item
        }
        if let k = slots.firstIndex(where: { $0 == nil }) {
            throw RPCError.invalidResponse("the batch answer has no item for request id \(first + k) "
                                           + "(\(items.count) items for \(count) requests)", method: label)
        }
        return slots.map { $0! }
    }

    private func post(_ body: [UInt8], method: String) throws -> [UInt8] {
        let response: HTTPResponse
        do {
            response = try transport.post(url, body: body, contentType: "application/json", options: options,
                                          cancellation: cancellation)
        } catch let t as TransportError {
            throw RPCError.transport(t, method: method)
        }
        guard (200...299).contains(response.status) else {
            // Some nodes put a JSON-RPC error in a 4xx/5xx body; prefer that when it parses.
            if let v = try? JSONParser.parse(response.body), case .failure(let e) = Self.unwrap(v, expectedID: nil, method: method),
               case .server = e {
                throw e
            }
            throw RPCError.httpStatus(response.status, body: String(response.bodyText.prefix(500)), method: method)
        }
        return response.body
    }

    /// Checks one response envelope and returns its result or its error.
    static func unwrap(_ v: JSONValue, expectedID: Int?, method: String) -> Result<JSONValue, RPCError> {
        guard case .object = v else { return .failure(.invalidResponse("response is not an object", method: method)) }
        if let expectedID, let id = v["id"], !id.isNull, id.intValue != expectedID {
            return .failure(.invalidResponse("response id \(JSONWriter.string(id)) does not match request id \(expectedID)", method: method))
        }
        if let err = v["error"], !err.isNull {
            guard let code = err["code"]?.intValue else {
                return .failure(.invalidResponse("error object without an integer code", method: method))
            }
            let message = err["message"]?.stringValue ?? ""
            return .failure(.server(code: code, message: message, data: err["data"], method: method))
        }
        guard let result = v["result"] else {
            return .failure(.invalidResponse("response has neither result nor error", method: method))
        }
        return .success(result)
    }
}
