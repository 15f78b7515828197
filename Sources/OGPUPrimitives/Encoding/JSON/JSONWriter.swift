/// Serialises `JSONValue` in two byte forms: compact (what we send to nodes) and the form Python's
/// `json.dumps(obj)` produces with its defaults (`", "`/`": "` separators, `ensure_ascii=True`),
/// which is what the official SDK pins as a task config.
///
/// Scripts' `json(x)` has its own writer for the language's values (amounts, durations, …); see
/// Sources/OGPUScript/Runtime/Format/JSONParser.swift for why two exist. Both quote strings with
/// `JSONString`, so a string's bytes are the same whichever writes it.
public enum JSONWriter {
    public enum Style: Sendable {
        /// `{"a":1,"b":[2,3]}`, non-ASCII written as UTF-8.
        case compact
        /// `{"a": 1, "b": [2, 3]}`, non-ASCII escaped as `\uXXXX` (UTF-16 surrogate pairs).
        case python
    }

    public static func string(_ value: JSONValue, style: Style = .compact) -> String {
        var out = [UInt8]()
        write(value, style, &out)
        return String(decoding: out, as: UTF8.self)
    }

    public static func bytes(_ value: JSONValue, style: Style = .compact) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(128)
        write(value, style, &out)
        return out
    }

    private static func write(_ v: JSONValue, _ style: Style, _ out: inout [UInt8]) {
        let comma: [UInt8] = style == .python ? [0x2c, 0x20] : [0x2c]
        let colon: [UInt8] = style == .python ? [0x3a, 0x20] : [0x3a]
        switch v {
        case .null: out.append(contentsOf: Array("null".utf8))
        case .bool(let b): out.append(contentsOf: Array((b ? "true" : "false").utf8))
        case .number(let n): out.append(contentsOf: Array(n.utf8))
        case .string(let s): writeString(s, asciiOnly: style == .python, &out)
        case .array(let items):
            out.append(0x5b)
            for (i, item) in items.enumerated() {
                if i > 0 { out.append(contentsOf: comma) }
                write(item, style, &out)
            }
            out.append(0x5d)
        case .object(let pairs):
            out.append(0x7b)
            for (i, (k, item)) in pairs.enumerated() {
                if i > 0 { out.append(contentsOf: comma) }
                writeString(k, asciiOnly: style == .python, &out)
                out.append(contentsOf: colon)
                write(item, style, &out)
            }
            out.append(0x7d)
        }
    }

    private static func writeString(_ s: String, asciiOnly: Bool, _ out: inout [UInt8]) {
        var quoted = ""
        JSONString.appendQuoted(s, asciiOnly: asciiOnly, to: &quoted)
        out.append(contentsOf: quoted.utf8)
    }
}
