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
        out.unicodeScalars.append("\"")
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            default:
                if u.value < 0x20 || (asciiOnly && u.value >= 0x7F) || isControlOrReordering(u.value) {
                    if u.value > 0xFFFF {
                        let v = u.value - 0x10000
                        appendEscapedUnit(0xD800 + (v >> 10), to: &out)
                        appendEscapedUnit(0xDC00 + (v & 0x3FF), to: &out)
                    } else {
                        appendEscapedUnit(u.value, to: &out)
                    }
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        out.unicodeScalars.append("\"")
    }

    /// DEL, C1 controls, bidi controls and the Unicode line/paragraph separators: characters a
    /// terminal acts on or that reorder what a reader sees (see TerminalText in the language).
    @inlinable @inline(__always)
    public static func isControlOrReordering(_ v: UInt32) -> Bool {
        (v >= 0x7F && v <= 0x9F) || (v >= 0x202A && v <= 0x202E) || (v >= 0x2066 && v <= 0x2069)
            || v == 0x2028 || v == 0x2029
    }

    @inlinable
    static func appendEscapedUnit(_ v: UInt32, to out: inout String) {
        let hex = String(v, radix: 16)
        out += "\\u"
        for _ in hex.count..<4 { out.unicodeScalars.append("0") }
        out += hex
    }
}
