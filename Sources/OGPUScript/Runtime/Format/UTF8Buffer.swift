/// Builds a string from UTF-8 pieces in a caller's (stack) buffer, so that `"k{i}"` costs no
/// intermediate `String`s: text, ints and strings are copied as bytes and the result is made
/// once (a short result is a small string: no allocation at all). When the buffer fills, its
/// bytes move to a heap `String` and building goes on. Pieces are whole UTF-8 strings, so the
/// buffer never ends inside a character.
struct UTF8Buffer {
    private let buffer: UnsafeMutableBufferPointer<UInt8>
    private var count = 0
    /// Text before the buffer's bytes, once the buffer has overflowed.
    private var spilled: String? = nil

    /// `buffer` must hold at least 21 bytes (the longest int, and room to write it backwards).
    init(_ buffer: UnsafeMutableBufferPointer<UInt8>) {
        precondition(buffer.count >= 21)
        self.buffer = buffer
    }

    @inline(__always)
    mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        if count &+ bytes.count > buffer.count {
            flush()
            if bytes.count > buffer.count { spilled! += String(decoding: bytes, as: UTF8.self); return }
        }
        guard let src = bytes.baseAddress else { return }
        Self.copy(src, to: buffer.baseAddress! + count, count: bytes.count)
        count &+= bytes.count
    }

    /// memcpy, with pieces of up to 16 bytes (the text between an interpolation's values, most
    /// ints, short strings) copied inline as two overlapping words: a libc memcpy call cost ~36
    /// instructions for such a piece (callgrind, bench/lang interp).
    @inline(__always)
    static func copy(_ src: UnsafePointer<UInt8>, to dst: UnsafeMutablePointer<UInt8>, count n: Int) {
        let from = UnsafeRawPointer(src), to = UnsafeMutableRawPointer(dst)
        if n >= 8 && n <= 16 {
            let head = from.loadUnaligned(as: UInt64.self), tail = from.loadUnaligned(fromByteOffset: n &- 8, as: UInt64.self)
            to.storeBytes(of: head, as: UInt64.self)
            to.storeBytes(of: tail, toByteOffset: n &- 8, as: UInt64.self)
        } else if n >= 4 && n < 8 {
            let head = from.loadUnaligned(as: UInt32.self), tail = from.loadUnaligned(fromByteOffset: n &- 4, as: UInt32.self)
            to.storeBytes(of: head, as: UInt32.self)
            to.storeBytes(of: tail, toByteOffset: n &- 4, as: UInt32.self)
        } else if n < 4 {
            var i = 0
            while i < n { dst[i] = src[i]; i &+= 1 }
        } else {
            dst.update(from: src, count: n)
        }
    }

    @inline(__always)
    mutating func append(_ s: String) {
        s.withUTF8Bytes { append($0) }
    }

    /// The decimal digits of `i`, as `String(i)` writes them: two digits per division, from a
    /// table (one per digit cost ~120 instructions for a 6-digit int, callgrind).
    mutating func append(_ i: Int) {
        if count &+ 21 > buffer.count { flush() }
        let base = buffer.baseAddress!
        if i < 0 { base[count] = UInt8(ascii: "-"); count &+= 1 }
        var m = i.magnitude
        // Counted first, so the digits go straight to their places (last pair first).
        let digits = Self.decimalDigitCount(m)
        let pairs = Self.digitPairs.utf8Start
        var p = base + (count &+ digits)
        while m >= 100 {
            let q = m / 100
            let r = Int(truncatingIfNeeded: m &- q &* 100) &* 2
            p -= 2
            p[0] = pairs[r]
            p[1] = pairs[r &+ 1]
            m = q
        }
        if m >= 10 {
            let r = Int(truncatingIfNeeded: m) &* 2
            p[-2] = pairs[r]
            p[-1] = pairs[r &+ 1]
        } else {
            p[-1] = UInt8(truncatingIfNeeded: m) &+ UInt8(ascii: "0")
        }
        count &+= digits
    }

    /// The number of decimal digits of `m`: up to four by comparisons alone (most ints a script
    /// prints are short; dividing by 100 per pair cost ~10 instructions an int more, callgrind,
    /// bench/lang interp).
    @inline(__always)
    static func decimalDigitCount(_ m: UInt) -> Int {
        if m < 10_000 { return m < 100 ? (m < 10 ? 1 : 2) : (m < 1_000 ? 3 : 4) }
        var digits = 5, t = m / 100_000
        while t > 0 { t /= 10; digits &+= 1 }
        return digits
    }

    /// "00", "01", … "99" back to back: constant data (a computed literal: no lazy global).
    @inline(__always)
    private static var digitPairs: StaticString { """
        00010203040506070809101112131415161718192021222324252627282930313233343536373839\
        40414243444546474849505152535455565758596061626364656667686970717273747576777879\
        8081828384858687888990919293949596979899
        """ }

    private mutating func flush() {
        let text = Self.string(buffer.baseAddress!, count)
        if spilled == nil { spilled = text } else { spilled! += text }
        count = 0
    }

    /// The built string.
    @inline(__always)
    mutating func finish() -> String {
        if spilled == nil { return Self.string(buffer.baseAddress!, count) }
        flush()
        return spilled!
    }

    /// A string of `count` UTF-8 bytes.
    @inline(__always)
    private static func string(_ bytes: UnsafeMutablePointer<UInt8>, _ count: Int) -> String {
        string(UnsafeBufferPointer(start: bytes, count: count))
    }

    /// A string of valid UTF-8 `bytes`, made the cheaper way for its size (callgrind, per string):
    /// up to 15 ASCII bytes straight in the inline form (`InlineString`); other text of up to
    /// 15 bytes (a small string, stored inline) `String(unsafeUninitializedCapacity:)`,
    /// ~140 instructions against ~175 for `String(decoding:as:)`; longer ones (heap storage)
    /// `String(decoding:as:)`, ~490 against ~580.
    @inline(__always)
    static func string(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        let count = bytes.count
        if count == 0 { return "" }
        if count > 15 { return String(decoding: bytes, as: UTF8.self) }
        if let s = InlineString.ascii(bytes) { return s }
        return String(unsafeUninitializedCapacity: count) { dst in
            copy(bytes.baseAddress!, to: dst.baseAddress!, count: count)
            return count
        }
    }
}
