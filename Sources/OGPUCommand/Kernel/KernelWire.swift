import Crypto
#if canImport(FoundationEssentials)
import FoundationEssentials
import Glibc
import Dispatch
#else
import Foundation
#endif
import OGPUPrimitives
import OGPUScript

/// The Jupyter messaging protocol's wire format (version 5.3): a message is the routing
/// identities, the `<IDS|MSG>` delimiter, the HMAC signature (hex), then four JSON frames —
/// header, parent header, metadata, content — and any binary buffers. The signature covers the
/// four JSON frames in that order.
struct KernelMessage {
    var identities: [[UInt8]] = []
    var header: JSONValue
    var parentHeader: JSONValue = .object([])
    var metadata: JSONValue = .object([])
    var content: JSONValue
    var buffers: [[UInt8]] = []

    var type: String { header["msg_type"]?.stringValue ?? "" }

    static let protocolVersion = "5.3"
    static let delimiter = Array("<IDS|MSG>".utf8)
}

/// Signs outgoing messages and checks incoming ones with the connection file's key.
/// An empty key means the client asked for no signing: messages carry an empty signature and
/// none is checked (as jupyter_client does).
struct MessageSigner {
    private let key: SymmetricKey?

    /// `scheme` must be "hmac-sha256", the one scheme clients use; anything else is refused
    /// at start rather than silently accepting unsigned traffic.
    init(key: String, scheme: String) throws {
        guard scheme == "hmac-sha256" else {
            throw CommandFailure(message: "kernel: unsupported signature_scheme '\(scheme)' (only hmac-sha256)", exitCode: ExitStatus.usage)
        }
        self.key = key.isEmpty ? nil : SymmetricKey(data: Array(key.utf8))
    }

    func signature(_ frames: [[UInt8]]) -> [UInt8] {
        guard let key else { return [] }
        var mac = HMAC<SHA256>(key: key)
        for frame in frames { mac.update(data: frame) }
        return Array(Hex.encode(Array(mac.finalize()), prefix: false).utf8)
    }

    /// Constant-time check of a hex signature (CryptoKit's comparison of the codes).
    func isValid(_ signature: [UInt8], _ frames: [[UInt8]]) -> Bool {
        guard let key else { return true }
        guard signature.count == 64, let code = try? Hex.decode(String(decoding: signature, as: UTF8.self)) else { return false }
        var data: [UInt8] = []
        for frame in frames { data += frame }
        return HMAC<SHA256>.isValidAuthenticationCode(code, authenticating: data, using: key)
    }
}

enum KernelWire {
    enum DecodeError: Error, CustomStringConvertible {
        case noDelimiter, tooFewFrames, badSignature, replayed, badJSON(String)
        var description: String {
            switch self {
            case .noDelimiter: return "no <IDS|MSG> delimiter"
            case .tooFewFrames: return "fewer than the five frames after the delimiter"
            case .badSignature: return "signature does not match"
            case .replayed: return "a message already received (same signature) was sent again"
            case .badJSON(let frame): return "\(frame) is not a JSON object"
            }
        }
    }

    static func decode(_ frames: [[UInt8]], signer: MessageSigner) throws -> KernelMessage {
        guard let split = frames.firstIndex(of: KernelMessage.delimiter) else { throw DecodeError.noDelimiter }
        let rest = Array(frames[(split + 1)...])
        guard rest.count >= 5 else { throw DecodeError.tooFewFrames }
        guard signer.isValid(rest[0], Array(rest[1...4])) else { throw DecodeError.badSignature }
        func object(_ bytes: [UInt8], _ name: String) throws -> JSONValue {
            guard let value = try? JSONParser.parse(bytes), case .object = value else { throw DecodeError.badJSON(name) }
            return value
        }
        let header = try object(rest[1], "header")
        guard header["msg_type"]?.stringValue != nil else { throw DecodeError.badJSON("header") }
        return KernelMessage(identities: Array(frames[..<split]), header: header,
                             parentHeader: try object(rest[2], "parent_header"),
                             metadata: try object(rest[3], "metadata"),
                             content: try object(rest[4], "content"),
                             buffers: Array(rest.dropFirst(5)))
    }

    static func encode(_ message: KernelMessage, signer: MessageSigner) -> [[UInt8]] {
        let parts = [message.header, message.parentHeader, message.metadata, message.content].map { JSONWriter.bytes($0) }
        return message.identities + [KernelMessage.delimiter, signer.signature(parts)] + parts + message.buffers
    }

    /// A new header for a message this kernel sends.
    static func header(type: String, session: String) -> JSONValue {
        .object([("msg_id", .string(UUID().uuidString.lowercased())), ("session", .string(session)),
                 ("username", .string("ogpu")), ("date", .string(timestamp())),
                 ("msg_type", .string(type)), ("version", .string(KernelMessage.protocolVersion))])
    }

    /// ISO 8601 in UTC with microseconds, as jupyter_client writes dates.
    static func timestamp() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        var seconds = now.tv_sec
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func digits(_ n: Int, _ width: Int) -> String {
            let text = String(n)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(digits(Int(parts.tm_year) + 1900, 4))-\(digits(Int(parts.tm_mon) + 1, 2))-\(digits(Int(parts.tm_mday), 2))"
            + "T\(digits(Int(parts.tm_hour), 2)):\(digits(Int(parts.tm_min), 2)):\(digits(Int(parts.tm_sec), 2))"
            + ".\(digits(Int(now.tv_nsec / 1000), 6))Z"
    }
}

/// The connection file jupyter_client writes for each kernel it starts.
struct ConnectionInfo {
    var ip: String
    var transport: String
    var shellPort: Int
    var iopubPort: Int
    var stdinPort: Int
    var controlPort: Int
    var hbPort: Int
    var key: String
    var signatureScheme: String

    /// Reads and checks the file. The kernel listens on the loopback interface only: an `ip`
    /// that names another interface is refused (anyone reaching the port could run code).
    static func read(path: String) throws -> ConnectionInfo {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CommandFailure(message: "kernel: cannot open connection file '\(path)'", exitCode: ExitStatus.fileNotFound)
        }
        guard let json = try? JSONParser.parse(Array(data)), case .object = json else {
            throw CommandFailure(message: "kernel: connection file '\(path)' is not a JSON object", exitCode: ExitStatus.usage)
        }
        func port(_ name: String) throws -> Int {
            guard let p = json[name]?.intValue, (1...65535).contains(p) else {
                throw CommandFailure(message: "kernel: connection file has no valid \(name)", exitCode: ExitStatus.usage)
            }
            return p
        }
        let transport = json["transport"]?.stringValue ?? "tcp"
        guard transport == "tcp" else {
            throw CommandFailure(message: "kernel: transport '\(transport)' is not supported (only tcp)", exitCode: ExitStatus.usage)
        }
        let ip = json["ip"]?.stringValue ?? "127.0.0.1"
        guard ["127.0.0.1", "localhost"].contains(ip) else {
            throw CommandFailure(message: "kernel: refusing to listen on \(ip): the kernel runs code for whoever connects, so it listens on 127.0.0.1 only",
                                 exitCode: ExitStatus.usage)
        }
        return ConnectionInfo(ip: "127.0.0.1", transport: transport, shellPort: try port("shell_port"),
                              iopubPort: try port("iopub_port"), stdinPort: try port("stdin_port"),
                              controlPort: try port("control_port"), hbPort: try port("hb_port"),
                              key: json["key"]?.stringValue ?? "",
                              signatureScheme: json["signature_scheme"]?.stringValue ?? "hmac-sha256")
    }

    func endpoint(_ port: Int) -> String { "\(transport)://\(ip):\(port)" }
}
