#if canImport(FoundationEssentials)
import FoundationEssentials
import Glibc
import Dispatch
#else
import Foundation
#endif
import OGPUPrimitives
import OGPUScript

/// Where a notebook cell's output goes: `print` and warnings become `stream` messages on iopub,
/// `wait`'s progress a live display (`display_data`, then `update_display_data` with the same
/// display id). Output is batched (a loop printing a million lines must not send a million
/// messages) and flushed at least every 50 ms, by the next write or the kernel's control thread.
///
/// The language calls it on the session thread; `flushIfStale` comes from the control thread, so
/// the buffers are bytes under a lock (never a Swift string the session's non-atomic reference
/// counting also holds).
final class KernelHost: LiveStatusHost, @unchecked Sendable {
    /// Sends one iopub message of `type` with `content`, as a reply to the running request.
    typealias Publisher = @Sendable (_ type: String, _ content: JSONValue) -> Void

    private let lock = Lock()
    private var stdout: [UInt8] = []
    private var stderr: [UInt8] = []
    private var lastFlush = DispatchTime.now()
    private var publisher: Publisher?
    private var statusDisplay: (id: String, text: String)?

    static let flushInterval: UInt64 = 50_000_000      // ns
    static let flushBytes = 64 << 10

    var isTerminal: Bool { false }

    /// The request the cell's output answers; nil between cells (output then is dropped).
    func begin(_ publisher: @escaping Publisher) {
        lock.withLock { self.publisher = publisher; lastFlush = .now() }
    }

    func end() {
        flush()
        lock.withLock { publisher = nil; statusDisplay = nil }
    }

    func write(_ text: String) { append(text, error: false) }
    func writeError(_ text: String) { append(text, error: true) }

    private func append(_ text: String, error: Bool) {
        // Escaped as in a terminal: provider answers can hold control sequences.
        let bytes = Array(TerminalText.escape(text).utf8)
        let due: Bool = lock.withLock {
            if error { stderr += bytes } else { stdout += bytes }
            return stdout.count + stderr.count >= Self.flushBytes
                || DispatchTime.now().uptimeNanoseconds - lastFlush.uptimeNanoseconds >= Self.flushInterval
        }
        if due { flush() }
    }

    /// From the control thread: sends what has waited for longer than the flush interval.
    func flushIfStale() {
        let stale = lock.withLock { DispatchTime.now().uptimeNanoseconds - lastFlush.uptimeNanoseconds >= Self.flushInterval }
        if stale { flush() }
    }

    func flush() {
        let (out, err, publish) = lock.withLock { () -> ([UInt8], [UInt8], Publisher?) in
            defer { stdout = []; stderr = []; lastFlush = .now() }
            return (stdout, stderr, publisher)
        }
        guard let publish else { return }
        if !out.isEmpty { publish("stream", Self.stream("stdout", out)) }
        if !err.isEmpty { publish("stream", Self.stream("stderr", err)) }
    }

    private static func stream(_ name: String, _ bytes: [UInt8]) -> JSONValue {
        .object([("name", .string(name)), ("text", .string(String(decoding: bytes, as: UTF8.self)))])
    }

    // MARK: - Live status (`wait`)

    func showStatus(_ text: String) {
        flush()
        let (publish, update): (Publisher?, (id: String, isNew: Bool)?) = lock.withLock {
            if let shown = statusDisplay {
                guard shown.text != text else { return (publisher, nil) }
                statusDisplay = (shown.id, text)
                return (publisher, (shown.id, false))
            }
            let id = UUID().uuidString.lowercased()
            statusDisplay = (id, text)
            return (publisher, (id, true))
        }
        guard let publish, let update else { return }
        publish(update.isNew ? "display_data" : "update_display_data", Self.statusContent(text, id: update.id, running: true))
    }

    func endStatus(_ finalText: String?) {
        let (publish, shown) = lock.withLock { () -> (Publisher?, (id: String, text: String)?) in
            defer { statusDisplay = nil }
            return (publisher, statusDisplay)
        }
        guard let publish, let shown else { return }
        let text = finalText ?? "\(shown.text) (stopped)"
        publish("update_display_data", Self.statusContent(text, id: shown.id, running: false))
    }

    /// A status line as plain text and as HTML, under `transient.display_id` (not saved in the
    /// notebook as an id, as the protocol intends).
    private static func statusContent(_ shown: String, id: String, running: Bool) -> JSONValue {
        let html = "<div class=\"ogpu-status\"><code>\(running ? "⏳" : "⏹") \(RichDisplay.escape(shown))</code></div>"
        return .object([("data", .object([("text/plain", .string(shown)), ("text/html", .string(html))])),
                        ("metadata", .object([])),
                        ("transient", .object([("display_id", .string(id))]))])
    }
}
