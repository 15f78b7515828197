#if canImport(FoundationEssentials)
import FoundationEssentials
import Glibc
#else
import Foundation
#endif
import OGPUPrimitives

/// The Language Server Protocol's base protocol over stdin/stdout: each message is a
/// `Content-Length: N` header block, a blank line, then N bytes of JSON-RPC. Sizes are bounded so
/// a broken client cannot make the server allocate without limit.
struct LSPConnection {
    static let maxMessageBytes = 64 << 20
    private var buffer: [UInt8] = []

    /// The next message, or nil at end of input.
    mutating func read() throws -> JSONValue? {
        while true {
            if let (headerEnd, length) = try header() {
                while buffer.count < headerEnd + length {
                    guard try fill() else { return nil }
                }
                let body = buffer[headerEnd..<(headerEnd + length)]
                buffer.removeFirst(headerEnd + length)
                return try JSONParser.parse(body)
            }
            guard try fill() else { return nil }
        }
    }

    /// Where the body starts and how long it is, once the whole header block is in the buffer.
    private func header() throws -> (Int, Int)? {
        let separator: [UInt8] = [13, 10, 13, 10]
        guard buffer.count >= 4 else { return nil }
        var end: Int?
        for i in 0...(buffer.count - 4) where Array(buffer[i..<(i + 4)]) == separator { end = i; break }
        guard let end else {
            if buffer.count > 8192 { throw LSPError.badHeader("header longer than 8 KiB") }
            return nil
        }
        let text = String(decoding: buffer[0..<end], as: UTF8.self)
        var length: Int?
        for line in text.split(separator: "\r\n") {
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2 else { throw LSPError.badHeader("malformed header line") }
            if parts[0].lowercased() == "content-length" {
                let digits = parts[1].trimmingWhitespace()
                guard digits.allSatisfy({ $0.isASCII && $0.isNumber }), let n = Int(digits), n <= Self.maxMessageBytes else {
                    throw LSPError.badHeader("bad Content-Length")
                }
                length = n
            }
        }
        guard let length else { throw LSPError.badHeader("no Content-Length") }
        return (end + 4, length)
    }

    private mutating func fill() throws -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65536)
        let n = chunk.withUnsafeMutableBytes { Glibc.read(0, $0.baseAddress, $0.count) }
        if n <= 0 { return false }
        buffer.append(contentsOf: chunk[0..<n])
        return true
    }

    static func write(_ message: JSONValue) {
        let body = JSONWriter.bytes(message)
        var out = Array("Content-Length: \(body.count)\r\n\r\n".utf8)
        out += body
        out.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = Glibc.write(1, raw.baseAddress! + offset, raw.count - offset)
                if n <= 0 { return }
                offset += n
            }
        }
    }
}

enum LSPError: Error, CustomStringConvertible {
    case badHeader(String)
    var description: String {
        switch self { case .badHeader(let why): return "LSP: \(why)" }
    }
}
