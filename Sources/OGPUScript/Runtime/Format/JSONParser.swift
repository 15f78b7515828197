import BigInt
import OGPUPrimitives

// Why the language has its own JSON codec (this parser and JSONWriter.swift) instead of converting
// OGPUKit's `JSONValue` (Sources/OGPUKit/RPC/JSON*.swift) to and from script values, although the
// language may use Kit:
//  • Errors are for people: `parse_json` names line and column and says what it expected
//    ("unexpected `x`, expected `,` or `}`", "leading zeros are not allowed"); Kit's parser reads node
//    responses and reports a byte offset for logs and tests that pin it.
//  • Values are built directly: objects become `OrderedMap`s (repeated key: first place, last value,
//    as Python does), numbers become int / BigInt / exact dec as they are scanned. Going through
//    `JSONValue` would build every document twice and re-scan every number from its text.
//  • `json(x)` writes kinds JSON lacks (amounts, addresses, durations, times, ranges, errors,
//    handles) and refuses functions with a script error; Kit's writer only knows `JSONValue`.
// What must agree: the bytes of the Python-style form (task configs), pinned for both by the
// SDK vectors (TaskConfigVectorTests here, TaskInputTests in Kit).

/// `parse_json(s)` (§5): strict RFC 8259. Objects → maps (in order; a repeated key keeps its
/// first place and its last value, as Python does), arrays → lists, `null` → nil, numbers
/// without fraction or exponent → int, others → exact dec. Errors are `"value"` errors naming
/// the line and column; nesting is bounded so hostile input cannot exhaust the stack.
public struct JSONParser {
    public static let maxDepth = 512

    private let bytes: [UInt8]
    private var pos = 0
    private var lastObjectCount = 0

    public static func parse(_ text: String) throws -> Value {
        var p = JSONParser(bytes: Array(text.utf8))
        p.skipSpace()
        let v = try p.value(depth: 0)
        p.skipSpace()
        if p.pos < p.bytes.count { throw p.fail("unexpected \(p.describe(p.pos)) after the JSON value") }
        return v
    }

    private init(bytes: [UInt8]) { self.bytes = bytes }

    private func fail(_ message: String, at at: Int? = nil) -> ScriptError {
        let offset = min(at ?? pos, bytes.count)
        var line = 1, column = 1
        var i = 0
        while i < offset {
            if bytes[i] == 10 { line += 1; column = 1 } else if bytes[i] & 0xC0 != 0x80 { column += 1 }
            i += 1
        }
        return ScriptError(.value, "invalid JSON at line \(line), column \(column): \(message)")
    }

    private func describe(_ i: Int) -> String {
        guard i < bytes.count else { return "end of input" }
        let b = bytes[i]
        if b >= 0x21 && b < 0x7F { return "`\(Character(UnicodeScalar(b)))`" }
        return "byte 0x" + Hex.encode([b], prefix: false).uppercased()
    }

    private mutating func skipSpace() {
        while pos < bytes.count {
            switch bytes[pos] {
            case 0x20, 0x09, 0x0A, 0x0D: pos += 1
            default: return
            }
        }
    }

    private mutating func value(depth: Int) throws -> Value {
        guard pos < bytes.count else { throw fail("unexpected end of input, expected a value") }
        switch bytes[pos] {
        case UInt8(ascii: "{"): return try object(depth: depth + 1)
        case UInt8(ascii: "["): return try array(depth: depth + 1)
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
        default: throw fail("unexpected \(describe(pos)), expected a value")
        }
    }

    /// `true`, `false` or `null` at `pos` (its first byte already matched), compared in place.
    private mutating func literal(_ word: StaticString) throws {
        let n = word.utf8CodeUnitCount
        guard pos + n <= bytes.count else { throw fail("unexpected \(describe(pos)), expected a value") }
        let w = word.utf8Start
        for k in 1..<n where bytes[pos + k] != w[k] {
            throw fail("unexpected \(describe(pos)), expected a value")
        }
        pos += n
    }

    private mutating func object(depth: Int) throws -> Value {
        if depth > JSONParser.maxDepth { throw fail("nested deeper than \(JSONParser.maxDepth) levels") }
        pos += 1
        var m = OrderedMap()
        // Arrays of records are the common document: sized as the last object was, no regrowing.
        m.reserveCapacity(lastObjectCount)
        skipSpace()
        if pos < bytes.count && bytes[pos] == UInt8(ascii: "}") { pos += 1; return .map(m) }
        while true {
            skipSpace()
            guard pos < bytes.count, bytes[pos] == UInt8(ascii: "\"") else {
                throw fail("unexpected \(describe(pos)), expected a string key")
            }
            let key = try string()
            skipSpace()
            guard pos < bytes.count, bytes[pos] == UInt8(ascii: ":") else {
                throw fail("unexpected \(describe(pos)), expected `:`")
            }
            pos += 1
            skipSpace()
            m[key] = try value(depth: depth)
            skipSpace()
            guard pos < bytes.count else { throw fail("unexpected end of input, expected `,` or `}`") }
            if bytes[pos] == UInt8(ascii: ",") { pos += 1; continue }
            if bytes[pos] == UInt8(ascii: "}") {
                pos += 1
                lastObjectCount = min(m.count, 16)
                return .map(m)
            }
            throw fail("unexpected \(describe(pos)), expected `,` or `}`")
        }
    }

    private mutating func array(depth: Int) throws -> Value {
        if depth > JSONParser.maxDepth { throw fail("nested deeper than \(JSONParser.maxDepth) levels") }
        pos += 1
        var xs: [Value] = []
        skipSpace()
        if pos < bytes.count && bytes[pos] == UInt8(ascii: "]") { pos += 1; return .list(xs) }
        while true {
            skipSpace()
            xs.append(try value(depth: depth))
            skipSpace()
            guard pos < bytes.count else { throw fail("unexpected end of input, expected `,` or `]`") }
            if bytes[pos] == UInt8(ascii: ",") { pos += 1; continue }
            if bytes[pos] == UInt8(ascii: "]") { pos += 1; return .list(xs) }
            throw fail("unexpected \(describe(pos)), expected `,` or `]`")
        }
    }

    private mutating func hex4() throws -> UInt32 {
        guard pos + 4 <= bytes.count else { throw fail("incomplete \\u escape") }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let c = bytes[pos]
            let d: UInt8
            switch c {
            case 48...57: d = c - 48
            case 65...70: d = c - 55
            case 97...102: d = c - 87
            default: throw fail("invalid hex digit \(describe(pos)) in \\u escape")
            }
            v = v * 16 + UInt32(d)
            pos += 1
        }
        return v
    }

    /// The bytes come from a Swift `String`, so they are valid UTF-8, and a run between two ASCII
    /// bytes (quotes, backslashes) is too: a run is made a `String` without validating it again.
    /// Escape-free strings (nearly all) are made straight from the input's bytes; the generic
    /// `String(validating:as:)` this replaced cost ~330 instructions a string in metadata lookups alone
    /// (callgrind, bench/lang/json_roundtrip).
    private mutating func string() throws -> String {
        let start = pos
        pos += 1
        var run = pos
        while run < bytes.count {
            let c = bytes[run]
            if c == UInt8(ascii: "\"") {
                let s = bytes.withUnsafeBufferPointer { String(decoding: UnsafeBufferPointer(rebasing: $0[pos..<run]), as: UTF8.self) }
                pos = run + 1
                return s
            }
            if c == UInt8(ascii: "\\") || c < 0x20 { break }
            run += 1
        }
        var buffer: [UInt8] = Array(bytes[pos..<run])
        pos = run
        while true {
            guard pos < bytes.count else { throw fail("unterminated string", at: start) }
            let c = bytes[pos]
            switch c {
            case UInt8(ascii: "\""):
                pos += 1
                return String(decoding: buffer, as: UTF8.self)
            case UInt8(ascii: "\\"):
                pos += 1
                guard pos < bytes.count else { throw fail("unterminated string", at: start) }
                let e = bytes[pos]
                pos += 1
                switch e {
                case UInt8(ascii: "\""): buffer.append(0x22)
                case UInt8(ascii: "\\"): buffer.append(0x5C)
                case UInt8(ascii: "/"): buffer.append(0x2F)
                case UInt8(ascii: "b"): buffer.append(0x08)
                case UInt8(ascii: "f"): buffer.append(0x0C)
                case UInt8(ascii: "n"): buffer.append(0x0A)
                case UInt8(ascii: "r"): buffer.append(0x0D)
                case UInt8(ascii: "t"): buffer.append(0x09)
                case UInt8(ascii: "u"):
                    let escapeAt = pos - 2
                    var code = try hex4()
                    if (0xD800...0xDBFF).contains(code) {
                        guard pos + 6 <= bytes.count, bytes[pos] == UInt8(ascii: "\\"), bytes[pos + 1] == UInt8(ascii: "u") else {
                            throw fail("lone surrogate in \\u escape", at: escapeAt)
                        }
                        pos += 2
                        let low = try hex4()
                        guard (0xDC00...0xDFFF).contains(low) else { throw fail("lone surrogate in \\u escape", at: escapeAt) }
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    } else if (0xDC00...0xDFFF).contains(code) {
                        throw fail("lone surrogate in \\u escape", at: escapeAt)
                    }
                    buffer.append(contentsOf: String(UnicodeScalar(code)!).utf8)
                default:
                    throw fail("invalid escape `\\\(Character(UnicodeScalar(e)))`", at: pos - 2)
                }
            default:
                if c < 0x20 { throw fail("control character in string (escape it)") }
                buffer.append(c)
                pos += 1
            }
        }
    }

    private mutating func number() throws -> Value {
        let start = pos
        if bytes[pos] == UInt8(ascii: "-") { pos += 1 }
        func digits() -> Int {
            let s = pos
            while pos < bytes.count && bytes[pos] >= 48 && bytes[pos] <= 57 { pos += 1 }
            return pos - s
        }
        guard pos < bytes.count, bytes[pos] >= 48 && bytes[pos] <= 57 else {
            throw fail("expected a digit after `-`")
        }
        if bytes[pos] == 48 {
            pos += 1
            if pos < bytes.count && bytes[pos] >= 48 && bytes[pos] <= 57 { throw fail("leading zeros are not allowed", at: start) }
        } else {
            _ = digits()
        }
        var integral = true
        if pos < bytes.count && bytes[pos] == UInt8(ascii: ".") {
            pos += 1
            integral = false
            if digits() == 0 { throw fail("expected a digit after `.`") }
        }
        if pos < bytes.count && (bytes[pos] == UInt8(ascii: "e") || bytes[pos] == UInt8(ascii: "E")) {
            pos += 1
            integral = false
            if pos < bytes.count && (bytes[pos] == UInt8(ascii: "+") || bytes[pos] == UInt8(ascii: "-")) { pos += 1 }
            if digits() == 0 { throw fail("expected a digit in the exponent") }
        }
        if integral, let i = smallInt(start, pos) { return .int(i) }
        let text = String(decoding: bytes[start..<pos], as: UTF8.self)
        if integral {
            if let i = Int(text) { return .int(i) }
            if text.count > 100_000 { throw fail("number too long", at: start) }
            return Value.integer(BigInt(text)!)
        }
        do {
            return .dec(try Dec(validating: text))
        } catch {
            throw fail("number `\(text.prefix(40))` is out of range", at: start)
        }
    }

    /// The int spelled by the checked digits `bytes[from..<to]` (an optional `-` first), or nil past
    /// 18 digits (the caller's general path then decides), without making a `String` of them.
    private func smallInt(_ from: Int, _ to: Int) -> Int? {
        let negative = bytes[from] == UInt8(ascii: "-")
        let first = negative ? from + 1 : from
        guard to - first <= 18 else { return nil }
        var v = 0
        for k in first..<to { v = v &* 10 &+ Int(bytes[k] &- 48) }
        return negative ? -v : v
    }
}
