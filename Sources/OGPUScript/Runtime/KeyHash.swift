/// The 32-bit hash `OrderedMap` indexes keys by: a seeded multiply-fold hash of the key's UTF-8
/// bytes, several times cheaper than `Hasher` (SipHash) on the short keys scripts use.
///
/// It must agree with `String.==`, which is canonical equivalence: `"\u{212A}"` (Kelvin sign)
/// equals `"K"`, and `"é"` precomposed equals `"e\u{301}"`. So:
/// - an ASCII key hashes its bytes (ASCII text is already in normal form);
/// - a key whose only non-ASCII scalars are the three that normalize to a single ASCII character
///   (U+037E → `;`, U+1FEF → `` ` ``, U+212A → `K`: found by checking every scalar) hashes the
///   bytes of that ASCII text, so it meets its ASCII equal;
/// - any other key cannot equal an ASCII string and takes Swift's own normalization-aware hash.
///
/// The seed is random per process (as `Hasher`'s is), so colliding keys cannot be precomputed.
enum KeyHash {
    private static let seed: UInt64 = {
        var g = SystemRandomNumberGenerator()
        return g.next() | 1
    }()

    @inline(__always)
    static func hash(_ key: String) -> UInt32 {
        let h: UInt64? = key.withUTF8Bytes { bytes in
            var or: UInt64 = 0
            let h = mix(bytes, &or)
            return or & 0x8080_8080_8080_8080 == 0 ? h : nil
        }
        if let h { return UInt32(truncatingIfNeeded: h ^ (h >> 32)) }
        return nonASCII(key)
    }

    @inline(__always)
    private static func fold(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let p = a.multipliedFullWidth(by: b)
        return p.high ^ p.low
    }

    /// Hash of `bytes`, 8 at a time; `or` collects every byte's bits (for the ASCII test).
    @inline(__always)
    private static func mix(_ bytes: UnsafeBufferPointer<UInt8>, _ or: inout UInt64) -> UInt64 {
        let n = bytes.count
        var h = seed ^ (UInt64(n) &* 0x9E37_79B9_7F4A_7C15)
        guard let base = bytes.baseAddress else { return fold(h, 0xA076_1D64_78BD_642F) }
        let raw = UnsafeRawPointer(base)
        var i = 0
        while i &+ 8 <= n {
            let w = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            or |= w
            h = fold(h ^ w, 0xA076_1D64_78BD_642F)
            i &+= 8
        }
        if i < n {
            var w: UInt64 = 0
            var shift: UInt64 = 0
            while i < n { w |= UInt64(base[i]) << shift; shift &+= 8; i &+= 1 }
            or |= w
            h = fold(h ^ w, 0xE703_7ED1_A0B4_28DB)
        }
        return fold(h, 0x8EBC_6AF0_9C88_C6E3)
    }

    private static func nonASCII(_ key: String) -> UInt32 {
        var ascii: [UInt8] = []
        for u in key.unicodeScalars {
            switch u.value {
            case 0..<0x80: ascii.append(UInt8(u.value))
            case 0x037E: ascii.append(UInt8(ascii: ";"))
            case 0x1FEF: ascii.append(UInt8(ascii: "`"))
            case 0x212A: ascii.append(UInt8(ascii: "K"))
            default:
                let h = UInt64(UInt(bitPattern: key.hashValue))
                return UInt32(truncatingIfNeeded: h ^ (h >> 32))
            }
        }
        var or: UInt64 = 0
        let h = ascii.withUnsafeBufferPointer { mix($0, &or) }
        return UInt32(truncatingIfNeeded: h ^ (h >> 32))
    }
}
