/// Strict RFC 8259 parser producing `JSONValue`. Node responses are untrusted input: errors carry the
/// byte offset, nesting depth is bounded, and nothing here can crash on malformed or truncated text.
///
/// Scripts' `parse_json` does not use this: it builds the language's values directly and reports
/// line and column to people (see Sources/OGPUScript/Runtime/Format/JSONParser.swift for why two exist).
public enum JSONParser {
    public struct ParseError: Error, Equatable, CustomStringConvertible {
        public let message: String
        public let offset: Int
        public var description: String { "invalid JSON at byte \(offset): \(message)" }
    }

    public static let maxDepth = 512

    public static func parse(_ text: String) throws -> JSONValue { try parse(Array(text.utf8)) }

    public static func parse<C: Collection>(_ bytes: C) throws -> JSONValue where C.Element == UInt8 {
        var p = Parser(bytes: Array(bytes))
        p.skipWhitespace()
        let v = try p.value(depth: 0)
        p.skipWhitespace()
        guard p.i == p.b.count else { throw p.fail("unexpected trailing characters") }
        return v
    }

    private struct Parser {
        let b: [UInt8]
        var i = 0
        init(bytes: [UInt8]) { b = bytes }

        func fail(_ m: String) -> ParseError { ParseError(message: m, offset: i) }

        mutating func skipWhitespace() {
            while i < b.count, b[i] == 0x20 || b[i] == 0x0a || b[i] == 0x0d || b[i] == 0x09 { i += 1 }
        }

        mutating func value(depth: Int) throws -> JSONValue {
            guard depth < JSONParser.maxDepth else { throw fail("nesting deeper than \(JSONParser.maxDepth)") }
            guard i < b.count else { throw fail("unexpected end of input") }
            switch b[i] {
            case 0x7b: return try object(depth: depth)
            case 0x5b: return try array(depth: depth)
            case 0x22: return .string(try string())
            case 0x74: try literal("true"); return .bool(true)
            case 0x66: try literal("false"); return .bool(false)
            case 0x6e: try literal("null"); return .null
            case 0x2d, 0x30...0x39: return .number(try number())
            default: throw fail("unexpected character '\(Character(Unicode.Scalar(b[i])))'")
            }
        }

        mutating func literal(_ word: String) throws {
            let w = Array(word.utf8)
            guard i + w.count <= b.count, Array(b[i..<i + w.count]) == w else { throw fail("expected '\(word)'") }
            i += w.count
        }

        mutating func object(depth: Int) throws -> JSONValue {
            i += 1
            var pairs = [(String, JSONValue)]()
            skipWhitespace()
            if i < b.count, b[i] == 0x7d { i += 1; return .object(pairs) }
            while true {
                skipWhitespace()
                guard i < b.count, b[i] == 0x22 else { throw fail("expected a string key") }
                let k = try string()
                skipWhitespace()
                guard i < b.count, b[i] == 0x3a else { throw fail("expected ':'") }
                i += 1
                skipWhitespace()
                pairs.append((k, try value(depth: depth + 1)))
                skipWhitespace()
                guard i < b.count else { throw fail("unexpected end of input in object") }
                if b[i] == 0x2c { i += 1; continue }
                if b[i] == 0x7d { i += 1; return .object(pairs) }
                throw fail("expected ',' or '}'")
            }
        }

        mutating func array(depth: Int) throws -> JSONValue {
            i += 1
            var items = [JSONValue]()
            skipWhitespace()
            if i < b.count, b[i] == 0x5d { i += 1; return .array(items) }
            while true {
                skipWhitespace()
                items.append(try value(depth: depth + 1))
                skipWhitespace()
                guard i < b.count else { throw fail("unexpected end of input in array") }
                if b[i] == 0x2c { i += 1; continue }
                if b[i] == 0x5d { i += 1; return .array(items) }
                throw fail("expected ',' or ']'")
            }
        }

        mutating func number() throws -> String {
            let start = i
            if b[i] == 0x2d { i += 1 }
            guard i < b.count, isDigit(b[i]) else { throw fail("expected a digit") }
            if b[i] == 0x30 { i += 1 } else { while i < b.count, isDigit(b[i]) { i += 1 } }
            if i < b.count, b[i] == 0x2e {
                i += 1
                guard i < b.count, isDigit(b[i]) else { throw fail("expected a digit after '.'") }
                while i < b.count, isDigit(b[i]) { i += 1 }
            }
            if i < b.count, b[i] == 0x65 || b[i] == 0x45 {
                i += 1
                if i < b.count, b[i] == 0x2b || b[i] == 0x2d { i += 1 }
                guard i < b.count, isDigit(b[i]) else { throw fail("expected an exponent digit") }
                while i < b.count, isDigit(b[i]) { i += 1 }
            }
            return String(decoding: b[start..<i], as: UTF8.self)
        }

        func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }

        mutating func string() throws -> String {
            i += 1
            var out = [UInt8]()
            while true {
                guard i < b.count else { throw fail("unterminated string") }
                let c = b[i]
                if c == 0x22 { i += 1; break }
                if c < 0x20 { throw fail("control character in string") }
                if c != 0x5c { out.append(c); i += 1; continue }
                i += 1
                guard i < b.count else { throw fail("unterminated escape") }
                let e = b[i]
                i += 1
                switch e {
                case 0x22: out.append(0x22)
                case 0x5c: out.append(0x5c)
                case 0x2f: out.append(0x2f)
                case 0x62: out.append(0x08)
                case 0x66: out.append(0x0c)
                case 0x6e: out.append(0x0a)
                case 0x72: out.append(0x0d)
                case 0x74: out.append(0x09)
                case 0x75:
                    var scalar = try hex4()
                    if (0xd800..<0xdc00).contains(scalar) {
                        // A high surrogate must be followed by an escaped low surrogate.
                        if i + 1 < b.count, b[i] == 0x5c, b[i + 1] == 0x75 {
                            i += 2
                            let low = try hex4()
                            guard (0xdc00..<0xe000).contains(low) else { throw fail("invalid surrogate pair") }
                            scalar = 0x10000 + ((scalar - 0xd800) << 10) + (low - 0xdc00)
                        } else {
                            throw fail("lone surrogate")
                        }
                    } else if (0xdc00..<0xe000).contains(scalar) {
                        throw fail("lone surrogate")
                    }
                    guard let u = Unicode.Scalar(scalar) else { throw fail("invalid \\u escape") }
                    out.append(contentsOf: Array(String(u).utf8))
                default: throw fail("invalid escape")
                }
            }
            guard let s = String(validating: out, as: UTF8.self) else { throw fail("string is not valid UTF-8") }
            return s
        }

        mutating func hex4() throws -> UInt32 {
            guard i + 4 <= b.count else { throw fail("truncated \\u escape") }
            var v: UInt32 = 0
            for _ in 0..<4 {
                guard let n = Hex.nibble(b[i]) else { throw fail("invalid hex digit in \\u escape") }
                v = v << 4 | UInt32(n)
                i += 1
            }
            return v
        }
    }
}
