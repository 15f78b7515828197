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

    /// `buffer` must hold at least 20 bytes (the longest int).
    init(_ buffer: UnsafeMutableBufferPointer<UInt8>) {
        precondition(buffer.count >= 20)
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
        if count &+ 20 > buffer.count { flush() }
        var m = i.magnitude
        if i < 0 { buffer[count] = UInt8(ascii: "-"); count &+= 1 }
        var digits = 1
        var t = m
        while t >= 10 { t /= 10; digits &+= 1 }
        var p = count &+ digits &- 1
        repeat {
            buffer[p] = UInt8(truncatingIfNeeded: m % 10) &+ UInt8(ascii: "0")
            m /= 10
            p &-= 1
        } while m != 0
        count &+= digits
    }

    private mutating func flush() {
        let text = String(decoding: UnsafeBufferPointer(rebasing: buffer[0..<count]), as: UTF8.self)
        if spilled == nil { spilled = text } else { spilled! += text }
        count = 0
    }

    /// The built string.
    mutating func finish() -> String {
        if spilled == nil { return String(decoding: UnsafeBufferPointer(rebasing: buffer[0..<count]), as: UTF8.self) }
        flush()
        return spilled!
    }
}
