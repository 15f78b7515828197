#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
import OGPUPrimitives

/// Byte-level forms of the string built-ins for the common case, ASCII text, each giving exactly
/// the result of the general Swift operation it stands in for (which the others fall back to).
///
/// Why they agree: ASCII text is in every normal form, so canonical equivalence (`String.==`,
/// `hasPrefix`, `contains`) is byte equality, and every ASCII byte is one `Character` except
/// that `"\r\n"` is one: a byte match is a `Character` match unless it splits a CR LF pair.
/// `TextFastPathTests` checks each against the general form on ASCII and non-ASCII text.
///
/// Why they exist (callgrind): `contains` and `hasPrefix` compare `Character`s, `trim` rebuilt
/// the string scalar by scalar and `upper` made a new string even when nothing changed.
enum TextFastPaths {
    private static let high: UInt64 = 0x8080_8080_8080_8080

    /// True when every byte is below 0x80, checked eight bytes at a time.
    @inline(__always)
    static func isASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress else { return true }
        let raw = UnsafeRawPointer(base), n = bytes.count
        var or: UInt64 = 0, i = 0
        while i &+ 8 <= n { or |= raw.loadUnaligned(fromByteOffset: i, as: UInt64.self); i &+= 8 }
        while i < n { or |= UInt64(base[i]); i &+= 1 }
        return or & high == 0
    }

    /// `s.uppercased()` (`upper`). ASCII text without a–z is returned as it is (no new string);
    /// for other ASCII text Swift's own ASCII path is already the cheaper one (writing the bytes
    /// here and validating them into a `String` measured ~20% more instructions).
    static func uppercased(_ s: String) -> String {
        unchangedASCII(s, from: UInt8(ascii: "a"), to: UInt8(ascii: "z")) ? s : s.uppercased()
    }

    /// `s.lowercased()` (`lower`): as `uppercased`, for A–Z.
    static func lowercased(_ s: String) -> String {
        unchangedASCII(s, from: UInt8(ascii: "A"), to: UInt8(ascii: "Z")) ? s : s.lowercased()
    }

    /// True when `s` is ASCII with no byte in `from...to`. Eight bytes at a time: in ASCII bytes
    /// (< 0x80) adding `0x80 - from` sets a byte's top bit exactly when it is ≥ `from`, with no
    /// carry into the next byte.
    private static func unchangedASCII(_ s: String, from: UInt8, to: UInt8) -> Bool {
        var text = s
        return text.withUTF8 { bytes in
            guard let base = bytes.baseAddress else { return true }
            let raw = UnsafeRawPointer(base), n = bytes.count
            let ones: UInt64 = 0x0101_0101_0101_0101
            let atLeastFrom = ones &* UInt64(0x80 &- from), aboveTo = ones &* UInt64(0x80 &- to &- 1)
            var i = 0
            while i &+ 8 <= n {
                let w = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                if w & high != 0 || (w &+ atLeastFrom) & ~(w &+ aboveTo) & high != 0 { return false }
                i &+= 8
            }
            while i < n {
                let b = base[i]
                if b >= 0x80 || (b >= from && b <= to) { return false }
                i &+= 1
            }
            return true
        }
    }

    /// `s.trimmingWhitespaceAndNewlines()` (`trim`). ASCII bytes at either end decide alone; the
    /// first non-ASCII byte met from either end hands the whole string to the general form
    /// (which knows the non-ASCII spaces). Nothing to trim: `s` itself, no copy.
    static func trimmed(_ s: String) -> String {
        var text = s
        let kept: Range<Int>? = text.withUTF8 { bytes in
            var lo = 0, hi = bytes.count
            while lo < hi {
                let b = bytes[lo]
                if b >= 0x80 { return nil }
                if !isASCIISpace(b) { break }
                lo &+= 1
            }
            while hi > lo {
                let b = bytes[hi &- 1]
                if b >= 0x80 { return nil }
                if !isASCIISpace(b) { break }
                hi &-= 1
            }
            return lo..<hi
        }
        guard let kept else { return s.trimmingWhitespaceAndNewlines() }
        if kept.count == s.utf8.count { return s }
        return text.withUTF8 { UTF8Buffer.string(UnsafeBufferPointer(rebasing: $0[kept])) }
    }

    /// The ASCII bytes `isFoundationWhitespaceOrNewline` accepts: tab, LF, VT, FF, CR, space.
    @inline(__always)
    private static func isASCIISpace(_ b: UInt8) -> Bool { b == 0x20 || (b >= 0x09 && b <= 0x0D) }

    /// `s.hasPrefix(p)` (`starts_with`).
    static func hasPrefix(_ s: String, _ p: String) -> Bool {
        bothASCII(s, p) { s, p in
            let n = s.count, m = p.count
            guard m <= n else { return false }
            guard m > 0 else { return true }
            return memcmp(s.baseAddress!, p.baseAddress!, m) == 0 && !splitsCRLF(s, at: m)
        } ?? General.hasPrefix(s, p)
    }

    /// `s.hasSuffix(p)` (`ends_with`).
    static func hasSuffix(_ s: String, _ p: String) -> Bool {
        bothASCII(s, p) { s, p in
            let n = s.count, m = p.count
            guard m <= n else { return false }
            guard m > 0 else { return true }
            return memcmp(s.baseAddress! + (n - m), p.baseAddress!, m) == 0 && !splitsCRLF(s, at: n - m)
        } ?? General.hasSuffix(s, p)
    }

    /// `t.isEmpty || s.contains(t)` (`contains` on strings): the first byte match that splits
    /// no CR LF pair.
    static func contains(_ s: String, _ t: String) -> Bool {
        if t.isEmpty { return true }
        return bothASCII(s, t) { s, t in
            let n = s.count, m = t.count
            guard m <= n else { return false }
            let base = s.baseAddress!, first = Int32(t[0])
            var i = 0
            while i + m <= n, let hit = memchr(base + i, first, n - m + 1 - i) {
                i = UnsafePointer(hit.assumingMemoryBound(to: UInt8.self)) - base
                if memcmp(base + i, t.baseAddress!, m) == 0 && !splitsCRLF(s, at: i) && !splitsCRLF(s, at: i + m) {
                    return true
                }
                i += 1
            }
            return false
        } ?? General.contains(s, t)
    }

    /// True when offset `i` falls between the CR and LF of a `"\r\n"` (one `Character`).
    @inline(__always)
    private static func splitsCRLF(_ s: UnsafeBufferPointer<UInt8>, at i: Int) -> Bool {
        i > 0 && i < s.count && s[i &- 1] == 0x0D && s[i] == 0x0A
    }

    /// `body` on the UTF-8 bytes of `a` and `b` when both are ASCII, else nil.
    @inline(__always)
    private static func bothASCII<T>(_ a: String, _ b: String,
                                     _ body: (UnsafeBufferPointer<UInt8>, UnsafeBufferPointer<UInt8>) -> T) -> T? {
        var a = a, b = b
        return a.withUTF8 { x in
            guard isASCII(x) else { return nil }
            return b.withUTF8 { y in isASCII(y) ? body(x, y) : nil }
        }
    }

    /// The general forms (what the built-ins called before the fast paths), which the fast
    /// paths fall back to and are tested against: `Character`s compared by canonical equivalence.
    enum General {
        static func hasPrefix(_ s: String, _ p: String) -> Bool { s.hasPrefix(p) }
        static func hasSuffix(_ s: String, _ p: String) -> Bool { s.hasSuffix(p) }
        static func contains(_ s: String, _ t: String) -> Bool { t.isEmpty || s.contains(t) }
    }
}
