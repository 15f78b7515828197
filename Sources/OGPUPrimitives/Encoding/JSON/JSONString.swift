/// How every JSON writer in the project quotes a string: the core's `JSONWriter` (node requests,
/// task configs, keystores) and the language's `json(x)`. The two writers stay separate for the
/// reasons given in Sources/OGPUScript/Runtime/Format/JSONParser.swift; the bytes of a string are
/// decided here, once.
///
/// Always escaped: `"` and `\`, the C0 controls (short forms `\n \r \t \b \f` where JSON has
/// them), and the characters a terminal acts on or that reorder text — DEL, C1 controls, bidi
/// embeddings/overrides/isolates, U+2028/U+2029 — as `\uXXXX`: same meaning to any parser, inert
/// when the JSON is shown. `asciiOnly` (Python's `ensure_ascii`, the task-config form the official
/// SDK pins) escapes everything from DEL up, as UTF-16 units.
public enum JSONString {
    @inlinable
    public static func appendQuoted(_ s: String, asciiOnly: Bool, to out: inout String) {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(s.utf8.count + 2)
        appendQuoted(s, asciiOnly: asciiOnly, toBytes: &bytes)
        out += String(decoding: bytes, as: UTF8.self)
    }

    /// The same quoting as UTF-8 bytes, for writers that build bytes. Works on the string's UTF-8:
    /// runs of plain ASCII are copied whole, and a scalar is decoded only at a non-ASCII byte (a
    /// `String` is valid UTF-8, so a lead byte gives the scalar's length). Appending scalar by scalar
    /// to a `String`, as this did before, cost ~370 instructions a scalar (callgrind,
    /// bench/lang/json_roundtrip).
    @inlinable
    public static func appendQuoted(_ s: String, asciiOnly: Bool, toBytes out: inout [UInt8]) {
        out.append(0x22)
        var s = s
        s.withUTF8 { u in
            let n = u.count
            var i = 0, run = 0
            while i < n {
                let b = u[i]
                if b >= 0x20 && b < 0x7F && b != 0x22 && b != 0x5C { i &+= 1; continue }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: u[run..<i]))
                if b < 0x80 {
                    switch b {
                    case 0x22: out.append(0x5C); out.append(0x22)
                    case 0x5C: out.append(0x5C); out.append(0x5C)
                    case 0x0A: out.append(0x5C); out.append(UInt8(ascii: "n"))
                    case 0x0D: out.append(0x5C); out.append(UInt8(ascii: "r"))
                    case 0x09: out.append(0x5C); out.append(UInt8(ascii: "t"))
                    case 0x08: out.append(0x5C); out.append(UInt8(ascii: "b"))
                    case 0x0C: out.append(0x5C); out.append(UInt8(ascii: "f"))
                    default: appendEscapedUnit(UInt32(b), to: &out)  // other C0 controls and DEL
                    }
                    i &+= 1
                } else {
                    let length = b >= 0xF0 ? 4 : (b >= 0xE0 ? 3 : 2)
                    var v = UInt32(b) & (b >= 0xF0 ? 0x07 : (b >= 0xE0 ? 0x0F : 0x1F))
                    for k in 1..<length { v = v << 6 | (UInt32(u[i &+ k]) & 0x3F) }
                    if asciiOnly || isControlOrReordering(v) {
                        if v > 0xFFFF {
                            let w = v - 0x10000
                            appendEscapedUnit(0xD800 + (w >> 10), to: &out)
                            appendEscapedUnit(0xDC00 + (w & 0x3FF), to: &out)
                        } else {
                            appendEscapedUnit(v, to: &out)
                        }
                    } else {
                        out.append(contentsOf: UnsafeBufferPointer(rebasing: u[i..<(i &+ length)]))
                    }
                    i &+= length
                }
                run = i
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: u[run..<n]))
        }
        out.append(0x22)
    }

    /// DEL, C1 controls, bidi controls and the Unicode line/paragraph separators: characters a
    /// terminal acts on or that reorder what a reader sees (see TerminalText in the language).
    @inlinable @inline(__always)
    public static func isControlOrReordering(_ v: UInt32) -> Bool {
        (v >= 0x7F && v <= 0x9F) || (v >= 0x202A && v <= 0x202E) || (v >= 0x2066 && v <= 0x2069)
            || v == 0x2028 || v == 0x2029
    }

    /// `\u` and four lowercase hex digits.
    @inlinable
    static func appendEscapedUnit(_ v: UInt32, to out: inout [UInt8]) {
        out.append(0x5C)
        out.append(UInt8(ascii: "u"))
        for shift in stride(from: 12, through: 0, by: -4) {
            let d = UInt8(truncatingIfNeeded: (v >> UInt32(shift)) & 0xF)
            out.append(d < 10 ? 48 + d : 87 + d)
        }
    }
}
