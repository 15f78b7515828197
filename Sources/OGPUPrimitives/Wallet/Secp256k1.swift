import CSecp256k1

/// libsecp256k1 behind a small Swift surface. One context is created lazily, randomized once against
/// side channels, and then only read (signing and recovery take it as `const`), so it is safe to share
/// across threads.
public enum Secp256k1 {
    public enum Error: Swift.Error, Equatable, CustomStringConvertible {
        case invalidPrivateKey
        case invalidSignature(String)
        case invalidHash(Int)
        case recoveryFailed

        public var description: String {
            switch self {
            case .invalidPrivateKey: return "private key is not a valid secp256k1 scalar (must be 0 < k < n)"
            case .invalidSignature(let why): return "invalid signature: \(why)"
            case .invalidHash(let n): return "message hash must be 32 bytes, got \(n)"
            case .recoveryFailed: return "could not recover a public key from the signature (r/s out of range or not on the curve)"
            }
        }
    }

    /// The group order n, big-endian.
    public static let order: [UInt8] = [
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe,
        0xba, 0xae, 0xdc, 0xe6, 0xaf, 0x48, 0xa0, 0x3b, 0xbf, 0xd2, 0x5e, 0x8c, 0xd0, 0x36, 0x41, 0x41,
    ]
    /// n / 2, big-endian: the largest `s` accepted since Homestead (EIP-2).
    public static let halfOrder: [UInt8] = [
        0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0x5d, 0x57, 0x6e, 0x73, 0x57, 0xa4, 0x50, 0x1d, 0xdf, 0xe9, 0x2f, 0x46, 0x68, 0x1b, 0x20, 0xa0,
    ]

    /// Sendable: libsecp256k1 documents a context as safe for concurrent use once created and randomized, which happens in `init` before it is published.
    private final class Context: @unchecked Sendable {
        let pointer: OpaquePointer
        init() {
            pointer = secp256k1_context_create(UInt32(SECP256K1_CONTEXT_NONE))!
            var seed = [UInt8](repeating: 0, count: 32)
            var rng = SystemRandomNumberGenerator()
            for i in 0..<32 { seed[i] = UInt8.random(in: .min ... .max, using: &rng) }
            // Randomization blinds the signing computation; failure would leave a working but unblinded
            // context, which is still correct, so it is not fatal.
            _ = secp256k1_context_randomize(pointer, seed)
        }
    }

    private static let shared = Context()
    static var context: OpaquePointer { shared.pointer }

    /// True when the 32 bytes form a scalar in 1..<n.
    public static func isValidPrivateKey(_ key: UnsafeRawBufferPointer) -> Bool {
        guard key.count == 32, let base = key.baseAddress else { return false }
        return secp256k1_ec_seckey_verify(context, base.assumingMemoryBound(to: UInt8.self)) == 1
    }

    /// The 65-byte uncompressed public key (0x04 ++ X ++ Y).
    static func publicKey(privateKey key: UnsafeRawBufferPointer) throws -> [UInt8] {
        guard key.count == 32, let base = key.baseAddress else { throw Error.invalidPrivateKey }
        var pubkey = secp256k1_pubkey()
        guard secp256k1_ec_pubkey_create(context, &pubkey, base.assumingMemoryBound(to: UInt8.self)) == 1 else {
            throw Error.invalidPrivateKey
        }
        return serialize(&pubkey)
    }

    /// Recoverable ECDSA with the RFC 6979 deterministic nonce; libsecp256k1 always yields low `s`.
    static func sign(hash: [UInt8], privateKey key: UnsafeRawBufferPointer) throws -> Signature {
        guard hash.count == 32 else { throw Error.invalidHash(hash.count) }
        guard key.count == 32, let base = key.baseAddress else { throw Error.invalidPrivateKey }
        var sig = secp256k1_ecdsa_recoverable_signature()
        guard secp256k1_ecdsa_sign_recoverable(context, &sig, hash, base.assumingMemoryBound(to: UInt8.self), nil, nil) == 1 else {
            throw Error.invalidPrivateKey
        }
        var compact = [UInt8](repeating: 0, count: 64)
        var recid: Int32 = 0
        _ = secp256k1_ecdsa_recoverable_signature_serialize_compact(context, &compact, &recid, &sig)
        return try Signature(r: Array(compact[0..<32]), s: Array(compact[32..<64]), recoveryId: UInt8(recid))
    }

    /// Recovers the signer's 65-byte uncompressed public key. Rejects r or s equal to zero or ≥ n.
    /// It does not judge high `s`: callers apply the fork rule (see `isLowS`).
    public static func recoverPublicKey(hash: [UInt8], signature: Signature) throws -> [UInt8] {
        guard hash.count == 32 else { throw Error.invalidHash(hash.count) }
        guard signature.recoveryId < 2 else { throw Error.invalidSignature("recovery id must be 0 or 1") }
        guard !isZero(signature.r), !isZero(signature.s) else { throw Error.invalidSignature("r and s must be nonzero") }
        guard lessThan(signature.r, order), lessThan(signature.s, order) else {
            throw Error.invalidSignature("r and s must be less than the curve order")
        }
        var sig = secp256k1_ecdsa_recoverable_signature()
        let compact = signature.r + signature.s
        guard secp256k1_ecdsa_recoverable_signature_parse_compact(context, &sig, compact, Int32(signature.recoveryId)) == 1 else {
            throw Error.invalidSignature("not a valid compact signature")
        }
        var pubkey = secp256k1_pubkey()
        guard secp256k1_ecdsa_recover(context, &pubkey, &sig, hash) == 1 else { throw Error.recoveryFailed }
        return serialize(&pubkey)
    }

    /// EIP-2: `s` must be at most n/2 (every signer since Homestead produces such signatures).
    public static func isLowS(_ s: [UInt8]) -> Bool { !lessThan(halfOrder, s) }

    private static func serialize(_ pubkey: inout secp256k1_pubkey) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 65)
        var length = 65
        _ = secp256k1_ec_pubkey_serialize(context, &out, &length, &pubkey, UInt32(SECP256K1_EC_UNCOMPRESSED))
        return out
    }

    static func isZero(_ bytes: [UInt8]) -> Bool { bytes.allSatisfy { $0 == 0 } }

    /// Big-endian comparison of equal-length byte strings.
    static func lessThan(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        precondition(a.count == b.count)
        for i in 0..<a.count where a[i] != b[i] { return a[i] < b[i] }
        return false
    }
}
