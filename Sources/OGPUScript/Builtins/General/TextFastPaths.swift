#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
import OGPUPrimitives

/// Byte-level forms of string built-ins for the common case, ASCII text, each giving exactly the
/// result of the general Swift operation it stands in for (which other text falls back to).
///
/// Why they agree: ASCII text is in every normal form, so canonical equivalence (`String.==`,
/// `hasPrefix`, `contains`) is byte equality, and every ASCII byte is one `Character` except
/// that `"\r\n"` is one: a byte match is a `Character` match unless it splits a CR LF pair.
/// `TextFastPathTests` checks each against the general form on ASCII and non-ASCII text.
///
/// Why they exist (callgrind): `contains` compared `Character`s, ~15,000 instructions to find a
/// 5-byte word in a 33-byte line (now ~400), and `trim` rebuilt the string scalar by scalar even
/// when nothing was trimmed. Swift's own `hasPrefix`/`hasSuffix` measured as cheap as byte
/// forms here (reaching a `String`'s bytes costs ~70 instructions), so `starts_with` and
/// `ends_with` keep them.
enum TextFastPaths {
    private static let high: UInt64 = 0x8080_8080_8080_8080

    /// True when every byte is below 0x80, checked eight bytes at a time.
    @inline(__always)
    static func isASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress else { return true }
        let raw = UnsafeRawPointer(base), n = bytes.count
        var or: UInt64 = 0, i = 0
        while i &+ 8 <= n { or |= raw.loadUnaligned(fromByteOffset: i, as: UInt64.self); i &+= 8 }
        // The tail as the last eight bytes again (an OR: bytes seen twice change nothing).
        if i < n && n >= 8 { return (or | raw.loadUnaligned(fromByteOffset: n &- 8, as: UInt64.self)) & high == 0 }
        while i < n { or |= UInt64(base[i]); i &+= 1 }
        return or & high == 0
    }

    /// `s.trimmingWhitespaceAndNewlines()` (`trim`). ASCII bytes at either end decide alone; the
    /// first non-ASCII byte met from either end hands the whole string to the general form
    /// (which knows the non-ASCII spaces). Nothing to trim: `s` itself, no copy.
    static func trimmed(_ s: String) -> String {
        let kept: Range<Int>? = s.withUTF8Bytes { bytes in
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
        return s.withUTF8Bytes { UTF8Buffer.string(UnsafeBufferPointer(rebasing: $0[kept])) }
    }

    /// The ASCII bytes `isFoundationWhitespaceOrNewline` accepts: tab, LF, VT, FF, CR, space.
    @inline(__always)
    private static func isASCIISpace(_ b: UInt8) -> Bool { b == 0x20 || (b >= 0x09 && b <= 0x0D) }

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

    /// `s.uppercased()` (`upper`) and `s.lowercased()` (`lower`). On ASCII text Swift maps
    /// exactly the letters a–z / A–Z, which is done here eight bytes at a time into the result's
    /// storage: Swift's own ASCII loop cost ~260 instructions for a 22-byte string beside the
    /// allocation (callgrind, bench/lang interp: `upper` ~600 → see the commit). Other text takes
    /// Swift's full case mapping ("ß" → "SS").
    static func uppercased(_ s: String) -> String { asciiCaseMapped(s, toUpper: true) ?? s.uppercased() }
    static func lowercased(_ s: String) -> String { asciiCaseMapped(s, toUpper: false) ?? s.lowercased() }

    @inline(__always)
    private static func asciiCaseMapped(_ s: String, toUpper: Bool) -> String? {
        s.withUTF8Bytes { src -> String? in
            let n = src.count
            guard n > 0 else { return "" }
            guard isASCII(src) else { return nil }
            // Mapped on the stack and then made as any built string is (`UTF8Buffer.string`):
            // writing into `String(unsafeUninitializedCapacity:)`'s storage cost ~50
            // instructions more for a string too long to be small (callgrind, bench/lang interp).
            if n <= 1024 {
                return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: n) { dst in
                    mapASCIICase(src.baseAddress!, dst.baseAddress!, n, toUpper: toUpper)
                    return UTF8Buffer.string(UnsafeBufferPointer(dst))
                }
            }
            return String(unsafeUninitializedCapacity: n) { dst in
                mapASCIICase(src.baseAddress!, dst.baseAddress!, n, toUpper: toUpper)
                return n
            }
        }
    }

    /// Flips bit 0x20 of each ASCII letter of the wanted case in `n` bytes (all < 0x80). Per
    /// byte b, `b + (0x80 - lo)` reaches 0x80 exactly when b ≥ lo and no sum carries into the
    /// next byte (b + 0x3F < 0x100), so `(b ≥ lo) & !(b > hi)` is one add, and-not per word.
    @inline(__always)
    static func mapASCIICase(_ src: UnsafePointer<UInt8>, _ dst: UnsafeMutablePointer<UInt8>, _ n: Int, toUpper: Bool) {
        let lo: UInt8 = toUpper ? 0x61 : 0x41, hi: UInt8 = toUpper ? 0x7A : 0x5A
        let ones: UInt64 = 0x0101_0101_0101_0101
        let addLo = ones &* UInt64(0x80 &- lo), addAboveHi = ones &* UInt64(0x80 &- (hi &+ 1))
        let from = UnsafeRawPointer(src), to = UnsafeMutableRawPointer(dst)
        var i = 0
        while i &+ 8 <= n {
            let w = from.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            let letters = (w &+ addLo) & ~(w &+ addAboveHi) & high
            to.storeBytes(of: w ^ (letters >> 2), toByteOffset: i, as: UInt64.self)
            i &+= 8
        }
        if i < n && n >= 8 {
            // The last word again, overlapping: it reads `src`, so bytes done twice agree.
            let w = from.loadUnaligned(fromByteOffset: n &- 8, as: UInt64.self)
            let letters = (w &+ addLo) & ~(w &+ addAboveHi) & high
            to.storeBytes(of: w ^ (letters >> 2), toByteOffset: n &- 8, as: UInt64.self)
            return
        }
        while i < n {
            let b = src[i]
            dst[i] = b >= lo && b <= hi ? b ^ 0x20 : b
            i &+= 1
        }
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
        a.withUTF8Bytes { x in
            guard isASCII(x) else { return nil }
            return b.withUTF8Bytes { y in isASCII(y) ? body(x, y) : nil }
        }
    }

    /// The general forms (what the built-ins called before the fast paths), which the fast
    /// paths fall back to and are tested against: `Character`s compared by canonical equivalence.
    enum General {
        static func contains(_ s: String, _ t: String) -> Bool { t.isEmpty || s.contains(t) }
    }
}
