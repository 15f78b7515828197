#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A secp256k1 private key. It never shows its value: `description`, `debugDescription`, `dump`,
/// string interpolation and errors print only a redacted form with the address. The 32 bytes live in
/// their own allocation, which is wiped when the key is released (Swift cannot promise no copy was
/// ever made elsewhere, e.g. in the caller's hex string, but the key itself leaves nothing behind).
/// Sendable: the key bytes are written once in `init` and only read (then wiped in `deinit`, when no other reference exists).
public final class PrivateKey: @unchecked Sendable {
    public enum Error: Swift.Error, Equatable, CustomStringConvertible {
        case wrongLength(Int)
        case wrongDigitCount(Int)
        case notHex(offset: Int)
        case outOfRange

        public var description: String {
            switch self {
            case .wrongLength(let n):
                return "private key must be 32 bytes, got \(n) bytes"
            case .wrongDigitCount(let n):
                return "private key must be 64 hex digits (optionally after 0x), got \(n) digits"
            case .notHex(let offset):
                return "private key is not valid hex (bad digit at offset \(offset))"
            case .outOfRange:
                return "private key is out of range (must be nonzero and below the secp256k1 order)"
            }
        }
    }

    private let storage: UnsafeMutableRawBufferPointer
    /// 65-byte uncompressed public key (0x04 ++ X ++ Y).
    public let publicKey: [UInt8]
    public let address: Address

    /// Takes 32 big-endian bytes. The caller should wipe its own copy afterwards if it can.
    public init<Bytes: Collection>(bytes: Bytes) throws where Bytes.Element == UInt8 {
        guard bytes.count == 32 else { throw Error.wrongLength(bytes.count) }
        let storage = UnsafeMutableRawBufferPointer.allocate(byteCount: 32, alignment: 16)
        storage.copyBytes(from: bytes)
        guard Secp256k1.isValidPrivateKey(UnsafeRawBufferPointer(storage)) else {
            PrivateKey.wipe(storage)
            storage.deallocate()
            throw Error.outOfRange
        }
        self.storage = storage
        self.publicKey = try Secp256k1.publicKey(privateKey: UnsafeRawBufferPointer(storage))
        self.address = PrivateKey.address(ofPublicKey: publicKey)
    }

    /// Parses 64 hex digits with or without `0x`; surrounding whitespace (a newline from a key file)
    /// is ignored. Errors give the digit count or the position of a bad digit, never any part of the key.
    public convenience init(hex: String) throws {
        var utf8 = Array(hex.utf8)
        defer { PrivateKey.wipe(&utf8) }
        try self.init(hexDigits: utf8)
    }

    /// `init(hex:)` over the text's UTF-8 bytes (the caller wipes them).
    convenience init(hexDigits utf8: [UInt8]) throws {
        let isSpace = { (c: UInt8) in c == 0x20 || c == 0x09 || c == 0x0a || c == 0x0d }
        var start = utf8.firstIndex { !isSpace($0) } ?? utf8.count
        let end = (utf8.lastIndex { !isSpace($0) } ?? -1) + 1
        if end - start >= 2, utf8[start] == UInt8(ascii: "0"), utf8[start + 1] == UInt8(ascii: "x") || utf8[start + 1] == UInt8(ascii: "X") {
            start += 2
        }
        let digits = max(0, end - start)
        guard digits == 64 else { throw Error.wrongDigitCount(digits) }
        var bytes = [UInt8](repeating: 0, count: 32)
        defer { PrivateKey.wipe(&bytes) }
        for i in 0..<32 {
            guard let hi = Hex.nibble(utf8[start + 2 * i]) else { throw Error.notHex(offset: start + 2 * i) }
            guard let lo = Hex.nibble(utf8[start + 2 * i + 1]) else { throw Error.notHex(offset: start + 2 * i + 1) }
            bytes[i] = hi << 4 | lo
        }
        try self.init(bytes: bytes)
    }

    /// A fresh key from the system's cryptographically secure generator.
    public static func random() -> PrivateKey {
        var rng = SystemRandomNumberGenerator()
        while true {
            var bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &rng) }
            defer { wipe(&bytes) }
            if let key = try? PrivateKey(bytes: bytes) { return key }
        }
    }

    deinit {
        PrivateKey.wipe(storage)
        storage.deallocate()
    }

    /// Lends the raw 32 bytes for the duration of `body`. Do not let them escape.
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try body(UnsafeRawBufferPointer(storage))
    }

    /// Signs a 32-byte digest (RFC 6979 nonce, low s).
    public func sign(hash: [UInt8]) throws -> Signature {
        try Secp256k1.sign(hash: hash, privateKey: UnsafeRawBufferPointer(storage))
    }

    /// Ethereum address of a 65-byte uncompressed public key: the last 20 bytes of keccak(X ++ Y).
    public static func address(ofPublicKey publicKey: [UInt8]) -> Address {
        precondition(publicKey.count == 65 && publicKey[0] == 0x04, "expects an uncompressed public key")
        let digest = Keccak256.hash(Array(publicKey[1...]))
        return try! Address(bytes: Array(digest[12...]))
    }

    static func wipe(_ buffer: UnsafeMutableRawBufferPointer) {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return }
        // explicit_bzero is not elided by the optimizer, unlike a plain memset before free.
        explicit_bzero(base, buffer.count)
    }

    static func wipe(_ bytes: inout [UInt8]) {
        bytes.withUnsafeMutableBytes { wipe($0) }
    }
}

extension PrivateKey: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String { "PrivateKey(0x…redacted, address \(address.checksummed))" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["address": address.checksummed], displayStyle: .class) }
}

/// Recovers the address that produced `signature` over the 32-byte `hash`.
public func recoverAddress(hash: [UInt8], signature: Signature) throws -> Address {
    PrivateKey.address(ofPublicKey: try Secp256k1.recoverPublicKey(hash: hash, signature: signature))
}
