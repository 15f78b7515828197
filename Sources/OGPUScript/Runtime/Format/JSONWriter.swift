import BigInt

// The language's own writer rather than OGPUKit's `JSONWriter`: see JSONParser.swift for why the
// language keeps its own JSON codec.

/// `json(x)` (§5): compact JSON, keys in insertion order, numbers exactly as `print` writes them;
/// amounts are decimal-wei strings, addresses checksummed strings, durations their seconds,
/// times ISO strings, a range its list of ints, an error `{kind, message, data}`, a handle its
/// address. Functions have no JSON form (`"type"` error).
public struct JSONWriter {
    /// Deeper than this is refused rather than risking the stack.
    public static let maxDepth = 10_000

    public static func encode(_ v: Value) throws -> String {
        var w = JSONWriter(python: false)
        try w.write(v, depth: 0)
        return w.out
    }

    /// The bytes Python's `json.dumps(x)` would write with its defaults (`", "` and `": "`
    /// separators, non-ASCII as `\uXXXX`): the task-config form the official SDK uploads.
    public static func encodePythonStyle(_ v: Value) throws -> String {
        var w = JSONWriter(python: true)
        try w.write(v, depth: 0)
        return w.out
    }

    let python: Bool
    var out = ""
    init(python: Bool) { self.python = python }
    var comma: String { python ? ", " : "," }
    var colon: String { python ? ": " : ":" }

    mutating func write(_ v: Value, depth: Int) throws {
        if depth > JSONWriter.maxDepth { throw ScriptError(.value, "json(): value nested too deeply") }
        // A list holding itself twice at each of 60 levels is small in memory, not in JSON.
        if out.utf8.count > Operators.maxStringBytes {
            throw ScriptError(.value, "json(): text too long (over \(Operators.maxStringBytes) bytes)")
        }
        switch v {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .int(let i): out += String(i)
        case .bigInt(let b): out += b.description
        case .dec(let d): out += d.description
        case .string(let s): writeString(s)
        case .address(let a): writeString(a.description)
        case .duration(let d): out += d.description
        case .time(let t): writeString(TimeFormat.iso(t))
        case .amount(let w): writeString(String(w))
        case .list(let xs):
            out += "["
            for (i, x) in xs.enumerated() {
                if i > 0 { out += comma }
                try write(x, depth: depth + 1)
            }
            out += "]"
        case .map(let m):
            out += "{"
            var first = true
            for (k, x) in m.pairs {
                if !first { out += comma }
                first = false
                writeString(k)
                out += colon
                try write(x, depth: depth + 1)
            }
            out += "}"
        case .range(let l, let u, let inclusive):
            let n = rangeCount(l, u, inclusive)
            guard n <= min(10_000_000, Operators.maxListCount) else { throw ScriptError(.value, "json(): range too long") }
            out += "["
            out += (0..<n).map { String(l + $0) }.joined(separator: comma)
            out += "]"
        case .error(let e):
            out += "{"
            writeString("kind"); out += colon
            writeString(e.kind); out += comma
            writeString("message"); out += colon
            writeString(e.message); out += comma
            writeString("data"); out += colon
            try write(e.data ?? .null, depth: depth + 1)
            out += "}"
        case .handle(let h):
            try write(try h.property("address"), depth: depth + 1)
        case .closure, .builtin:
            throw ScriptError(.type, "json() cannot encode a function")
        }
    }

    mutating func writeString(_ s: String) {
        out += "\""
        // The leading run that needs no escape (usually all of it) is copied whole; it ends on an
        // ASCII byte or, in Python style, at the first non-ASCII one: always a scalar boundary.
        let python = self.python
        let plain = s.utf8.withContiguousStorageIfAvailable { bytes in
            bytes.firstIndex { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C || (python && $0 >= 0x7F) } ?? bytes.count
        } ?? 0
        if plain == s.utf8.count {
            out += s
            out += "\""
            return
        }
        let cut = s.utf8.index(s.utf8.startIndex, offsetBy: plain)
        out += s[..<cut]
        for u in s[cut...].unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            default:
                // Python's ensure_ascii escapes everything outside space…`~`, DEL (0x7F) included.
                if u.value < 0x20 || (python && u.value >= 0x7F) {
                    if u.value > 0xFFFF {
                        let v = u.value - 0x10000
                        out += JSONWriter.hex4(0xD800 + (v >> 10)) + JSONWriter.hex4(0xDC00 + (v & 0x3FF))
                    } else {
                        out += JSONWriter.hex4(u.value)
                    }
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        out += "\""
    }
}

extension JSONWriter {
    static func hex4(_ v: UInt32) -> String {
        let hex = String(v, radix: 16)
        return "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
    }
}
