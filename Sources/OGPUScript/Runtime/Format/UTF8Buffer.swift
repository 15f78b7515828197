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

    mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        if count &+ bytes.count > buffer.count {
            flush()
            if bytes.count > buffer.count { spilled! += String(decoding: bytes, as: UTF8.self); return }
        }
        guard let src = bytes.baseAddress else { return }
        (buffer.baseAddress! + count).update(from: src, count: bytes.count)
        count &+= bytes.count
    }

    mutating func append(_ s: String) {
        var s = s
        s.withUTF8 { append($0) }
    }

    /// The decimal digits of `i`, as `String(i)` writes them.
    mutating func append(_ i: Int) {
        if count &+ 21 > buffer.count { flush() }
        let base = buffer.baseAddress!
        if i < 0 { base[count] = UInt8(ascii: "-"); count &+= 1 }
        // Counted first, so the digits go straight to their places (last digit first).
        var m = i.magnitude
        var digits = 1, limit: UInt = 10
        while digits < 20 && m >= limit { digits &+= 1; limit = limit &* 10 }
        var p = base + (count &+ digits)
        repeat {
            let q = m / 10
            p -= 1
            p.pointee = UInt8(truncatingIfNeeded: m &- q &* 10) &+ UInt8(ascii: "0")
            m = q
        } while m != 0
        count &+= digits
    }

    private mutating func flush() {
        let text = Self.string(buffer.baseAddress!, count)
        if spilled == nil { spilled = text } else { spilled! += text }
        count = 0
    }

    /// The built string.
    mutating func finish() -> String {
        if spilled == nil { return Self.string(buffer.baseAddress!, count) }
        flush()
        return spilled!
    }

    /// A string of `count` UTF-8 bytes (measured cheaper than `String(decoding:as:)` on short text).
    @inline(__always)
    private static func string(_ bytes: UnsafeMutablePointer<UInt8>, _ count: Int) -> String {
        if count == 0 { return "" }
        return String(unsafeUninitializedCapacity: count) { dst in
            dst.baseAddress!.update(from: bytes, count: count)
            return count
        }
    }
}
