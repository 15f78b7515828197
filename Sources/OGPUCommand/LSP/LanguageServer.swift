#if canImport(FoundationEssentials)
import FoundationEssentials
import Glibc
#else
import Foundation
#endif
import OGPUPrimitives
import OGPUScript

/// `ogpu lsp`: a Language Server Protocol 3.17 server over stdio for `.ogpu` files. Diagnostics come
/// from `ogpu check` (the parser and resolver: every error, and warnings for unknown names) on open
/// and on each change; completion offers keywords, built-ins (with their documentation) and the
/// names the file declares; hover shows a built-in's documentation or a name's declaration; go to
/// definition, document symbols and signature help work from the same syntax tree. One thread:
/// requests are answered in order, and nothing here runs the script.
enum LanguageServer {
    static func main() -> Never {
        var connection = LSPConnection()
        var documents: [String: String] = [:]   // uri → text
        var shutdown = false
        while true {
            let message: JSONValue?
            do { message = try connection.read() } catch {
                fputs("ogpu lsp: \(error)\n", stderr)
                exit(1)
            }
            guard let message else { exit(shutdown ? 0 : 1) }
            let method = message["method"]?.stringValue ?? ""
            let id = message["id"]
            let params = message["params"] ?? .null
            if method == "exit" { exit(shutdown ? 0 : 1) }
            let result: JSONValue?
            switch method {
            case "initialize": result = capabilities
            case "shutdown": shutdown = true; result = .null
            case "textDocument/didOpen":
                if let uri = params["textDocument"]?["uri"]?.stringValue, let text = params["textDocument"]?["text"]?.stringValue {
                    documents[uri] = text
                    publishDiagnostics(uri: uri, text: text)
                }
                result = nil
            case "textDocument/didChange":
                // Full sync: the last change holds the whole text.
                if let uri = params["textDocument"]?["uri"]?.stringValue,
                   let text = params["contentChanges"]?.arrayValue?.last?["text"]?.stringValue {
                    documents[uri] = text
                    publishDiagnostics(uri: uri, text: text)
                }
                result = nil
            case "textDocument/didClose":
                if let uri = params["textDocument"]?["uri"]?.stringValue {
                    documents[uri] = nil
                    notify("textDocument/publishDiagnostics", .object([("uri", .string(uri)), ("diagnostics", .array([]))]))
                }
                result = nil
            default:
                guard let uri = params["textDocument"]?["uri"]?.stringValue, let text = documents[uri] else {
                    result = id == nil ? nil : .null
                    break
                }
                // One parse per request, and the text's lines split once.
                let outline = Outline(source: text, path: path(uri))
                let lines = Self.lines(text)
                let place = Place(params["position"], lines)
                switch method {
                case "textDocument/completion": result = completion(outline)
                case "textDocument/hover": result = hover(outline, place)
                case "textDocument/definition": result = definition(outline, uri: uri, place, lines)
                case "textDocument/documentSymbol": result = .array(outline.symbols.map { symbol($0, lines) })
                case "textDocument/signatureHelp": result = signatureHelp(outline, place)
                default: result = id == nil ? nil : .null
                }
            }
            if let id {
                if let result {
                    LSPConnection.write(.object([("jsonrpc", "2.0"), ("id", id), ("result", result)]))
                } else if !method.hasPrefix("textDocument/did") && method != "initialized" {
                    LSPConnection.write(.object([("jsonrpc", "2.0"), ("id", id),
                                                 ("error", .object([("code", -32601), ("message", .string("unknown method \(method)"))]))]))
                }
            }
        }
    }

    static let capabilities: JSONValue = .object([
        ("capabilities", .object([
            ("textDocumentSync", 1),   // full text on every change
            ("completionProvider", .object([("triggerCharacters", .array(["."]))])),
            ("hoverProvider", true),
            ("definitionProvider", true),
            ("documentSymbolProvider", true),
            ("signatureHelpProvider", .object([("triggerCharacters", .array(["(", ","]))])),
        ])),
        ("serverInfo", .object([("name", "ogpu"), ("version", .string(BuildInfo.version))])),
    ])

    static func notify(_ method: String, _ params: JSONValue) {
        LSPConnection.write(.object([("jsonrpc", "2.0"), ("method", .string(method)), ("params", params)]))
    }

    static func path(_ uri: String) -> String {
        guard uri.hasPrefix("file://") else { return uri }
        return percentDecoded(uri.dropFirst(7)) ?? String(uri.dropFirst(7))
    }

    /// "%20" → " ", as Foundation's `removingPercentEncoding`: nil when a "%" is not followed by two
    /// hex digits or the bytes are not UTF-8.
    static func percentDecoded(_ text: Substring) -> String? {
        let bytes = Array(text.utf8)
        var out: [UInt8] = []
        var i = 0
        while i < bytes.count {
            guard bytes[i] == UInt8(ascii: "%") else { out.append(bytes[i]); i += 1; continue }
            guard i + 2 < bytes.count, let hi = hexValue(bytes[i + 1]), let lo = hexValue(bytes[i + 2]) else { return nil }
            out.append(hi << 4 | lo)
            i += 3
        }
        return String(validating: out, as: UTF8.self)
    }

    private static func hexValue(_ b: UInt8) -> UInt8? {
        switch b {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return b - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return b - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return b - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    // MARK: - Features

    static func publishDiagnostics(uri: String, text: String) {
        let lines = Self.lines(text)
        let items = ScriptSession.check(source: text, path: path(uri)).map { d -> JSONValue in
            .object([
                ("range", range(d.location, lines)),
                ("severity", d.severity == .error ? 1 : 2),
                ("source", "ogpu"),
                ("code", .string(d.kind)),
                ("message", .string(d.message + (d.hint.map { "\nhelp: \($0)" } ?? ""))),
            ])
        }
        notify("textDocument/publishDiagnostics", .object([("uri", .string(uri)), ("diagnostics", .array(items))]))
    }

    static func completion(_ outline: Outline) -> JSONValue {
        var items: [JSONValue] = LanguageWords.keywords.map { .object([("label", .string($0)), ("kind", 14)]) }
        for name in LanguageWords.builtins {
            let doc = Outline.builtinDoc(name) ?? ""
            items.append(.object([("label", .string(name)), ("kind", 3), ("detail", .string(firstSentence(doc))),
                                  ("documentation", .string(doc))]))
        }
        var seen = Set<String>()
        func add(_ symbols: [ScriptSymbol]) {
            for s in symbols {
                if seen.insert(s.name).inserted {
                    items.append(.object([("label", .string(s.name)), ("kind", s.kind == .function ? 3 : 6),
                                          ("detail", .string(s.detail))]))
                }
                add(s.children)
            }
        }
        add(outline.symbols)
        return .object([("isIncomplete", false), ("items", .array(items))])
    }

    static func hover(_ outline: Outline, _ place: Place?) -> JSONValue {
        guard let place, let word = place.word else { return .null }
        if let at = outline.definition(line: place.line, column: place.column), let symbol = find(outline.symbols, at) {
            return markdown("```ogpu\n\(symbol.detail)\n```\ndeclared at line \(at.line)")
        }
        if let doc = Outline.builtinDoc(word) { return markdown("**\(word)** (built-in)\n\n\(doc)") }
        return .null
    }

    static func definition(_ outline: Outline, uri: String, _ place: Place?, _ lines: [Substring]) -> JSONValue {
        guard let place, let at = outline.definition(line: place.line, column: place.column) else { return .null }
        return .object([("uri", .string(uri)), ("range", range(at, lines))])
    }

    /// The function being called around the cursor: a `fn` of this file (its parameters) or a
    /// built-in (its documentation's first sentence, which shows the call).
    static func signatureHelp(_ outline: Outline, _ place: Place?) -> JSONValue {
        guard let place else { return .null }
        // Back from the cursor to the unclosed `(`, then the name before it.
        let before = Array(place.lineText.unicodeScalars.prefix(place.column - 1))
        var depth = 0, i = before.count - 1, commas = 0
        while i >= 0 {
            let c = before[i]
            if c == ")" || c == "]" || c == "}" { depth += 1 }
            else if c == "(" || c == "[" || c == "{" { if depth == 0 { if c == "(" { break } else { return .null } }; depth -= 1 }
            else if c == ",", depth == 0 { commas += 1 }
            i -= 1
        }
        guard i > 0 else { return .null }
        var j = i - 1
        while j >= 0, Place.isNameScalar(before[j]) { j -= 1 }
        let name = String(String.UnicodeScalarView(before[(j + 1)..<i]))
        let label: String, doc: String
        if let fn = functions(outline.symbols).first(where: { $0.name == name }) {
            (label, doc) = (fn.detail, "declared at line \(fn.location.line)")
        } else if let d = Outline.builtinDoc(name) {
            (label, doc) = (callForm(name, d), d)
        } else {
            return .null
        }
        return .object([("signatures", .array([.object([("label", .string(label)), ("documentation", .string(doc))])])),
                        ("activeSignature", 0), ("activeParameter", .int(commas))])
    }

    static func functions(_ symbols: [ScriptSymbol]) -> [ScriptSymbol] {
        symbols.flatMap { ($0.kind == .function ? [$0] : []) + functions($0.children) }
    }

    // MARK: - Helpers

    static func markdown(_ s: String) -> JSONValue {
        .object([("contents", .object([("kind", "markdown"), ("value", .string(s))]))])
    }

    /// `join(list, sep)` from a doc that starts with the call, else its first sentence.
    static func callForm(_ name: String, _ doc: String) -> String {
        guard doc.hasPrefix(name + "("), let close = doc.firstIndex(of: ")") else { return firstSentence(doc) }
        return String(doc[...close])
    }

    static func firstSentence(_ doc: String) -> String {
        if let end = doc.firstRange(of: ". ") { return String(doc[..<end.lowerBound]) + "." }
        return doc
    }

    static func find(_ symbols: [ScriptSymbol], _ at: SourceLocation) -> ScriptSymbol? {
        for s in symbols {
            if s.location.line == at.line && s.location.column == at.column { return s }
            if let c = find(s.children, at) { return c }
        }
        return nil
    }

    static func symbol(_ s: ScriptSymbol, _ lines: [Substring]) -> JSONValue {
        let kind: Int
        switch s.kind {
        case .function: kind = 12
        case .constant: kind = 14
        case .variable, .parameter: kind = 13
        }
        let r = range(s.location, lines, length: s.name.count)
        return .object([("name", .string(s.name)), ("detail", .string(s.detail)), ("kind", .int(kind)), ("range", r),
                        ("selectionRange", r), ("children", .array(s.children.map { symbol($0, lines) }))])
    }

    /// A source location (1-based line, column in Unicode scalars) as an LSP range (0-based, UTF-16).
    static func range(_ l: SourceLocation, _ lines: [Substring], length: Int? = nil) -> JSONValue {
        let line = lines[safe: l.line - 1] ?? ""
        func utf16(_ column: Int) -> Int {
            String(String.UnicodeScalarView(line.unicodeScalars.prefix(max(0, column - 1)))).utf16.count
        }
        let start = utf16(l.column), end = utf16(l.column + max(1, length ?? l.length))
        func position(_ c: Int) -> JSONValue { .object([("line", .int(max(0, l.line - 1))), ("character", .int(c))]) }
        return .object([("start", position(start)), ("end", position(end))])
    }

    static func lines(_ text: String) -> [Substring] { text.split(separator: "\n", omittingEmptySubsequences: false) }
}

/// An LSP position turned into the language's terms: 1-based line, column in Unicode scalars, the
/// line's text and the name under the cursor.
struct Place {
    let line: Int, column: Int, lineText: Substring

    init?(_ position: JSONValue?, _ lines: [Substring]) {
        guard let l = position?["line"]?.intValue, let c = position?["character"]?.intValue, l >= 0, c >= 0 else { return nil }
        let lineText = lines[safe: l] ?? ""
        // UTF-16 offset → scalar count.
        var units = 0, scalars = 0
        for s in lineText.unicodeScalars { if units >= c { break }; units += s.utf16.count; scalars += 1 }
        self.line = l + 1
        self.column = scalars + 1
        self.lineText = lineText
    }

    /// The identifier the cursor is in or just after.
    var word: String? {
        let s = Array(lineText.unicodeScalars)
        var a = min(column - 1, s.count), b = a
        while a > 0, Self.isNameScalar(s[a - 1]) { a -= 1 }
        while b < s.count, Self.isNameScalar(s[b]) { b += 1 }
        return a < b ? String(String.UnicodeScalarView(s[a..<b])) : nil
    }

    /// A scalar that may be part of a name: letters, digits and `_`.
    static func isNameScalar(_ u: Unicode.Scalar) -> Bool { u == "_" || u.properties.isAlphabetic || ("0"..."9").contains(u) }
}

private extension Array {
    subscript(safe i: Int) -> Element? { i >= 0 && i < count ? self[i] : nil }
}
