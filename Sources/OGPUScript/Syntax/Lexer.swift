import OGPUPrimitives

/// Turns source text into tokens (§1, §2 literals). Works on UTF-8 bytes; columns count
/// Unicode scalars so carets line up under non-ASCII text. Errors are collected, not thrown:
/// the lexer always reaches the end so that every problem in a file is reported.
struct Lexer {
    let bytes: [UInt8]
    let file: String
    private var pos = 0
    private var line = 1
    private var lineStart = 0
    /// Columns before `lineStart` on the current line (non-zero only on a fragment's first line).
    private var colBase = 0
    var diagnostics: [Diagnostic] = []

    /// `line`/`column` place a fragment (string interpolation) inside its file.
    init(_ source: String, file: String, line: Int = 1, column: Int = 1) {
        bytes = Array(source.utf8)
        self.file = file
        self.line = line
        colBase = column - 1
    }

    static let durationUnits = ["ms", "s", "m", "h", "d"]

    mutating func tokenize() -> [Token] {
        var tokens: [Token] = []
        if line == 1 && colBase == 0 && bytes.starts(with: [35, 33]) { // "#!"
            while pos < bytes.count && bytes[pos] != 10 { pos += 1 }
        }
        var space = false
        while true {
            // Skip blanks and comments.
            while pos < bytes.count {
                let c = bytes[pos]
                if c == 32 || c == 9 || c == 13 { pos += 1; space = true }
                else if c == 92 && pos + 1 < bytes.count && bytes[pos + 1] == 10 { pos += 2; newLine(); space = true } // line continuation
                else if c == 35 { while pos < bytes.count && bytes[pos] != 10 { pos += 1 }; space = true }
                else { break }
            }
            if !tokens.isEmpty { tokens[tokens.count - 1].spaceAfter = space || pos >= bytes.count || bytes[pos] == 10 }
            guard pos < bytes.count else {
                tokens.append(Token(kind: .eof, location: loc(pos, 1), spaceBefore: space, offset: pos))
                return tokens
            }
            let start = pos
            let c = bytes[pos]
            var kind: Token.Kind
            if c == 10 {
                pos += 1
                kind = .newline
                tokens.append(Token(kind: kind, location: loc(start, 1), spaceBefore: space, offset: start))
                newLine()
                space = false
                continue
            } else if isIdentStart(c) {
                while pos < bytes.count && isIdentPart(bytes[pos]) { pos += 1 }
                let text = String(decoding: bytes[start..<pos], as: UTF8.self)
                kind = Keyword(rawValue: text).map { .keyword($0) } ?? .identifier(text)
            } else if isDigit(c) {
                kind = number()
            } else if c == 34 { // "
                kind = string()
            } else {
                kind = op()
            }
            tokens.append(Token(kind: kind, location: loc(start, scalarCount(start, pos)), spaceBefore: space, offset: start))
            space = false
        }
    }

    // MARK: - Pieces

    private mutating func number() -> Token.Kind {
        let start = pos
        if bytes[pos] == 48 && pos + 1 < bytes.count && (bytes[pos + 1] == 120 || bytes[pos + 1] == 88) { // 0x
            pos += 2
            let digitsStart = pos
            while pos < bytes.count && (isHex(bytes[pos]) || bytes[pos] == 95) { pos += 1 }
            let digits = String(decoding: bytes[digitsStart..<pos], as: UTF8.self)
            if pos < bytes.count && isIdentPart(bytes[pos]) {
                while pos < bytes.count && isIdentPart(bytes[pos]) { pos += 1 }
                error("invalid hex literal", start, pos)
                return .invalid
            }
            if digits.isEmpty { error("`0x` must be followed by hex digits", start, pos); return .invalid }
            if !digits.contains("_") && digits.count == 40 { return .address("0x" + digits) }
            return .int("0x" + digits.replacingScalar("_", with: ""))
        }
        digitsRun()
        var isDec = false
        if pos + 1 < bytes.count && bytes[pos] == 46 && isDigit(bytes[pos + 1]) { // fraction, not `..`
            isDec = true
            pos += 1
            digitsRun()
        }
        if pos < bytes.count && (bytes[pos] == 101 || bytes[pos] == 69) { // exponent
            var p = pos + 1
            if p < bytes.count && (bytes[p] == 43 || bytes[p] == 45) { p += 1 }
            if p < bytes.count && isDigit(bytes[p]) {
                pos = p
                digitsRun()
                isDec = true
            }
        }
        let text = String(decoding: bytes[start..<pos], as: UTF8.self).replacingScalar("_", with: "")
        // Unit suffix: a duration.
        if pos < bytes.count && isIdentStart(bytes[pos]) {
            let unitStart = pos
            var p = pos
            while p < bytes.count && isIdentPart(bytes[p]) { p += 1 }
            let unit = String(decoding: bytes[unitStart..<p], as: UTF8.self)
            pos = p
            if Lexer.durationUnits.contains(unit) { return .duration(text, unit: unit) }
            if let first = Lexer.durationUnits.first(where: { unit.hasPrefix($0) && unit.dropFirst($0.count).first?.isNumber == true }) {
                error("a duration literal has one unit", start, pos,
                      hint: "write `\(text)\(first) + \(unit.dropFirst(first.count))` (parenthesized if negative: `-(1h + 30m)`)")
                return .invalid
            }
            error("unknown number suffix `\(unit)`", start, pos, hint: "durations use ms, s, m, h or d")
            return .invalid
        }
        return isDec ? .dec(text) : .int(text)
    }

    private mutating func digitsRun() {
        while pos < bytes.count && (isDigit(bytes[pos]) || (bytes[pos] == 95 && pos + 1 < bytes.count && isDigit(bytes[pos + 1]))) { pos += 1 }
    }

    private mutating func string() -> Token.Kind {
        let start = pos
        let triple = pos + 2 < bytes.count && bytes[pos + 1] == 34 && bytes[pos + 2] == 34
        pos += triple ? 3 : 1
        var parts: [StringPart] = []
        var text: [UInt8] = []
        func flush() { if !text.isEmpty { parts.append(.text(String(decoding: text, as: UTF8.self))); text = [] } }
        while true {
            guard pos < bytes.count, triple || bytes[pos] != 10 else {
                error("unterminated string", start, pos, hint: triple ? "close it with `\"\"\"`" : "close it with `\"` on the same line, or use `\"\"\"` for several lines")
                flush()
                return .string(parts)
            }
            let c = bytes[pos]
            if c == 34 {
                if !triple { pos += 1; break }
                if pos + 2 < bytes.count && bytes[pos + 1] == 34 && bytes[pos + 2] == 34 { pos += 3; break }
                text.append(c); pos += 1
            } else if c == 92 { // backslash
                let escStart = pos
                pos += 1
                guard pos < bytes.count else { continue }
                let e = bytes[pos]
                pos += 1
                switch e {
                case 110: text.append(10)
                case 116: text.append(9)
                case 114: text.append(13)
                case 48: text.append(0)
                case 34, 92, 123, 125, 39: text.append(e)
                case 10: // backslash-newline joins lines
                    if triple { text.append(10); flush(); parts.append(.lineJoin); newLine() }
                case 117: // \u{…}
                    guard pos < bytes.count, bytes[pos] == 123 else {
                        error("`\\u` must be followed by `{hex}`", escStart, pos, hint: "write the code point in braces: `\\u{41}`"); continue
                    }
                    let hexStart = pos + 1
                    var p = hexStart
                    while p < bytes.count && isHex(bytes[p]) { p += 1 }
                    guard p < bytes.count, bytes[p] == 125, p > hexStart, p - hexStart <= 8,
                          let v = UInt32(String(decoding: bytes[hexStart..<p], as: UTF8.self), radix: 16),
                          let scalar = Unicode.Scalar(v) else {
                        pos = min(p + 1, bytes.count)
                        error("invalid unicode escape", escStart, pos,
                              hint: "write 1 to 8 hex digits naming a Unicode scalar (at most 10FFFF, not D800–DFFF): `\\u{1F680}`"); continue
                    }
                    pos = p + 1
                    text.append(contentsOf: Array(String(Character(scalar)).utf8))
                default:
                    error("unknown escape `\\\(Character(Unicode.Scalar(e)))`", escStart, pos, hint: "escapes are \\n \\t \\r \\\" \\\\ \\{ \\u{…}")
                }
            } else if c == 123 { // { interpolation
                flush()
                let open = pos
                pos += 1
                let codeStart = pos
                let codeLine = line, codeCol = loc(pos, 1).column
                var depth = 0
                var inString = false
                while pos < bytes.count {
                    let d = bytes[pos]
                    if d == 10 && !triple { break }
                    if d == 10 { pos += 1; newLine(); continue }
                    if inString {
                        if d == 92 { pos += 1 } else if d == 34 { inString = false }
                    } else if d == 34 { inString = true }
                    else if d == 123 { depth += 1 }
                    else if d == 125 { if depth == 0 { break }; depth -= 1 }
                    pos += 1
                }
                guard pos < bytes.count, bytes[pos] == 125 else {
                    error("unclosed `{` in string interpolation", open, open + 1, hint: "write `\\{` for a literal brace")
                    return .string(parts)
                }
                let code = String(decoding: bytes[codeStart..<pos], as: UTF8.self)
                if code.allSatisfy({ $0 == " " }) {
                    error("empty interpolation `{}`", open, pos + 1, hint: "write `\\{` for a literal brace")
                }
                parts.append(.code(code, SourceLocation(file: file, line: codeLine, column: codeCol), offset: codeStart))
                pos += 1
            } else {
                text.append(c)
                pos += 1
                if c == 10 { newLine() }
            }
        }
        flush()
        return .string(triple ? Lexer.dedent(parts) : parts)
    }

    /// `"""` strings: drop the newline after the opening quotes, and the last line's indentation
    /// (the closing quotes' column) from every line, as Swift does.
    static func dedent(_ parts: [StringPart]) -> [StringPart] {
        joinLines(stripIndentation(parts))
    }

    private static func stripIndentation(_ parts: [StringPart]) -> [StringPart] {
        var parts = parts
        if case .text(var first)? = parts.first, first.hasPrefix("\n") {
            first.removeFirst()
            parts[0] = .text(first)
        }
        guard case .text(let last)? = parts.last, let nl = last.lastIndex(of: "\n"),
              last[last.index(after: nl)...].allSatisfy({ $0 == " " || $0 == "\t" }) else { return parts }
        let indent = String(last[last.index(after: nl)...])
        parts[parts.count - 1] = .text(String(last[..<nl]))
        if indent.isEmpty { return parts }
        var atLineStart = true
        return parts.map { part in
            if case .lineJoin = part { return part }
            guard case .text(let t) = part else { atLineStart = false; return part }
            var out = ""
            var lines = t.split(separator: "\n", omittingEmptySubsequences: false)
            for i in lines.indices {
                if (i > 0 || atLineStart) && lines[i].hasPrefix(indent) { lines[i] = lines[i].dropFirst(indent.count) }
            }
            out = lines.joined(separator: "\n")
            atLineStart = t.hasSuffix("\n")
            return .text(out)
        }
    }

    /// Applies the `.lineJoin` markers: drops the newline before each, and merges the text around it.
    private static func joinLines(_ parts: [StringPart]) -> [StringPart] {
        guard parts.contains(.lineJoin) else { return parts }
        var out: [StringPart] = []
        var joining = false
        for part in parts {
            switch part {
            case .lineJoin:
                if case .text(var t)? = out.last, t.hasSuffix("\n") { t.removeLast(); out[out.count - 1] = .text(t) }
                joining = true
            case .text(let t):
                if joining, case .text(let before)? = out.last { out[out.count - 1] = .text(before + t) } else { out.append(part) }
                joining = false
            default:
                out.append(part)
                joining = false
            }
        }
        return out
    }

    private static let threeCharOps: Set<String> = ["..="]
    private static let twoCharOps: Set<String> = ["==", "!=", "<=", ">=", "//", "**", "..", "|>", "=>", "+=", "-=", "*=", "/="]
    private static let oneCharOps: Set<UInt8> = Set("+-*/%<>=()[]{},.:;?".utf8)

    private mutating func op() -> Token.Kind {
        let start = pos
        func text(_ n: Int) -> String? {
            guard pos + n <= bytes.count else { return nil }
            return String(decoding: bytes[pos..<pos + n], as: UTF8.self)
        }
        if let t = text(3), Lexer.threeCharOps.contains(t) { pos += 3; return .op(t) }
        if let t = text(2), Lexer.twoCharOps.contains(t) { pos += 2; return .op(t) }
        let c = bytes[pos]
        if Lexer.oneCharOps.contains(c) { pos += 1; return .op(String(UnicodeScalar(c))) }
        // Not a token: skip one whole UTF-8 character and report it.
        pos += 1
        while pos < bytes.count && bytes[pos] & 0xC0 == 0x80 { pos += 1 }
        let ch = String(decoding: bytes[start..<pos], as: UTF8.self)
        var hint: String? = nil
        switch ch {
        case "&": hint = "use `and`"
        case "|": hint = "use `or`, or `|>` for a pipeline"
        case "!": hint = "use `not`"
        case "'": hint = "strings use double quotes"
        default: break
        }
        error("unexpected character `\(ch)`", start, pos, hint: hint)
        return .invalid
    }

    // MARK: - Helpers

    private mutating func newLine() { line += 1; lineStart = pos; colBase = 0 }

    private func scalarCount(_ a: Int, _ b: Int) -> Int {
        var n = 0
        for i in a..<min(b, bytes.count) where bytes[i] & 0xC0 != 0x80 { n += 1 }
        return max(n, 1)
    }

    /// Column of `offset`, counted in scalars from the line start. Cached so that a very long
    /// line costs linear time overall, not quadratic.
    private var columnCache = (line: 0, offset: 0, column: 1)

    private mutating func loc(_ offset: Int, _ length: Int) -> SourceLocation {
        let target = min(offset, bytes.count)
        if columnCache.line != line || target < columnCache.offset || columnCache.offset < lineStart {
            columnCache = (line, lineStart, colBase + 1)
        }
        var n = columnCache.column
        var i = columnCache.offset
        while i < target { if bytes[i] & 0xC0 != 0x80 { n += 1 }; i += 1 }
        columnCache = (line, target, n)
        return SourceLocation(file: file, line: line, column: n, length: length)
    }

    private mutating func error(_ message: String, _ from: Int, _ to: Int, hint: String? = nil) {
        diagnostics.append(Diagnostic(.error, kind: "syntax", message, at: loc(from, scalarCount(from, to)), hint: hint))
    }

    @inline(__always) private func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }
    @inline(__always) private func isHex(_ c: UInt8) -> Bool { isDigit(c) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70) }
    @inline(__always) func isIdentStart(_ c: UInt8) -> Bool { (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c == 95 }
    @inline(__always) func isIdentPart(_ c: UInt8) -> Bool { isIdentStart(c) || isDigit(c) }
}
