import Foundation
import OGPUScript

/// Where the MCP server's session writes: a script's `print`, its warnings and the network
/// client's notices are kept for the tool result instead of reaching stdout, which carries the
/// protocol. Bounded per call: past `limit` bytes the rest is counted, not kept, so a runaway
/// `print` loop costs nothing but the count (and its call ends at the tool's timeout).
///
/// Written on the session's thread while a call runs and read by the server after it ended; the
/// lock makes that hand-over explicit.
final class CapturedOutput: ScriptHost, @unchecked Sendable {
    /// What one call printed.
    struct Taken {
        var output: String
        var errors: String
        /// Bytes printed beyond the limit and dropped.
        var droppedBytes: Int
    }

    let limit: Int
    private let lock = NSLock()
    private var output = ""
    private var errors = ""
    private var kept = 0
    private var dropped = 0

    init(limit: Int) { self.limit = limit }

    func write(_ text: String) { append(text, error: false) }
    func writeError(_ text: String) { append(text, error: true) }
    /// No spinner, no control sequences: the reader is a program.
    var isTerminal: Bool { false }

    /// Everything since the last `take`, and starts afresh.
    func take() -> Taken {
        lock.withLock {
            defer { output = ""; errors = ""; kept = 0; dropped = 0 }
            return Taken(output: output, errors: errors, droppedBytes: dropped)
        }
    }

    private func append(_ text: String, error: Bool) {
        lock.withLock {
            let room = limit - kept
            let size = text.utf8.count
            guard size > room else {
                if error { errors += text } else { output += text }
                kept += size
                return
            }
            // Cut on a character boundary within the room left.
            var part = Substring(text.utf8.prefix(max(room, 0))).description
            while part.utf8.count > room, !part.isEmpty { part.removeLast() }
            if error { errors += part } else { output += part }
            kept += part.utf8.count
            dropped += size - part.utf8.count
        }
    }
}
