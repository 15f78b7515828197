/// How values are shown (§2, §3): `printed` is what `print` and `str` write (strings raw);
/// `quoted` is the form used inside lists and maps and for REPL echoes (strings as literals);
/// `pretty` is the REPL's form: `quoted`, broken over indented lines when too wide, with
/// optional ANSI colours for addresses, amounts and handles.
public enum ValueFormat {
    public static func printed(_ v: Value) -> String {
        if case .string(let s) = v { return s }
        var out = ""
        write(v, into: &out)
        return out
    }

    public static func quoted(_ v: Value) -> String {
        var out = ""
        write(v, into: &out)
        return out
    }

    /// A string as a literal: `"a\n\"b\""`.
    public static func quote(_ s: String) -> String {
        var out = ""
        writeQuoted(s, into: &out)
        return out
    }

    /// The one-line form of every value except a top-level string. Lists and maps stop with `…`
    /// once `out` is longer than `limit` bytes: a list that holds itself twice at each of 60
    /// levels is tiny in memory but 2^60 elements long in print (callers that make a string of
    /// it, like `str` and interpolation, then raise "string too long").
    static func write(_ v: Value, into out: inout String, limit: Int = Operators.maxStringBytes) {
        switch v {
        case .null: out += "nil"
        case .bool(let b): out += b ? "true" : "false"
        case .int(let i): out += String(i)
        case .bigInt(let b): out += b.description
        case .dec(let d): out += d.description
        case .string(let s): writeQuoted(s, into: &out)
        case .address(let a): out += a.description
        case .duration(let d): out += DurationFormat.format(d)
        case .time(let t): out += TimeFormat.iso(t)
        case .amount(let w): out += AmountFormat.format(w)
        case .list, .map: writeContainer(v, into: &out, limit: limit, element: write)
        case .range(let l, let u, let inclusive): out += "\(l)\(inclusive ? "..=" : "..")\(u)"
        case .closure(let c): out += c.name.isEmpty ? "<fn>" : "<fn \(c.name)>"
        case .builtin(let b): out += "<fn \(b.name)>"
        case .error(let e): out += "error: " + e.message
        case .handle(let h): out += h.printed
        }
    }

    /// Map keys print bare when they look like identifiers (keywords included), else quoted.
    /// One line of `[a, b]` or `{k: v}`, each element written by `element` (plain or colored).
    static func writeContainer(_ v: Value, into out: inout String, limit: Int,
                               element: (Value, inout String, Int) -> Void) {
        switch v {
        case .list(let xs):
            out += "["
            for (i, x) in xs.enumerated() {
                if out.utf8.count > limit { out += "…"; break }
                if i > 0 { out += ", " }
                element(x, &out, limit)
            }
            out += "]"
        case .map(let m):
            out += "{"
            for (i, (k, x)) in m.pairs.enumerated() {
                if out.utf8.count > limit { out += "…"; break }
                if i > 0 { out += ", " }
                writeKey(k, into: &out)
                out += ": "
                element(x, &out, limit)
            }
            out += "}"
        default:
            write(v, into: &out, limit: limit)
        }
    }

    static func writeKey(_ k: String, into out: inout String) {
        if isIdentifier(k) { out += k } else { writeQuoted(k, into: &out) }
    }

    static func isIdentifier(_ k: String) -> Bool {
        guard let first = k.utf8.first, isIdentStart(first) else { return false }
        return k.utf8.allSatisfy { isIdentStart($0) || ($0 >= 48 && $0 <= 57) }
    }

    private static func isIdentStart(_ c: UInt8) -> Bool { (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c == 95 }

    static func writeQuoted(_ s: String, into out: inout String) {
        out += "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if u.value < 0x20 || (u.value >= 0x7F && u.value <= 0x9F) {
                    out += "\\u{" + String(u.value, radix: 16, uppercase: true) + "}"
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        out += "\""
    }

    // MARK: REPL form

    public enum Color: String {
        case address = "\u{1B}[36m", amount = "\u{1B}[32m", handle = "\u{1B}[35m"
        static let reset = "\u{1B}[0m"
    }

    /// The REPL echo: one line when it fits in `width` columns, else lists and maps open up
    /// with one element per line, indented by two spaces per level.
    public static func pretty(_ v: Value, color: Bool = false, width: Int = 80) -> String {
        var out = ""
        writePretty(v, color: color, indent: 0, width: width, into: &out)
        return out
    }

    static func writePretty(_ v: Value, color: Bool, indent: Int, width: Int, into out: inout String) {
        // Nested past the width, the rest stays on one line: indenting every level of a list
        // nested 10,000 deep would take 100 million spaces.
        if indent >= width {
            if color { writeColored(v, into: &out, limit: Operators.maxStringBytes) } else { write(v, into: &out) }
            return
        }
        // Written only as far as needed to know whether it fits (4 bytes per character at most),
        // so deep nesting costs linear time, not the size of the flat form at every level.
        var flat = ""
        write(v, into: &flat, limit: (width - indent) * 4)
        let fits = flat.count + indent <= width
        switch v {
        case .list(let xs) where !fits && !xs.isEmpty:
            out += "[\n"
            for (i, x) in xs.enumerated() {
                if out.utf8.count > Operators.maxStringBytes { out += "…\n"; break } // see `write`
                out += String(repeating: " ", count: indent + 2)
                writePretty(x, color: color, indent: indent + 2, width: width, into: &out)
                out += i + 1 < xs.count ? ",\n" : "\n"
            }
            out += String(repeating: " ", count: indent) + "]"
        case .map(let m) where !fits && !m.isEmpty:
            out += "{\n"
            var i = 0
            for (k, x) in m.pairs {
                if out.utf8.count > Operators.maxStringBytes { out += "…\n"; break }
                out += String(repeating: " ", count: indent + 2)
                writeKey(k, into: &out)
                out += ": "
                writePretty(x, color: color, indent: indent + 2, width: width, into: &out)
                i += 1
                out += i < m.count ? ",\n" : "\n"
            }
            out += String(repeating: " ", count: indent) + "}"
        default:
            if color { writeColored(v, into: &out, limit: Operators.maxStringBytes) } else { out += flat }
        }
    }

    /// One-line form with colours on addresses, amounts and handles.
    static func writeColored(_ v: Value, into out: inout String, limit: Int) {
        switch v {
        case .address, .amount, .handle:
            let c: Color
            if case .address = v { c = .address } else if case .amount = v { c = .amount } else { c = .handle }
            out += c.rawValue + quoted(v) + Color.reset
        case .list, .map: writeContainer(v, into: &out, limit: limit, element: writeColored)
        default:
            write(v, into: &out, limit: limit)
        }
    }
}
