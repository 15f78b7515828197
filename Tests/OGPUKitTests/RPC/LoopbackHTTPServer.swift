import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A tiny HTTP/1.1 server for tests: listens on 127.0.0.1 (ephemeral port) only, keeps connections
/// alive like a node does, and answers with whatever `handler` decides — including faults (drops,
/// raw bytes, delays). Bounded: at most `maxConnections` at once, and it stops itself after
/// `lifetime` seconds even if a test forgets to.
final class LoopbackHTTPServer: @unchecked Sendable {
    struct Request {
        let method: String
        let path: String
        let headers: [String: String]
        let body: [UInt8]
        var bodyText: String { String(decoding: body, as: UTF8.self) }
    }

    indirect enum Action {
        case respond(status: Int, body: [UInt8], headers: [(String, String)] = [("Content-Type", "application/json")])
        /// Close the connection without answering.
        case drop
        /// Write these bytes verbatim, then close (e.g. a truncated response).
        case raw([UInt8])
        case delay(Double, Action)

        static func json(_ text: String, status: Int = 200) -> Action { .respond(status: status, body: Array(text.utf8)) }
    }

    let port: Int
    var url: String { "http://127.0.0.1:\(port)" }
    private let listenFD: Int32
    private let handler: @Sendable (Request) -> Action
    private let lock = NSLock()
    private var stopped = false
    private var openConnections = 0
    private let maxConnections: Int
    private let deadline: Date
    private(set) var requestCount = 0

    init(maxConnections: Int = 32, lifetime: Double = 120, handler: @escaping @Sendable (Request) -> Action) throws {
        self.handler = handler
        self.maxConnections = maxConnections
        self.deadline = Date().addingTimeInterval(lifetime)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EIO) }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = 0
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 64) == 0 else { close(fd); throw POSIXError(.EADDRINUSE) }
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
        }
        port = Int(UInt16(bigEndian: addr.sin_port))
        listenFD = fd
        let t = Thread { [self] in acceptLoop() }
        t.start()
    }

    deinit { stop() }

    func stop() {
        lock.lock()
        let wasStopped = stopped
        stopped = true
        lock.unlock()
        // Shut down, not closed: the accept loop closes the descriptor when it exits. Closed here,
        // its number could be reused at once by the next server's socket while this loop still
        // polls it, and this (stopped) server would then take and drop the next one's connections.
        if !wasStopped { shutdown(listenFD, Int32(SHUT_RDWR)) }
    }

    private var isStopped: Bool {
        lock.lock(); defer { lock.unlock() }
        return stopped || Date() > deadline
    }

    private func acceptLoop() {
        defer { close(listenFD) }
        while !isStopped {
            var pfd = pollfd(fd: listenFD, events: Int16(POLLIN), revents: 0)
            let ready = poll(&pfd, 1, 100)
            if ready <= 0 { continue }
            let client = accept(listenFD, nil, nil)
            if client < 0 { continue }
            lock.lock()
            if openConnections >= maxConnections { lock.unlock(); close(client); continue }
            openConnections += 1
            lock.unlock()
            var tv = timeval(tv_sec: 5, tv_usec: 0)
            setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
            var one: Int32 = 1
            setsockopt(client, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            let t = Thread { [self] in
                serve(client)
                close(client)
                lock.lock(); openConnections -= 1; lock.unlock()
            }
            t.start()
        }
        if isStopped { stop() }
    }

    private func serve(_ fd: Int32) {
        var buffer = [UInt8]()
        var served = 0
        while !isStopped && served < 10_000 {
            guard let request = readRequest(fd, &buffer) else { return }
            served += 1
            lock.lock(); requestCount += 1; lock.unlock()
            if !perform(handler(request), fd) { return }
        }
    }

    /// Returns false when the connection must be closed.
    private func perform(_ action: Action, _ fd: Int32) -> Bool {
        switch action {
        case .delay(let seconds, let next):
            Thread.sleep(forTimeInterval: seconds)
            return perform(next, fd)
        case .drop:
            return false
        case .raw(let bytes):
            writeAll(fd, bytes)
            return false
        case .respond(let status, let body, let headers):
            var head = "HTTP/1.1 \(status) \(status == 200 ? "OK" : "Status")\r\nContent-Length: \(body.count)\r\n"
            for (k, v) in headers { head += "\(k): \(v)\r\n" }
            head += "\r\n"
            writeAll(fd, Array(head.utf8) + body)
            return true
        }
    }

    private func writeAll(_ fd: Int32, _ bytes: [UInt8]) {
        var off = 0
        while off < bytes.count {
            let n = bytes[off...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return }
            off += n
        }
    }

    private func readRequest(_ fd: Int32, _ buffer: inout [UInt8]) -> Request? {
        let separator: [UInt8] = [13, 10, 13, 10]
        var headerEnd: Int? = nil
        while headerEnd == nil {
            if let r = find(separator, in: buffer) { headerEnd = r; break }
            if buffer.count > 1 << 20 || !fill(fd, &buffer) { return nil }
        }
        let head = String(decoding: buffer[0..<headerEnd!], as: UTF8.self)
        var lines = head.components(separatedBy: "\r\n")
        let requestLine = lines.removeFirst().split(separator: " ")
        guard requestLine.count >= 2 else { return nil }
        var headers = [String: String]()
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        let length = Int(headers["content-length"] ?? "0") ?? 0
        let bodyStart = headerEnd! + 4
        while buffer.count < bodyStart + length {
            if !fill(fd, &buffer) { return nil }
        }
        let body = Array(buffer[bodyStart..<bodyStart + length])
        buffer.removeFirst(bodyStart + length)
        return Request(method: String(requestLine[0]), path: String(requestLine[1]), headers: headers, body: body)
    }

    private func fill(_ fd: Int32, _ buffer: inout [UInt8]) -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65536)
        let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if n <= 0 { return false }
        buffer.append(contentsOf: chunk[0..<n])
        return true
    }

    private func find(_ needle: [UInt8], in hay: [UInt8]) -> Int? {
        guard hay.count >= needle.count else { return nil }
        for i in 0...(hay.count - needle.count) where hay[i] == needle[0] {
            if Array(hay[i..<i + needle.count]) == needle { return i }
        }
        return nil
    }
}
