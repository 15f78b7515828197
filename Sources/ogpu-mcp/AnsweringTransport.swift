import Foundation
import Logging
import MCP

/// The stdio transport, with one change: when the client closes its end, the end of input is
/// passed on only after every request read so far has been answered. The SDK handles each
/// request in a task of its own and stops its message loop at the end of input, so a client that
/// writes its requests and closes stdin (`printf '…' | ogpu mcp`, a test harness, a one-shot
/// agent call) lost answers still being worked on, even `initialize`'s: measured 0, 1 or 2 of 2
/// answers over five runs. A request the client cancels (`notifications/cancelled`) needs no
/// answer. The wait is bounded by the longest call a tool may take, plus a margin.
actor AnsweringTransport: Transport {
    private let inner: StdioTransport
    private var unanswered: Set<String> = []
    /// Resumed when the last unanswered request is answered (or the wait gives up).
    private var whenAnswered: CheckedContinuation<Void, Never>?
    nonisolated let logger: Logger

    init(_ inner: StdioTransport) {
        self.inner = inner
        self.logger = inner.logger
    }

    func connect() async throws { try await inner.connect() }
    func disconnect() async { await inner.disconnect() }

    func send(_ data: Data) async throws {
        try await inner.send(data)
        for message in Self.messages(in: data) where message["method"] == nil && (message["result"] != nil || message["error"] != nil) {
            if let id = Self.key(message["id"]) { unanswered.remove(id) }
        }
        if unanswered.isEmpty { stopWaiting() }
    }

    /// Returns once every request read has been answered or cancelled, or after `limit`, or when
    /// the reading task is cancelled (the SDK stopped).
    private func allAnswered(within limit: Duration) async {
        guard !unanswered.isEmpty else { return }
        let timer = Task { [weak self] in
            try? await Task.sleep(for: limit)
            await self?.stopWaiting()
        }
        defer { timer.cancel() }
        await withTaskCancellationHandler {
            await withCheckedContinuation { whenAnswered = $0 }
        } onCancel: {
            Task { await self.stopWaiting() }
        }
    }

    private func stopWaiting() {
        whenAnswered?.resume()
        whenAnswered = nil
    }

    func receive() -> AsyncThrowingStream<Data, Swift.Error> {
        let (stream, continuation) = AsyncThrowingStream<Data, Swift.Error>.makeStream()
        let task = Task {
            do {
                for try await data in await inner.receive() {
                    note(received: data)
                    continuation.yield(data)
                }
                await allAnswered(within: .seconds(ToolCatalog.maxTimeout + 30))
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }

    /// Records the requests in one incoming message (or batch), and the cancelled ones.
    private func note(received data: Data) {
        for message in Self.messages(in: data) {
            guard let method = message["method"] as? String else { continue }
            if let id = Self.key(message["id"]) {
                unanswered.insert(id)
            } else if method == "notifications/cancelled",
                      let id = Self.key((message["params"] as? [String: Any])?["requestId"]) {
                unanswered.remove(id)
                if unanswered.isEmpty { stopWaiting() }
            }
        }
    }

    private static func messages(in data: Data) -> [[String: Any]] {
        guard let json = try? JSONSerialization.jsonObject(with: data) else { return [] }
        if let one = json as? [String: Any] { return [one] }
        return (json as? [Any])?.compactMap { $0 as? [String: Any] } ?? []
    }

    /// A request id as one key: 7 and "7" are different ids.
    private static func key(_ id: Any?) -> String? {
        switch id {
        case let s as String: return "s:" + s
        case let n as NSNumber: return "n:" + n.stringValue
        default: return nil
        }
    }
}
