import OGPUPrimitives

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
    ///
    /// Containers are walked with an explicit stack, not by recursion, so a list nested a million
    /// deep prints on any thread, the main thread's small stack included. `color` wraps
    /// addresses, amounts and handles in ANSI colours (the REPL's form).
    static func write(_ v: Value, into out: inout String, limit: Int = Operators.maxStringBytes, color: Bool = false) {
        var open: [OpenContainer] = []
        var next: Value? = v
        while true {
            if let x = next {
                next = nil
                switch x {
                case .list(let xs): out += "["; open.append(.list(xs, 0))
                case .map(let m): out += "{"; open.append(.map(m, 0))
                default: writeScalar(x, into: &out, color: color)
                }
            }
            guard let top = open.popLast() else { return }
            switch top {
            case .list(let xs, let i):
                if i == xs.count { out += "]"; continue }
                if out.utf8.count > limit { out += "…]"; continue }
                if i > 0 { out += ", " }
                open.append(.list(xs, i + 1))
                next = xs[i]
            case .map(let m, let i):
                if i == m.count { out += "}"; continue }
                if out.utf8.count > limit { out += "…}"; continue }
                if i > 0 { out += ", " }
                writeKey(m.keys[i], into: &out)
                out += ": "
                open.append(.map(m, i + 1))
                next = m.values[i]
            }
        }
    }

    /// A list or map being written and the position of its next element.
    private enum OpenContainer {
        case list([Value], Int)
        case map(OrderedMap, Int)
    }

    /// Every value but a list or map.
    private static func writeScalar(_ v: Value, into out: inout String, color: Bool) {
        switch v {
        case .null: out += "nil"
        case .bool(let b): out += b ? "true" : "false"
        case .int(let i): out += String(i)
        case .bigInt(let b): out += b.decimalString
        case .dec(let d): out += d.description
        case .string(let s): writeQuoted(s, into: &out)
        case .address(let a):
            if color { out += Color.address.rawValue + a.description + Color.reset } else { out += a.description }
        case .duration(let d): out += DurationFormat.format(d)
        case .time(let t): out += TimeFormat.iso(t)
        case .amount(let w):
            if color { out += Color.amount.rawValue + AmountFormat.format(w.big) + Color.reset } else { out += AmountFormat.format(w.big) }
        case .list, .map: write(v, into: &out, color: color)
        case .range(let l, let u, let inclusive): out += "\(l)\(inclusive ? "..=" : "..")\(u)"
        case .closure(let c): out += c.name.isEmpty ? "<fn>" : "<fn \(c.name)>"
        case .builtin(let b): out += "<fn \(b.name)>"
        case .error(let e): out += "error: " + TerminalText.escape(e.message, lineBreaks: false)
        case .handle(let h):
            let text = TerminalText.escape(h.printed, lineBreaks: false)
            if color { out += Color.handle.rawValue + text + Color.reset } else { out += text }
        }
    }

    /// Map keys print bare when they look like identifiers (keywords included), else quoted.
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
                // Controls and bidi reordering never reach the terminal raw (TerminalText).
                if u.value < 0x20 || TerminalText.isControlOrReordering(u.value) {
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
        // The recursion below is as deep as the indentation, so it is bounded by
        // `maxPrettyIndent` whatever the terminal's width.
        if indent >= min(width, maxPrettyIndent) {
            write(v, into: &out, color: color)
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
            if color { write(v, into: &out, color: true) } else { out += flat }
        }
    }

    /// Past this indentation the REPL form stays on one line.
    static let maxPrettyIndent = 200
}
