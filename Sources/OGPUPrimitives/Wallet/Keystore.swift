import Crypto
import CryptoExtras
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Web3 Secret Storage v3 keystores (the JSON files geth, eth-account, ethers and MetaMask export).
/// Decrypts scrypt and pbkdf2-hmac-sha256 keystores with aes-128-ctr; encrypts with scrypt.
public enum Keystore {
    public enum Error: Swift.Error, Equatable, CustomStringConvertible {
        case malformed(String)
        case unsupportedVersion(String)
        case unsupported(String)
        case badParameters(String)
        case wrongPassword
        case addressMismatch(stored: String, derived: String)

        public var description: String {
            switch self {
            case .malformed(let why): return "keystore is not valid Web3 Secret Storage JSON: \(why)"
            case .unsupportedVersion(let v): return "keystore version \(v) is not supported (only version 3)"
            case .unsupported(let what): return "keystore uses \(what), which is not supported (scrypt or pbkdf2 with hmac-sha256, aes-128-ctr)"
            case .badParameters(let why): return "keystore KDF parameters are unusable: \(why)"
            case .wrongPassword: return "wrong password for this keystore (MAC check failed)"
            case .addressMismatch(let stored, let derived):
                return "keystore's address field \(stored) does not match the decrypted key's address \(derived); the file is corrupt or was edited"
            }
        }
    }

    /// Key derivation settings for `encrypt`.
    public struct ScryptParameters: Sendable, Equatable {
        public var n: Int
        public var r: Int
        public var p: Int
        public init(n: Int, r: Int, p: Int) { self.n = n; self.r = r; self.p = p }
        /// geth's "standard" settings (what eth-account and geth write by default).
        public static let standard = ScryptParameters(n: 262_144, r: 8, p: 1)
        /// geth's "light" settings, for tests and low-memory machines.
        public static let light = ScryptParameters(n: 4096, r: 8, p: 6)
    }

    /// Upper bound on scrypt memory (128·n·r bytes) a keystore may ask for, so a hostile file cannot
    /// make us allocate without limit. 1 GiB is four times geth's standard setting.
    static let maxScryptMemory = 1 << 30
    /// Upper bound on scrypt work n·r·p: 32 times geth's standard 2^18 · 8 · 1.
    static let maxScryptWork = 1 << 26
    /// Upper bound on pbkdf2 iterations, for the same reason (geth writes 262,144).
    static let maxPBKDF2Rounds = 10_000_000

    // MARK: Decrypt

    public static func decrypt(json: String, password: String) throws -> PrivateKey {
        try decrypt(json: Data(json.utf8), password: Array(password.utf8))
    }

    /// `password` is the raw UTF-8 (or arbitrary) bytes, as the KDFs see them.
    public static func decrypt(json: Data, password: [UInt8]) throws -> PrivateKey {
        guard let root = try? JSONParser.parse(json), root.objectValue != nil else {
            throw Error.malformed("top level must be a JSON object")
        }
        guard let version = root["version"] else { throw Error.malformed("missing \"version\"") }
        guard number(version) == 3 else { throw Error.unsupportedVersion(JSONWriter.string(version)) }
        // geth historically wrote "Crypto"; the spec says "crypto".
        guard let crypto = root["crypto"] ?? root["Crypto"], crypto.objectValue != nil else {
            throw Error.malformed("missing \"crypto\" object")
        }
        let cipher = try string(crypto, "cipher")
        guard cipher == "aes-128-ctr" else { throw Error.unsupported("cipher \"\(cipher)\"") }
        guard let cipherparams = crypto["cipherparams"], cipherparams.objectValue != nil else {
            throw Error.malformed("missing \"cipherparams\"")
        }
        let iv = try hex(cipherparams, "iv")
        guard iv.count == 16 else { throw Error.malformed("cipherparams.iv must be 16 bytes, got \(iv.count)") }
        let ciphertext = try hex(crypto, "ciphertext")
        guard ciphertext.count == 32 else { throw Error.malformed("ciphertext must be 32 bytes, got \(ciphertext.count)") }
        let mac = try hex(crypto, "mac")
        guard mac.count == 32 else { throw Error.malformed("mac must be 32 bytes, got \(mac.count)") }

        var derived = try deriveKey(crypto: crypto, password: password)
        defer { PrivateKey.wipe(&derived) }
        let expectedMAC = Self.mac(derived[16..<32], ciphertext)
        guard constantTimeEqual(expectedMAC, mac) else { throw Error.wrongPassword }

        var plain = try aes128ctr(key: derived[0..<16], iv: iv, data: ciphertext)
        defer { PrivateKey.wipe(&plain) }
        let key: PrivateKey
        do { key = try PrivateKey(bytes: plain) } catch { throw Error.malformed("decrypted key is not a valid secp256k1 key") }

        if let stored = root["address"]?.stringValue {
            // Compared as bytes: files differ in case and prefix, and none carry a checksum worth enforcing.
            guard let storedBytes = try? Hex.decode(stored), storedBytes == key.address.bytes else {
                throw Error.addressMismatch(stored: stored, derived: key.address.checksummed)
            }
        }
        return key
    }

    private static func deriveKey(crypto: JSONValue, password: [UInt8]) throws -> [UInt8] {
        let kdf = try string(crypto, "kdf")
        guard let params = crypto["kdfparams"], params.objectValue != nil else { throw Error.malformed("missing \"kdfparams\"") }
        let salt = try hex(params, "salt")
        let dklen = try int(params, "dklen")
        guard dklen >= 32, dklen <= 1024 else { throw Error.badParameters("dklen must be 32...1024, got \(dklen)") }
        switch kdf {
        case "scrypt":
            let n = try int(params, "n"), r = try int(params, "r"), p = try int(params, "p")
            return try scrypt(password: password, salt: salt, n: n, r: r, p: p, dklen: dklen)
        case "pbkdf2":
            let prf = try string(params, "prf")
            guard prf == "hmac-sha256" else { throw Error.unsupported("pbkdf2 prf \"\(prf)\"") }
            let c = try int(params, "c")
            guard c >= 1, c <= maxPBKDF2Rounds else { throw Error.badParameters("pbkdf2 c must be 1...\(maxPBKDF2Rounds), got \(c)") }
            let key = try KDF.Insecure.PBKDF2.deriveKey(from: password, salt: salt, using: .sha256,
                                                        outputByteCount: dklen, unsafeUncheckedRounds: c)
            return key.withUnsafeBytes { Array($0) }
        default:
            throw Error.unsupported("kdf \"\(kdf)\"")
        }
    }

    static func scrypt(password: [UInt8], salt: [UInt8], n: Int, r: Int, p: Int, dklen: Int) throws -> [UInt8] {
        guard n > 1, n & (n - 1) == 0 else { throw Error.badParameters("scrypt n must be a power of two above 1, got \(n)") }
        guard r >= 1, p >= 1, r <= 1024, p <= 1024 else { throw Error.badParameters("scrypt r and p must be 1...1024, got r=\(r) p=\(p)") }
        guard n <= maxScryptMemory / (128 * r) else {
            throw Error.badParameters("scrypt n=\(n) r=\(r) needs more than \(maxScryptMemory >> 20) MiB")
        }
        // p multiplies the work without the memory: bound n·r·p too (geth's standard is 2^21).
        guard n * r <= maxScryptWork / p else {
            throw Error.badParameters("scrypt n=\(n) r=\(r) p=\(p) is more than 32 times geth's standard work")
        }
        // RFC 7914 requires n < 2^(128·r/8) and BoringSSL enforces it; geth does not, and wrote such files.
        if 16 * r < Int.bitWidth - 1, n >= 1 << (16 * r) {
            return try ScryptFallback.deriveKey(password: password, salt: salt, n: n, r: r, p: p, dklen: dklen)
        }
        do {
            let key = try KDF.Scrypt.deriveKey(from: password, salt: salt, outputByteCount: dklen,
                                               rounds: n, blockSize: r, parallelism: p)
            return key.withUnsafeBytes { Array($0) }
        } catch {
            throw Error.badParameters("scrypt rejected n=\(n) r=\(r) p=\(p)")
        }
    }

    static func aes128ctr(key: ArraySlice<UInt8>, iv: [UInt8], data: [UInt8]) throws -> [UInt8] {
        // AES._CTR increments the whole 128-bit counter block, as the spec requires.
        var out = try AES._CTR.encrypt(data, using: SymmetricKey(data: key), nonce: AES._CTR.Nonce(nonceBytes: iv))
        defer { out.resetBytes(in: 0..<out.count) }  // may be key material
        return Array(out)
    }

    /// keccak(derivedKey[16..<32] ++ ciphertext), without concatenating key material into a temporary.
    static func mac(_ macKey: ArraySlice<UInt8>, _ ciphertext: [UInt8]) -> [UInt8] {
        var hasher = Keccak256.Hasher()
        hasher.update(macKey)
        hasher.update(ciphertext)
        return hasher.finalize()
    }

    // MARK: Encrypt

    /// A v3 keystore JSON for `key`: scrypt, fresh random salt (32 bytes) and iv (16 bytes), random
    /// UUID v4, lowercase address without 0x (the layout geth and eth-account write).
    public static func encrypt(_ key: PrivateKey, password: String, scrypt params: ScryptParameters = .standard) throws -> String {
        try encrypt(key, password: Array(password.utf8), scrypt: params)
    }

    public static func encrypt(_ key: PrivateKey, password: [UInt8], scrypt params: ScryptParameters = .standard) throws -> String {
        var rng = SystemRandomNumberGenerator()
        let salt = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &rng) }
        let iv = (0..<16).map { _ in UInt8.random(in: .min ... .max, using: &rng) }
        var derived = try scrypt(password: password, salt: salt, n: params.n, r: params.r, p: params.p, dklen: 32)
        defer { PrivateKey.wipe(&derived) }
        var secret = key.withUnsafeBytes { Array($0) }
        defer { PrivateKey.wipe(&secret) }
        let ciphertext = try aes128ctr(key: derived[0..<16], iv: iv, data: secret)
        let mac = Self.mac(derived[16..<32], ciphertext)
        // Keys in sorted order, as geth and eth-account write them.
        let object: JSONValue = .object([
            ("address", .string(Hex.encode(key.address.bytes, prefix: false))),
            ("crypto", .object([
                ("cipher", "aes-128-ctr"),
                ("cipherparams", .object([("iv", .string(Hex.encode(iv, prefix: false)))])),
                ("ciphertext", .string(Hex.encode(ciphertext, prefix: false))),
                ("kdf", "scrypt"),
                ("kdfparams", .object([("dklen", 32), ("n", .int(params.n)), ("p", .int(params.p)), ("r", .int(params.r)),
                                       ("salt", .string(Hex.encode(salt, prefix: false)))])),
                ("mac", .string(Hex.encode(mac, prefix: false))),
            ])),
            ("id", .string(UUID().uuidString.lowercased())),
            ("version", 3),
        ])
        return JSONWriter.string(object)
    }

    // MARK: JSON field helpers

    private static func string(_ object: JSONValue, _ key: String) throws -> String {
        guard let value = object[key]?.stringValue else { throw Error.malformed("missing or non-string \"\(key)\"") }
        return value
    }

    private static func hex(_ object: JSONValue, _ key: String) throws -> [UInt8] {
        let text = try string(object, key)
        do { return try Hex.decode(text) } catch { throw Error.malformed("\"\(key)\" is not hex: \(error)") }
    }

    private static func int(_ object: JSONValue, _ key: String) throws -> Int {
        guard let value = object[key].flatMap(number) else { throw Error.malformed("missing or non-integer \"\(key)\"") }
        return value
    }

    /// A JSON number that is a whole number (`3`, `3.0`, `3e0`), as an Int; strings and booleans are not numbers.
    private static func number(_ v: JSONValue) -> Int? {
        guard case .number(let text) = v, let d = Double(text) else { return nil }
        return Int(exactly: d)
    }

    private static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var diff: UInt8 = 0
        for i in 0..<a.count { diff |= a[i] ^ b[i] }
        return diff == 0
    }
}
