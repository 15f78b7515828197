import OGPUPrimitives

/// Makes text from outside (chain, node, gateway, provider, files) inert on a terminal.
///
/// A revert reason, an RPC error body or a provider's answer can hold escape sequences that
/// move the cursor, rewrite what was printed before (`\r`, CSI), set the window title or a
/// hyperlink (OSC), query the terminal (and have the answer typed as input), or reorder what
/// the user reads (bidi overrides, "Trojan Source"). Everything the CLI writes that did not
/// come from ogpu itself passes through `escape` once, at the output boundary (ScriptEngine
/// for values and errors, TerminalHost for `print`), so no path has to remember it.
///
/// What is escaped, written as the language's own `\u{…}` escape so the output reads as the
/// literal that would make it:
/// - C0 controls (U+0000–U+001F) but the line breaks below, DEL (U+007F) and C1 controls
///   (U+0080–U+009F; U+009B is a one-character CSI on some terminals);
/// - bidi embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069) and the line and
///   paragraph separators (U+2028, U+2029).
/// `\n` and `\t` are kept (multi-line payloads are printed on purpose), and `\r` only as part of
/// `\r\n`: a lone `\r` returns to the start of the line and lets a payload overwrite it. With
/// `lineBreaks: false` (text shown inside one line) `\n`, `\t` and `\r` are escaped as well.
public enum TerminalText {
    public static func escape(_ text: String, lineBreaks: Bool = true) -> String {
        // Most text needs nothing: scan once and return it as it is.
        guard text.unicodeScalars.contains(where: { needsEscape($0, lineBreaks: lineBreaks) }) else { return text }
        var out = ""
        out.reserveCapacity(text.utf8.count + 16)
        let scalars = text.unicodeScalars
        var i = scalars.startIndex
        while i < scalars.endIndex {
            let u = scalars[i]
            let next = scalars.index(after: i)
            if lineBreaks && u == "\r" && next < scalars.endIndex && scalars[next] == "\n" {
                out.unicodeScalars.append(u)
            } else if needsEscape(u, lineBreaks: lineBreaks) {
                out += "\\u{" + String(u.value, radix: 16, uppercase: true) + "}"
            } else {
                out.unicodeScalars.append(u)
            }
            i = next
        }
        return out
    }

    /// Whether `u` is never written raw (see the type's comment); `\r` is reported as needing it
    /// even where it is kept before `\n`.
    @inline(__always)
    public static func needsEscape(_ u: Unicode.Scalar, lineBreaks: Bool) -> Bool {
        let v = u.value
        if v < 0x20 { return !(lineBreaks && (v == 0x0A || v == 0x09)) }
        if v < 0x7F { return false }
        return isControlOrReordering(v)
    }

    /// DEL, C1, bidi controls and the Unicode line/paragraph separators (the set JSON escapes too).
    @inline(__always)
    static func isControlOrReordering(_ v: UInt32) -> Bool { JSONString.isControlOrReordering(v) }
}
