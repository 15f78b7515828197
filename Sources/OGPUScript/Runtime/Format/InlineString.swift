/// Short ASCII strings made straight in the standard library's inline ("small string") form,
/// for the strings the interpreter builds most: interpolations like `"w{i}"` and `"item {i}, "`,
/// short split parts, short case-mapped text, short concatenations.
///
/// Why: `String(unsafeUninitializedCapacity:)` cost ~50 instructions more for a small string, which
/// is two words and no allocation (callgrind: bench/lang strings, wordcount; see the commit).
///
/// The contract (Swift's `_StringObject` on 64-bit little-endian targets, part of the stable
/// ABI since Swift 5): a `String` is two words; a small string holds its UTF-8 bytes in order
/// from the first word's low byte through the second word's seventh byte, zero-filled, and the
/// second word's top byte is 0xE0 | count for ASCII text (immortal, small, ASCII). Only ASCII
/// text of at most 15 bytes is made this way; anything else (and any other target) takes
/// the standard library's own initialiser. Debug builds check every string made here against
/// `String(decoding:as:)`, and `TextFastPathTests` does in every build.
enum InlineString {
    /// `a + b` when both are inline ASCII strings, neither empty, that fit together, else nil:
    /// their bytes shifted together, in the form described above (top byte 0xE0 | count:
    /// top nibble 0xE only for a small ASCII string). Swift's own `+` of two small strings
    /// cost ~115 instructions more, and copying their bytes out ~90 more than this (bench/lang
    /// strings, 200,000 `+`: 268.7M -> 235.3M).
    @inline(__always)
    static func concatenation(_ a: String, _ b: String) -> String? {
        #if _endian(little) && (arch(x86_64) || arch(arm64))
        let x = unsafeBitCast(a, to: (UInt64, UInt64).self), y = unsafeBitCast(b, to: (UInt64, UInt64).self)
        guard x.1 >> 60 == 0xE, y.1 >> 60 == 0xE else { return nil }
        let n = Int(truncatingIfNeeded: (x.1 >> 56) & 0xF), m = Int(truncatingIfNeeded: (y.1 >> 56) & 0xF)
        guard n > 0, m > 0, n &+ m <= 15 else { return nil }
        let bytes: UInt64 = 0x00FF_FFFF_FFFF_FFFF
        let joined = (UInt128(x.1 & bytes) << 64 | UInt128(x.0)) | (UInt128(y.1 & bytes) << 64 | UInt128(y.0)) << (8 &* n)
        let words = (UInt64(truncatingIfNeeded: joined), UInt64(truncatingIfNeeded: joined >> 64) | UInt64(0xE0 | (n &+ m)) << 56)
        let s = unsafeBitCast(words, to: String.self)
        assert(s.utf8.elementsEqual(Array(a.utf8) + Array(b.utf8)) && s == a + b, "InlineString layout")
        return s
        #else
        return nil
        #endif
    }

    /// The number of characters of `s` when it is an inline ASCII string with no CR (so every
    /// byte is one character), read from its two words; nil otherwise. Reaching the bytes of a
    /// small string cost ~40 instructions (a copy to the stack and a call; bench/lang strings).
    @inline(__always)
    static func characterCount(_ s: String) -> Int? {
        #if _endian(little) && (arch(x86_64) || arch(arm64))
        let x = unsafeBitCast(s, to: (UInt64, UInt64).self)
        guard x.1 >> 60 == 0xE else { return nil }
        // A CR byte is a zero byte of w ^ 0x0D…; the test may also flag bytes above a real zero
        // byte, which only sends such a string to the general count.
        let ones: UInt64 = 0x0101_0101_0101_0101, high: UInt64 = 0x8080_8080_8080_8080
        func hasCR(_ w: UInt64) -> Bool { let v = w ^ (ones &* 0x0D); return (v &- ones) & ~v & high != 0 }
        guard !hasCR(x.0), !hasCR(x.1 & 0x00FF_FFFF_FFFF_FFFF) else { return nil }
        let n = Int(truncatingIfNeeded: (x.1 >> 56) & 0xF)
        assert(n == s.count, "InlineString layout")
        return n
        #else
        return nil
        #endif
    }

    /// The string of `bytes` when they are at most 15 ASCII bytes, else nil.
    @inline(__always)
    static func ascii(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        #if _endian(little) && (arch(x86_64) || arch(arm64))
        let n = bytes.count
        guard n <= 15, let src = bytes.baseAddress else { return nil }
        var words: (UInt64, UInt64) = (0, 0)
        withUnsafeMutableBytes(of: &words) { UTF8Buffer.copy(src, to: $0.baseAddress!.assumingMemoryBound(to: UInt8.self), count: n) }
        guard (words.0 | words.1) & 0x8080_8080_8080_8080 == 0 else { return nil }
        words.1 |= UInt64(0xE0 | n) << 56
        let s = unsafeBitCast(words, to: String.self)
        assert(s.utf8.elementsEqual(bytes) && s == String(decoding: bytes, as: UTF8.self), "InlineString layout")
        return s
        #else
        return nil
        #endif
    }
}
