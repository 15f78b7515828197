import OGPUPrimitives

/// A problem found in source text (or a runtime error, rendered the same way), shown in the §7
/// format:
/// ```
/// error[syntax]: expected `)` to close `(`
///   --> haiku.ogpu:7:14
///    |
///  7 |   payment: ogpu(0,
///    |              ^
///    = help: …
/// ```
public struct Diagnostic: Equatable, CustomStringConvertible {
    public enum Severity: String, Sendable { case error, warning }

    public var severity: Severity
    /// `"syntax"` for parse and resolve errors, `"name"` for unknown-name warnings, or a runtime kind.
    public var kind: String
    public var message: String
    public var location: SourceLocation
    public var hint: String?

    public init(_ severity: Severity, kind: String, _ message: String, at location: SourceLocation, hint: String? = nil) {
        self.severity = severity
        self.kind = kind
        self.message = message
        self.location = location
        self.hint = hint
    }

    public var description: String { "\(location): \(severity.rawValue)[\(kind)]: \(message)" }

    /// The §7 block: header, `-->` location, the source line and a caret span, optional hint.
    public func render(source: String, color: Bool) -> String {
        Diagnostic.render(severity: severity, kind: kind, message: message, location: location,
                          hint: hint, source: source, color: color)
    }

    static func render(severity: Severity, kind: String, message: String, location: SourceLocation,
                       hint: String?, source: String, color: Bool) -> String {
        let red = color ? (severity == .error ? "\u{1B}[1;31m" : "\u{1B}[1;33m") : ""
        let blue = color ? "\u{1B}[1;34m" : ""
        let bold = color ? "\u{1B}[1m" : ""
        let reset = color ? "\u{1B}[0m" : ""
        let lineNumber = String(location.line)
        let pad = String(repeating: " ", count: lineNumber.count + 1)
        var out = "\(red)\(severity.rawValue)[\(kind)]\(reset)\(bold): \(message)\(reset)\n"
        out += "\(pad)\(blue)-->\(reset) \(location)\n"
        if let text = Diagnostic.line(location.line, of: source) {
            // Tabs become one space so the caret stays aligned.
            let shown = text.replacingScalar("\t", with: " ")
            let scalars = Array(shown.unicodeScalars)
            let col = max(1, min(location.column, scalars.count + 1))
            let length = max(1, min(location.length, scalars.count + 1 - col + 1))
            out += "\(pad) \(blue)|\(reset)\n"
            out += "\(blue) \(lineNumber) |\(reset) \(shown)\n"
            out += "\(pad) \(blue)|\(reset) " + String(repeating: " ", count: col - 1) + red + String(repeating: "^", count: length) + reset + "\n"
        }
        if let hint {
            out += "\(pad) \(blue)=\(reset) help: \(hint)\n"
        }
        return out
    }

    /// Line `n` (1-based) of `source`, without its newline.
    static func line(_ n: Int, of source: String) -> String? {
        guard n >= 1 else { return nil }
        var current = 1
        var start = source.startIndex
        var i = source.startIndex
        while i < source.endIndex {
            if source[i] == "\n" || source[i] == "\r\n" {
                if current == n { return String(source[start..<i]) }
                current += 1
                start = source.index(after: i)
            }
            i = source.index(after: i)
        }
        return current == n ? String(source[start...]) : nil
    }
}

extension ScriptError {
    /// An uncaught runtime error in the §7 format (`error[value]: …`), with the source line when
    /// the error has a location in `source`.
    public func render(source: String?, color: Bool) -> String {
        if let location, let source, Diagnostic.line(location.line, of: source) != nil {
            return Diagnostic.render(severity: .error, kind: kind, message: message, location: location,
                                     hint: help, source: source, color: color)
        }
        var out = (color ? "\u{1B}[1;31m" : "") + "error[\(kind)]" + (color ? "\u{1B}[0m" : "") + ": \(message)\n"
        if let location { out += "  --> \(location)\n" }
        if let help { out += "   = help: \(help)\n" }
        return out
    }
}

/// Edit distance, for "did you mean" hints: insertions, deletions, substitutions and swaps of two
/// neighbouring characters (`alpah` → `alpha`) each count 1 (optimal string alignment).
public func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var before = [Int](repeating: 0, count: b.count + 1)
    var prev = Array(0...b.count)
    var cur = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
        cur[0] = i
        for j in 1...b.count {
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] { cur[j] = min(cur[j], before[j - 2] + 1) }
        }
        (before, prev, cur) = (prev, cur, before)
    }
    return prev[b.count]
}

/// The closest of `candidates` to `name`, if close enough to be a plausible typo.
func closestName(to name: String, in candidates: [String]) -> String? {
    var best: (String, Int)? = nil
    let limit = max(1, name.count / 3)
    for c in candidates where c != name {
        let d = editDistance(name.lowercased(), c.lowercased())
        if d <= limit && (best == nil || d < best!.1) { best = (c, d) }
    }
    return best?.0
}
