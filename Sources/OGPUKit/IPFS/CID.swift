import OGPUPrimitives
import Crypto

/// A content identifier as far as ogpu can check one: a sha2-256 multihash with the raw (0x55) or
/// dag-pb (0x70) codec, written as CIDv0 (`Qm…`, base58btc, always dag-pb) or CIDv1 (multibase
/// base32 `b…`/`B…`, base58btc `z…` or base16 `f…`/`F…`). Any other hash function or codec parses
/// as `nil`: such content cannot be verified, and is refused (IPFSClient).
public struct CID: Equatable, Sendable, CustomStringConvertible {
    public enum Codec: UInt64, Sendable { case raw = 0x55, dagPB = 0x70 }

    public let version: Int
    public let codec: Codec
    /// The sha2-256 digest (32 bytes).
    public let digest: [UInt8]
    public let text: String

    public var description: String { text }

    public init?(_ text: String) {
        self.text = text
        if text.count == 46, text.hasPrefix("Qm") {
            guard let bytes = Base58.decode(text), bytes.count == 34, bytes[0] == 0x12, bytes[1] == 0x20 else { return nil }
            version = 0
            codec = .dagPB
            digest = Array(bytes[2...])
            return
        }
        guard let first = text.first else { return nil }
        let body = String(text.dropFirst())
        let bytes: [UInt8]?
        switch first {
        case "b": bytes = Base32.decode(body)
        case "B": bytes = Base32.decode(body.lowercased())
        case "z": bytes = Base58.decode(body)
        case "f", "F": bytes = try? Hex.decode(body.lowercased())
        default: return nil
        }
        guard let bytes else { return nil }
        var reader = VarintReader(bytes)
        guard reader.next() == 1, let codecValue = reader.next(), let codec = Codec(rawValue: codecValue),
              reader.next() == 0x12, reader.next() == 32, reader.remaining.count == 32 else { return nil }
        version = 1
        self.codec = codec
        digest = Array(reader.remaining)
    }

    /// Whether `content` is what this CID names: its sha2-256 for raw, the root of the UnixFS file
    /// `ipfs add` makes of it with its defaults for dag-pb (see UnixFS).
    public func matches(_ content: [UInt8]) -> Bool {
        switch codec {
        case .raw: return Array(SHA256.hash(data: content)) == digest
        case .dagPB: return UnixFS.rootDigest(of: content) == digest
        }
    }

    /// The CID a URL names: `ipfs://CID[/…]`, `…/ipfs/CID[/…]` on a path gateway, or
    /// `CID.ipfs.host` on a subdomain gateway. `path` is what follows the CID (a file inside a
    /// directory), empty when the CID is the whole object. Nil when the URL names no CID.
    public static func named(by url: String) -> (text: String, path: String)? {
        let noQuery = url.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)[0]
            .split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)[0]
        if noQuery.hasPrefix("ipfs://") {
            return split(noQuery.dropFirst("ipfs://".count))
        }
        guard let schemeEnd = noQuery.firstRange(of: "://") else { return nil }
        let rest = noQuery[schemeEnd.upperBound...]
        let host = rest.prefix { $0 != "/" }
        let path = rest.dropFirst(host.count)
        if let dot = host.firstRange(of: ".ipfs.") {
            let cid = String(host[..<dot.lowerBound])
            let tail = path.drop { $0 == "/" }
            return (cid, tail.isEmpty ? "" : "/" + tail)
        }
        guard let marker = path.firstRange(of: "/ipfs/") else { return nil }
        return split(path[marker.upperBound...])
    }

    private static func split(_ s: Substring) -> (text: String, path: String) {
        let cid = s.prefix { $0 != "/" }
        let tail = s.dropFirst(cid.count).drop { $0 == "/" }
        return (String(cid), tail.isEmpty ? "" : "/" + tail)
    }
}

/// The root of the UnixFS file `ipfs add` builds with its defaults (kubo, CIDv0): 256 KiB chunks,
/// each a dag-pb leaf holding its bytes (no raw leaves), joined by a balanced DAG of up to 174 links
/// per node. devnet/ogpu_devnet/unixfs.py builds the same; both are checked against Debian's
/// `ipfs_cid` tool.
public enum UnixFS {
    static let chunk = 256 * 1024
    static let maxLinks = 174

    /// sha2-256 of the root block.
    public static func rootDigest(of data: [UInt8]) -> [UInt8] {
        // Per node: (multihash, cumulative block size of its subtree, file bytes it covers).
        var level: [(hash: [UInt8], tsize: Int, bytes: Int)] = []
        var start = 0
        repeat {
            let piece = Array(data[start..<min(start + chunk, data.count)])
            let block = node(links: [], unixfs: file(piece, size: piece.count, blocks: []))
            level.append((multihash(block), block.count, piece.count))
            start += chunk
        } while start < data.count
        while level.count > 1 {
            var parents: [(hash: [UInt8], tsize: Int, bytes: Int)] = []
            var i = 0
            while i < level.count {
                let group = level[i..<min(i + maxLinks, level.count)]
                let size = group.reduce(0) { $0 + $1.bytes }
                let block = node(links: group.map { ($0.hash, $0.tsize) },
                                 unixfs: file([], size: size, blocks: group.map(\.bytes)))
                parents.append((multihash(block), block.count + group.reduce(0) { $0 + $1.tsize }, size))
                i += maxLinks
            }
            level = parents
        }
        return Array(level[0].hash.dropFirst(2))
    }

    private static func multihash(_ block: [UInt8]) -> [UInt8] { [0x12, 0x20] + Array(SHA256.hash(data: block)) }

    private static func varint(_ n: Int) -> [UInt8] {
        var n = UInt64(n), out: [UInt8] = []
        repeat {
            let b = UInt8(n & 0x7F)
            n >>= 7
            out.append(b | (n != 0 ? 0x80 : 0))
        } while n != 0
        return out
    }

    private static func field(_ number: Int, _ payload: [UInt8]) -> [UInt8] { varint(number << 3 | 2) + varint(payload.count) + payload }
    private static func uint(_ number: Int, _ value: Int) -> [UInt8] { varint(number << 3) + varint(value) }

    /// A UnixFS `Data` message of type File.
    private static func file(_ data: [UInt8], size: Int, blocks: [Int]) -> [UInt8] {
        var out = uint(1, 2)
        if !data.isEmpty { out += field(2, data) }
        out += uint(3, size)
        for b in blocks { out += uint(4, b) }
        return out
    }

    /// A dag-pb `PBNode`: its links (unnamed) first, then its data, as canonical dag-pb orders them.
    private static func node(links: [([UInt8], Int)], unixfs: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        for (hash, tsize) in links { out += field(2, field(1, hash) + field(2, []) + uint(3, tsize)) }
        return out + field(1, unixfs)
    }
}

struct VarintReader {
    private var bytes: ArraySlice<UInt8>
    init(_ bytes: [UInt8]) { self.bytes = bytes[...] }
    var remaining: ArraySlice<UInt8> { bytes }

    mutating func next() -> UInt64? {
        var value: UInt64 = 0, shift: UInt64 = 0
        while let b = bytes.popFirst() {
            guard shift < 63 else { return nil }
            value |= UInt64(b & 0x7F) << shift
            if b & 0x80 == 0 { return value }
            shift += 7
        }
        return nil
    }
}

enum Base58 {
    static let alphabet = Array("123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz".utf8)

    static func decode(_ text: String) -> [UInt8]? {
        var bytes: [UInt8] = [] // little-endian base-256 digits
        for c in text.utf8 {
            guard let digit = alphabet.firstIndex(of: c) else { return nil }
            var carry = digit
            for i in bytes.indices {
                carry += Int(bytes[i]) * 58
                bytes[i] = UInt8(carry & 0xFF)
                carry >>= 8
            }
            while carry > 0 { bytes.append(UInt8(carry & 0xFF)); carry >>= 8 }
        }
        let zeros = text.utf8.prefix { $0 == UInt8(ascii: "1") }.count
        return [UInt8](repeating: 0, count: zeros) + bytes.reversed()
    }
}

enum Base32 {
    /// RFC 4648 lower-case, no padding (multibase `b`).
    static func decode(_ text: String) -> [UInt8]? {
        var out: [UInt8] = []
        var buffer: UInt32 = 0, bits = 0
        for c in text.utf8 {
            let v: UInt32
            switch c {
            case UInt8(ascii: "a")...UInt8(ascii: "z"): v = UInt32(c - UInt8(ascii: "a"))
            case UInt8(ascii: "2")...UInt8(ascii: "7"): v = UInt32(c - UInt8(ascii: "2") + 26)
            default: return nil
            }
            buffer = (buffer << 5) | v
            bits += 5
            if bits >= 8 {
                bits -= 8
                out.append(UInt8((buffer >> UInt32(bits)) & 0xFF))
            }
        }
        return out
    }
}
