import XCTest
@testable import OGPUScript

/// Keeps `grammar/ogpu.ebnf` and the parser in agreement: programs derived at random from the
/// EBNF must parse; mutations that break bracket balance or put a keyword where a name must be
/// must be rejected with a located error. Also parses every test program and example.
final class GrammarTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    func loadGrammar() throws -> EBNF {
        let text = try String(contentsOf: GrammarTests.root.appendingPathComponent("grammar/ogpu.ebnf"), encoding: .utf8)
        return try EBNF(parsing: text)
    }

    func testGrammarDefinesEveryRuleItUses() throws {
        let g = try loadGrammar()
        let tokens: Set<String> = ["IDENT", "KEYWORD", "INT", "DEC", "DURATION", "ADDRESS", "STRING", "NEWLINE"]
        for (name, rule) in g.rules {
            for ref in rule.references() where !tokens.contains(ref) {
                XCTAssertNotNil(g.rules[ref], "rule `\(name)` uses undefined `\(ref)`")
            }
        }
        XCTAssertNotNil(g.rules["program"])
        // Every operator the lexer knows appears in the grammar, and vice versa.
        let ops: Set<String> = ["+", "-", "*", "/", "//", "%", "**", "==", "!=", "<", "<=", ">", ">=", "..", "..=",
                                "|>", "=>", "=", "+=", "-=", "*=", "/=", "(", ")", "[", "]", "{", "}", ",", ".", ":", ";", "?"]
        let literals = g.rules.values.reduce(into: Set<String>()) { $0.formUnion($1.literals()) }
        let keywords = Set(Keyword.allCases.map(\.rawValue))
        XCTAssertEqual(literals.subtracting(keywords), ops)
        XCTAssertEqual(literals.intersection(keywords), keywords.subtracting([]))
    }

    func testDerivedProgramsParse() throws {
        let g = try loadGrammar()
        var rng = GrammarRandom(seed: 0x0615)
        var accepted = 0
        for i in 0..<400 {
            var gen = ProgramGenerator(grammar: g, rng: rng)
            let program = gen.program()
            rng = gen.rng
            var parser = Parser(source: program, file: "gen\(i).ogpu")
            _ = parser.parseProgram()
            if !parser.diagnostics.isEmpty {
                XCTFail("derived program \(i) rejected: \(parser.diagnostics[0])\n---\n\(program)\n---")
                return
            }
            accepted += 1
        }
        XCTAssertEqual(accepted, 400)
    }

    func testMutatedProgramsAreRejectedWithALocation() throws {
        let g = try loadGrammar()
        var rng = GrammarRandom(seed: 0xBAD)
        var checked = 0
        for i in 0..<300 {
            var gen = ProgramGenerator(grammar: g, rng: rng)
            let tokens = gen.programTokens()
            rng = gen.rng
            guard let mutated = Mutation.apply(tokens, &rng) else { continue }
            let source = ProgramGenerator.join(mutated)
            var parser = Parser(source: source, file: "mut\(i).ogpu")
            _ = parser.parseProgram()
            let lines = source.split(separator: "\n", omittingEmptySubsequences: false).count
            guard let d = parser.diagnostics.first else {
                XCTFail("mutation \(i) accepted:\n\(source)")
                return
            }
            XCTAssertTrue(d.location.line >= 1 && d.location.line <= lines && d.location.column >= 1, "\(d)")
            checked += 1
        }
        XCTAssertGreaterThan(checked, 200)
    }

    func testEveryTestProgramAndExampleParses() throws {
        let fm = FileManager.default
        var files: [URL] = []
        for dir in ["Tests/Scripts", "examples"] {
            let url = GrammarTests.root.appendingPathComponent(dir)
            guard let e = fm.enumerator(at: url, includingPropertiesForKeys: nil) else { continue }
            for case let f as URL in e where f.pathExtension == "ogpu" { files.append(f) }
        }
        for f in files {
            let source = try String(contentsOf: f, encoding: .utf8)
            let expectsSyntaxError = source.contains("# exit: 65")
            var parser = Parser(source: source, file: f.lastPathComponent)
            _ = parser.parseProgram()
            if expectsSyntaxError { // a parse error, or a resolve error (which counts as one, §7)
                let all = ScriptSession.check(source: source, path: f.lastPathComponent).filter { $0.severity == .error }
                XCTAssertFalse(all.isEmpty, "\(f.path) expects a syntax error")
            } else if let d = parser.diagnostics.first {
                XCTFail("\(f.path): \(d)")
            }
        }
        print("GrammarTests: parsed \(files.count) .ogpu files")
    }
}

// MARK: - A small EBNF reader

struct EBNF {
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

struct GrammarRandom {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E3779B97F4A7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58476D1CE4E5B9
        z = (z ^ (z >> 27)) &* 0x94D049BB133111EB
        return z ^ (z >> 31)
    }
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    mutating func chance(_ percent: Int) -> Bool { below(100) < percent }
}

/// Derives token sequences from the grammar, honouring its RESTRICTION notes.
struct ProgramGenerator {
    let grammar: EBNF
    var rng: GrammarRandom
    private var depth = 0
    /// Inside an if/while/for head (and not inside brackets): no trailing blocks.
    private var inHead = false

    init(grammar: EBNF, rng: GrammarRandom) {
        self.grammar = grammar
        self.rng = rng
    }

    mutating func program() -> String { ProgramGenerator.join(programTokens()) }

    /// Tokens separated by spaces, except that `(` and `[` right after a name, literal, `)` or `]`
    /// are written without one — with a space they would start a command call (§4), not a call or index.
    static func join(_ toks: [String]) -> String {
        var out = ""
        var forceSpace = false
        for (i, t) in toks.enumerated() {
            if t == "\u{1}" { forceSpace = true; continue }
            if forceSpace { out += " "; forceSpace = false; out += t; continue }
            if i > 0 {
                let prev = toks[i - 1]
                let glue = (t == "(" || t == "[") && (prev == ")" || prev == "]" ||
                    (prev.first.map { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "\"" } ?? false) && Keyword(rawValue: prev) == nil
                    || ["true", "false", "nil"].contains(prev))
                if !glue { out += " " }
            }
            out += t
        }
        return out
    }

    mutating func programTokens() -> [String] {
        var out: [String] = []
        for _ in 0..<(1 + rng.below(6)) {
            out += statementTokens()
            out.append(rng.chance(80) ? "\n" : ";")
        }
        return out
    }

    private mutating func statementTokens() -> [String] {
        for _ in 0..<20 {
            let saved = rng
            let toks = expand(.ref("statement"), budget: 7)
            // RESTRICTION: an expression statement does not start with "{" unless it is a block.
            if let first = toks.first, first == "{", !isBlockStatement(toks) { rng = saved; _ = rng.next(); continue }
            return toks
        }
        return ["nil"]
    }

    private func isBlockStatement(_ toks: [String]) -> Bool {
        // A block statement's "{" closes at the very end.
        var depth = 0
        for (i, t) in toks.enumerated() {
            if ["(", "[", "{"].contains(t) { depth += 1 }
            if [")", "]", "}"].contains(t) { depth -= 1; if depth == 0 { return i == toks.count - 1 } }
        }
        return false
    }

    private mutating func expand(_ node: EBNF.Node, budget: Int) -> [String] {
        switch node {
        case .literal(let l): return [l]
        case .seq(let xs): return xs.flatMap { expand($0, budget: budget) }
        case .alt(let xs):
            // Low budget: prefer the alternative that is cheapest (first terminal-ish ones).
            let choices = budget <= 0 ? xs.filter { cost($0) <= 1 } : xs
            let pick = choices.isEmpty ? xs[0] : choices[rng.below(choices.count)]
            return expand(pick, budget: budget)
        case .opt(let x): return (budget > 0 && rng.chance(40)) ? expand(x, budget: budget - 1) : []
        case .rep(let x):
            var out: [String] = []
            if budget > 0 { for _ in 0..<rng.below(3) { out += expand(x, budget: budget - 1) } }
            return out
        case .ref(let name):
            return expandRule(name, budget: budget)
        }
    }

    private func cost(_ n: EBNF.Node) -> Int {
        switch n {
        case .literal: return 0
        case .ref(let r): return ["IDENT", "INT", "DEC", "STRING", "DURATION", "ADDRESS", "KEYWORD", "postfix", "primary", "expression", "break_stmt", "continue_stmt", "expr_stmt", "rhs", "conditional", "or_expr", "and_expr", "not_expr", "comparison", "range_expr", "additive", "multiplicative", "unary", "power", "block"].contains(r) ? 1 : 2
        case .seq(let xs): return xs.map(cost).max() ?? 0
        default: return 1
        }
    }

    private mutating func expandRule(_ name: String, budget: Int) -> [String] {
        switch name {
        case "IDENT": return [["x", "y", "items", "t", "total", "f", "print"][rng.below(7)]]
        case "KEYWORD": return [Keyword.allCases[rng.below(Keyword.allCases.count)].rawValue]
        case "INT": return [["0", "42", "1_000", "0x2a", "123456789012345678901234567890"][rng.below(5)]]
        case "DEC": return [["0.01", "1.5e3", "2.50"][rng.below(3)]]
        case "DURATION": return [["500ms", "30s", "1.5h", "2d"][rng.below(4)]]
        case "ADDRESS": return ["0x4F1477E0a1DA8340E964D01e32Dff302F3CB203A"]
        case "STRING": return [["\"hi\"", "\"a {x} b\"", "\"\\n\\t\\{\"", "\"\"\"\nmulti\n\"\"\""][rng.below(4)]]
        case "NEWLINE": return ["\n"]
        case "import_stmt": return ["import", "\"lib.ogpu\""] // a STRING without interpolation
        case "trailing_block":
            if inHead { return ["(", ")"] } // RESTRICTION: heads take no trailing block; a call instead
            return expandRule("trailing_block_body", budget: budget)
        case "trailing_block_body":
            return expand(grammar.rules["trailing_block"]!, budget: budget - 1)
        case "head":
            let saved = inHead
            inHead = true
            defer { inHead = saved }
            return expand(grammar.rules["expression"]!, budget: budget - 1)
        case "arrow_body":
            for _ in 0..<10 {
                let toks = expand(grammar.rules["arrow_body"]!, budget: budget - 1)
                if toks.first != "{" || isBlockStatement(toks) || toks.first == "{" && toks.count >= 2 && (toks[1] == "\n" || toks[1] == "}" ) {
                    // RESTRICTION: an expression body does not start with "{"; only real blocks may.
                    if toks.first == "{" && !blockLooksLikeStatements(toks) { continue }
                    return toks
                }
            }
            return ["nil"]
        case "command_call":
            // First argument must start with a token that cannot continue an expression.
            for _ in 0..<10 {
                let toks = expand(grammar.rules["command_call"]!, budget: budget - 1)
                guard toks.count > 1 else { continue }
                let first = toks[1]
                let okStart = first.first!.isLetter && !["and", "or", "in", "else", "catch", "fn", "let", "var", "if", "while", "for", "return", "break", "continue", "try", "throw", "import", "assert"].contains(first)
                    || first.first!.isNumber || first.hasPrefix("\"") || first == "(" || first == "["
                // "\u{1}" marks the whitespace a command call needs (kept by `join`).
                if okStart && !(toks.count > 2 && toks[2] == ":") { return [toks[0], "\u{1}"] + toks[1...] }
            }
            return expand(grammar.rules["expression"]!, budget: budget - 1)
        default:
            guard let rule = grammar.rules[name] else { return [name] }
            let bracketed = ["list", "map", "call_suffix", "index_suffix", "params"].contains(name) || name == "primary"
            let saved = inHead
            if bracketed && name != "primary" { inHead = false }
            defer { inHead = saved }
            depth += 1
            defer { depth -= 1 }
            if name == "primary" {
                // `( expression )` resets the head restriction inside the parentheses.
                let toks = expand(rule, budget: budget - 1)
                return toks
            }
            return expand(rule, budget: budget - 1)
        }
    }

    private func blockLooksLikeStatements(_ toks: [String]) -> Bool {
        // `{` followed by statements and terminators: fine as a block body.
        toks.count >= 2 && (toks[1] == "}" || toks.contains("\n") || toks.contains(";"))
    }
}

enum Mutation {
    /// Breaks a valid token sequence so that it can no longer parse; nil if no mutation applies.
    static func apply(_ toks: [String], _ rng: inout GrammarRandom) -> [String]? {
        var t = toks
        switch rng.below(3) {
        case 0: // remove one closing bracket
            let closers = t.indices.filter { [")", "]", "}"].contains(t[$0]) }
            guard let i = closers.isEmpty ? nil : closers[rng.below(closers.count)] else { return nil }
            t.remove(at: i)
        case 1: // add an unmatched closing bracket
            let i = rng.below(t.count + 1)
            t.insert([")", "]"][rng.below(2)], at: i)
        default: // a keyword where a name must be
            let names = t.indices.filter { i in
                guard let c = t[i].first, c.isLetter, Keyword(rawValue: t[i]) == nil else { return false }
                if i > 0 && t[i - 1] == "." { return false }
                if i + 1 < t.count && (t[i + 1] == ":" || t[i + 1] == "=>") { return false }
                if ["ms", "s", "m", "h", "d"].contains(t[i]) { return false }
                return true
            }
            guard !names.isEmpty else { return nil }
            t[names[rng.below(names.count)]] = "else"
        }
        return t
    }
}
