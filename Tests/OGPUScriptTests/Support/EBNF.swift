import Foundation

/// A small reader for `grammar/ogpu.ebnf`: rules as trees of literals, references, sequences,
/// alternatives, options and repetitions, enough to check the grammar and derive programs from it.
struct EBNF {
    /// The language's grammar, `grammar/ogpu.ebnf`.
    static func ogpu() throws -> EBNF {
        try EBNF(parsing: String(contentsOf: Repository.root.appendingPathComponent("grammar/ogpu.ebnf"), encoding: .utf8))
    }

    indirect enum Node {
        case literal(String)
        case ref(String)
        case seq([Node])
        case alt([Node])
        case opt(Node)
        case rep(Node)

        func references() -> [String] {
            switch self {
            case .literal: return []
            case .ref(let r): return [r]
            case .seq(let xs), .alt(let xs): return xs.flatMap { $0.references() }
            case .opt(let x), .rep(let x): return x.references()
            }
        }

        func literals() -> Set<String> {
            switch self {
            case .literal(let l): return [l]
            case .ref: return []
            case .seq(let xs), .alt(let xs): return xs.reduce(into: Set<String>()) { $0.formUnion($1.literals()) }
            case .opt(let x), .rep(let x): return x.literals()
            }
        }
    }

    struct Failure: Error { let message: String }

    var rules: [String: Node] = [:]

    init(parsing text: String) throws {
        // Drop (* comments *).
        var clean = ""
        var i = text.startIndex
        while i < text.endIndex {
            if text[i...].hasPrefix("(*") {
                guard let end = text.range(of: "*)", range: i..<text.endIndex) else { throw Failure(message: "unclosed comment") }
                i = end.upperBound
                continue
            }
            clean.append(text[i])
            i = text.index(after: i)
        }
        var toks: [String] = []
        var chars = Array(clean)
        var k = 0
        while k < chars.count {
            let c = chars[k]
            if c.isWhitespace { k += 1; continue }
            if c == "\"" {
                var j = k + 1
                while j < chars.count && chars[j] != "\"" { j += 1 }
                toks.append(String(chars[k...j]))
                k = j + 1
            } else if c.isLetter || c == "_" {
                var j = k
                while j < chars.count && (chars[j].isLetter || chars[j].isNumber || chars[j] == "_") { j += 1 }
                toks.append(String(chars[k..<j]))
                k = j
            } else {
                toks.append(String(c))
                k += 1
            }
        }
        chars = []
        var p = 0
        func parseAlt() throws -> Node {
            var alts = [try parseSeq()]
            while p < toks.count && toks[p] == "|" { p += 1; alts.append(try parseSeq()) }
            return alts.count == 1 ? alts[0] : .alt(alts)
        }
        func parseSeq() throws -> Node {
            var items: [Node] = []
            while p < toks.count, ![";", "|", ")", "]", "}"].contains(toks[p]) {
                let t = toks[p]
                p += 1
                switch t {
                case "(": let n = try parseAlt(); try expect(")"); items.append(n)
                case "[": let n = try parseAlt(); try expect("]"); items.append(.opt(n))
                case "{": let n = try parseAlt(); try expect("}"); items.append(.rep(n))
                default:
                    if t.hasPrefix("\"") { items.append(.literal(String(t.dropFirst().dropLast()))) } else { items.append(.ref(t)) }
                }
            }
            return items.count == 1 ? items[0] : .seq(items)
        }
        func expect(_ s: String) throws {
            guard p < toks.count, toks[p] == s else { throw Failure(message: "expected \(s) at token \(p)") }
            p += 1
        }
        while p < toks.count {
            let name = toks[p]
            p += 1
            try expect("=")
            rules[name] = try parseAlt()
            try expect(";")
        }
    }
}
