import Crypto
import CryptoExtras

/// scrypt (RFC 7914) in Swift, used only for parameters BoringSSL refuses: n ≥ 2^(16·r), which the RFC
/// forbids but geth accepts and has written (e.g. n = 2^18, r = 1, p = 8). The PBKDF2 steps come from
/// swift-crypto; this file adds ROMix and its Salsa20/8 BlockMix.
enum ScryptFallback {
    static func deriveKey(password: [UInt8], salt: [UInt8], n: Int, r: Int, p: Int, dklen: Int) throws -> [UInt8] {
        let blockBytes = 128 * r
        var b = try KDF.Insecure.PBKDF2.deriveKey(from: password, salt: salt, using: .sha256,
                                                  outputByteCount: p * blockBytes, unsafeUncheckedRounds: 1)
            .withUnsafeBytes { Array($0) }
        defer { PrivateKey.wipe(&b) }
        let words = 32 * r
        var x = [UInt32](repeating: 0, count: words)
        var v = [UInt32](repeating: 0, count: words * n)
        var scratch = [UInt32](repeating: 0, count: words + 16)
        defer {
            x.withUnsafeMutableBytes { PrivateKey.wipe($0) }
            v.withUnsafeMutableBytes { PrivateKey.wipe($0) }
        }
        for lane in 0..<p {
            // Little-endian words of this lane's block.
            for i in 0..<words {
                let o = lane * blockBytes + 4 * i
                x[i] = UInt32(b[o]) | UInt32(b[o + 1]) << 8 | UInt32(b[o + 2]) << 16 | UInt32(b[o + 3]) << 24
            }
            x.withUnsafeMutableBufferPointer { x in
                v.withUnsafeMutableBufferPointer { v in
                    scratch.withUnsafeMutableBufferPointer { t in
                        romix(x.baseAddress!, v.baseAddress!, t.baseAddress!, n: n, r: r)
                    }
                }
            }
            for i in 0..<words {
                let o = lane * blockBytes + 4 * i
                b[o] = UInt8(truncatingIfNeeded: x[i]); b[o + 1] = UInt8(truncatingIfNeeded: x[i] >> 8)
                b[o + 2] = UInt8(truncatingIfNeeded: x[i] >> 16); b[o + 3] = UInt8(truncatingIfNeeded: x[i] >> 24)
            }
        }
        return try KDF.Insecure.PBKDF2.deriveKey(from: password, salt: b, using: .sha256,
                                                 outputByteCount: dklen, unsafeUncheckedRounds: 1)
            .withUnsafeBytes { Array($0) }
    }

    /// ROMix: fill v with n successive BlockMix states, then mix in n data-dependent entries.
    /// `t` is scratch of 32·r + 16 words (BlockMix output, then the Salsa state).
    @_optimize(speed)
    private static func romix(_ x: UnsafeMutablePointer<UInt32>, _ v: UnsafeMutablePointer<UInt32>,
                              _ t: UnsafeMutablePointer<UInt32>, n: Int, r: Int) {
        let words = 32 * r
        for i in 0..<n {
            (v + i * words).update(from: x, count: words)
            blockMix(x, t, r: r)
        }
        for _ in 0..<n {
            let j = Int(x[(2 * r - 1) * 16]) & (n - 1)  // Integerify: first word of the last 64-byte block
            let vj = v + j * words
            for k in 0..<words { x[k] ^= vj[k] }
            blockMix(x, t, r: r)
        }
    }

    /// BlockMix with Salsa20/8 over 2r 64-byte blocks; even outputs first, then odd.
    @_optimize(speed)
    private static func blockMix(_ b: UnsafeMutablePointer<UInt32>, _ t: UnsafeMutablePointer<UInt32>, r: Int) {
        let s = t + 32 * r
        s.update(from: b + (2 * r - 1) * 16, count: 16)
        for i in 0..<(2 * r) {
            for k in 0..<16 { s[k] ^= b[i * 16 + k] }
            salsa20_8(s)
            (t + ((i & 1) * r + i / 2) * 16).update(from: s, count: 16)
        }
        b.update(from: t, count: 32 * r)
    }

    @_optimize(speed)
    private static func salsa20_8(_ b: UnsafeMutablePointer<UInt32>) {
        var x0 = b[0], x1 = b[1], x2 = b[2], x3 = b[3], x4 = b[4], x5 = b[5], x6 = b[6], x7 = b[7]
        var x8 = b[8], x9 = b[9], x10 = b[10], x11 = b[11], x12 = b[12], x13 = b[13], x14 = b[14], x15 = b[15]
        for _ in 0..<4 {
            x4 ^= ((x0 &+ x12) << 7 | (x0 &+ x12) >> 25); x8 ^= ((x4 &+ x0) << 9 | (x4 &+ x0) >> 23); x12 ^= ((x8 &+ x4) << 13 | (x8 &+ x4) >> 19); x0 ^= ((x12 &+ x8) << 18 | (x12 &+ x8) >> 14)
            x9 ^= ((x5 &+ x1) << 7 | (x5 &+ x1) >> 25); x13 ^= ((x9 &+ x5) << 9 | (x9 &+ x5) >> 23); x1 ^= ((x13 &+ x9) << 13 | (x13 &+ x9) >> 19); x5 ^= ((x1 &+ x13) << 18 | (x1 &+ x13) >> 14)
            x14 ^= ((x10 &+ x6) << 7 | (x10 &+ x6) >> 25); x2 ^= ((x14 &+ x10) << 9 | (x14 &+ x10) >> 23); x6 ^= ((x2 &+ x14) << 13 | (x2 &+ x14) >> 19); x10 ^= ((x6 &+ x2) << 18 | (x6 &+ x2) >> 14)
            x3 ^= ((x15 &+ x11) << 7 | (x15 &+ x11) >> 25); x7 ^= ((x3 &+ x15) << 9 | (x3 &+ x15) >> 23); x11 ^= ((x7 &+ x3) << 13 | (x7 &+ x3) >> 19); x15 ^= ((x11 &+ x7) << 18 | (x11 &+ x7) >> 14)
            x1 ^= ((x0 &+ x3) << 7 | (x0 &+ x3) >> 25); x2 ^= ((x1 &+ x0) << 9 | (x1 &+ x0) >> 23); x3 ^= ((x2 &+ x1) << 13 | (x2 &+ x1) >> 19); x0 ^= ((x3 &+ x2) << 18 | (x3 &+ x2) >> 14)
            x6 ^= ((x5 &+ x4) << 7 | (x5 &+ x4) >> 25); x7 ^= ((x6 &+ x5) << 9 | (x6 &+ x5) >> 23); x4 ^= ((x7 &+ x6) << 13 | (x7 &+ x6) >> 19); x5 ^= ((x4 &+ x7) << 18 | (x4 &+ x7) >> 14)
            x11 ^= ((x10 &+ x9) << 7 | (x10 &+ x9) >> 25); x8 ^= ((x11 &+ x10) << 9 | (x11 &+ x10) >> 23); x9 ^= ((x8 &+ x11) << 13 | (x8 &+ x11) >> 19); x10 ^= ((x9 &+ x8) << 18 | (x9 &+ x8) >> 14)
            x12 ^= ((x15 &+ x14) << 7 | (x15 &+ x14) >> 25); x13 ^= ((x12 &+ x15) << 9 | (x12 &+ x15) >> 23); x14 ^= ((x13 &+ x12) << 13 | (x13 &+ x12) >> 19); x15 ^= ((x14 &+ x13) << 18 | (x14 &+ x13) >> 14)
        }
        b[0] &+= x0; b[1] &+= x1; b[2] &+= x2; b[3] &+= x3; b[4] &+= x4; b[5] &+= x5; b[6] &+= x6; b[7] &+= x7
        b[8] &+= x8; b[9] &+= x9; b[10] &+= x10; b[11] &+= x11; b[12] &+= x12; b[13] &+= x13; b[14] &+= x14; b[15] &+= x15
    }
}
