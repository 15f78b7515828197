extension Parser {
    /// True when `source` ends inside an open construct (REPL continuation lines).
    static func isIncomplete(_ source: String) -> Bool {
        var lexer = Lexer(source, file: "<repl>")
        let toks = lexer.tokenize()
        if lexer.diagnostics.contains(where: { $0.message.hasPrefix("unterminated string") && source.contains("\"\"\"") }) { return true }
        var depth = 0
        var last: Token? = nil
        for t in toks {
            switch t.kind {
            case .op("("), .op("["), .op("{"): depth += 1
            case .op(")"), .op("]"), .op("}"): depth -= 1
            default: break
            }
            if case .newline = t.kind { continue }
            if case .eof = t.kind { continue }
            last = t
        }
        if depth > 0 { return true }
        if let last, case .op(let o) = last.kind {
            let continuing: Set<String> = ["+", "-", "*", "/", "//", "%", "**", "==", "!=", "<", "<=", ">", ">=",
                                           "..", "..=", "|>", "=>", "=", "+=", "-=", "*=", "/=", ",", ".", "?", ":"]
            return continuing.contains(o)
        }
        if let last, case .keyword(let k) = last.kind { return k == .and || k == .or || k == .not }
        return false
    }
}
