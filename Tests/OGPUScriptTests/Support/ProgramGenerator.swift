@testable import OGPUScript

/// Derives token sequences from the grammar, honouring its RESTRICTION notes.
struct ProgramGenerator {
    let grammar: EBNF
    var rng: SplitMix64
    private var depth = 0
    /// Inside an if/while/for head (and not inside brackets): no trailing blocks.
    private var inHead = false

    init(grammar: EBNF, rng: SplitMix64) {
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
    static func apply(_ toks: [String], _ rng: inout SplitMix64) -> [String]? {
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
