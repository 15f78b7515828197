import BigInt
import OGPUPrimitives

// The language's own writer rather than OGPUKit's `JSONWriter`: see JSONParser.swift for why the
// language keeps its own JSON codec.

/// `json(x)` (§5): compact JSON, keys in insertion order, numbers exactly as `print` writes them;
/// amounts are decimal-wei strings, addresses checksummed strings, durations their seconds,
/// times ISO strings, a range its list of ints, an error `{kind, message, data}`, a handle its
/// address. Functions have no JSON form (`"type"` error).
public struct JSONWriter {
    public static func encode(_ v: Value) throws -> String {
        var w = JSONWriter(python: false)
        try w.write(v)
        return w.text
    }

    /// The bytes Python's `json.dumps(x)` would write with its defaults (`", "` and `": "`
    /// separators, non-ASCII as `\uXXXX`): the task-config form the official SDK uploads.
    public static func encodePythonStyle(_ v: Value) throws -> String {
        var w = JSONWriter(python: true)
        try w.write(v)
        return w.text
    }

    let python: Bool
    /// The text as UTF-8 bytes: appending bytes costs a few instructions, appending to a `String`
    /// ~100 (callgrind, bench/lang/json_roundtrip: `json()` of 2.4 MB went from 779 M to 243 M
    /// instructions with the byte-wise quoting in `JSONString`).
    var out: [UInt8] = []
    init(python: Bool) { self.python = python }
    var comma: StaticString { python ? ", " : "," }
    var colon: StaticString { python ? ": " : ":" }
    var text: String { String(decoding: out, as: UTF8.self) }

    /// A list or map being written and the position of its next element, or the text that ends
    /// an error object once its `data` is written.
    private enum Open {
        case list([Value], Int)
        case map(OrderedMap, Int)
        case close(String)
    }

    /// Containers are walked with an explicit stack rather than by recursion, so any depth
    /// encodes on any thread (a list nested a million deep is two million bytes of JSON).
    mutating func write(_ v: Value) throws {
        var open: [Open] = []
        var next: Value? = v
        while true {
            // A list holding itself twice at each of 60 levels is small in memory, not in JSON.
            if out.count > Operators.maxStringBytes {
                throw ScriptError(.value, "json(): text too long (over \(Operators.maxStringBytes) bytes)")
            }
            if let x = next {
                next = nil
                switch x {
                case .list(let xs): out += "["; open.append(.list(xs, 0))
                case .map(let m): out += "{"; open.append(.map(m, 0))
                case .error(let e):
                    out += "{"
                    writeString("kind"); out += colon
                    writeString(e.kind); out += comma
                    writeString("message"); out += colon
                    writeString(e.message); out += comma
                    writeString("data"); out += colon
                    open.append(.close("}"))
                    next = e.data ?? .null
                    continue
                case .handle(let h):
                    next = try h.property("address")
                    continue
                default:
                    try writeScalar(x)
                }
            }
            guard let top = open.popLast() else { return }
            switch top {
            case .list(let xs, let i):
                if i == xs.count { out += "]"; continue }
                if i > 0 { out += comma }
                open.append(.list(xs, i + 1))
                next = xs[i]
            case .map(let m, let i):
                if i == m.count { out += "}"; continue }
                if i > 0 { out += comma }
                writeString(m.keys[i])
                out += colon
                open.append(.map(m, i + 1))
                next = m.values[i]
            case .close(let text):
                out += text
            }
        }
    }

    /// Every value but a list, map, error or handle.
    private mutating func writeScalar(_ v: Value) throws {
        switch v {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .int(let i): appendInt(i)
        case .bigInt(let b): out += b.decimalString
        case .dec(let d): out += d.description
        case .string(let s): writeString(s)
        case .address(let a): writeString(a.description)
        case .duration(let d): out += d.description
        case .time(let t): writeString(TimeFormat.iso(t))
        case .amount(let w): writeString(String(w.big))
        case .range(let l, let u, let inclusive):
            let n = rangeCount(l, u, inclusive)
            guard n <= min(10_000_000, Operators.maxListCount) else { throw ScriptError(.value, "json(): range too long") }
            out += "["
            for k in 0..<n {
                if k > 0 { out += comma }
                appendInt(l + k)
            }
            out += "]"
        case .closure, .builtin:
            throw ScriptError(.type, "json() cannot encode a function")
        case .list, .map, .error, .handle:
            try write(v)
        }
    }

    mutating func writeString(_ s: String) {
        JSONString.appendQuoted(s, asciiOnly: python, toBytes: &out)
    }

    /// The decimal digits of `i`, as `String(i)` writes them, without making the `String`.
    private mutating func appendInt(_ i: Int) {
        if i >= 0 && i < 10 { out.append(UInt8(truncatingIfNeeded: i) &+ 48); return }
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes: room for 20 digits and a sign
        withUnsafeMutableBytes(of: &digits) { buf in
            var p = buf.count
            var m = i.magnitude
            repeat {
                p -= 1
                buf[p] = UInt8(truncatingIfNeeded: m % 10) &+ 48
                m /= 10
            } while m != 0
            if i < 0 { p -= 1; buf[p] = UInt8(ascii: "-") }
            out.append(contentsOf: UnsafeRawBufferPointer(rebasing: buf[p...]))
        }
    }
}

@inline(__always)
private func += (out: inout [UInt8], s: StaticString) {
    out.append(contentsOf: UnsafeBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount))
}

@inline(__always)
private func += (out: inout [UInt8], s: String) {
    s.withUTF8Bytes { out.append(contentsOf: $0) }
}
