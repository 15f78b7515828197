/// Function literals: `fn name?(params) { }`, arrows `x => …` / `(a, b) => …`, and trailing blocks.
extension Parser {
    /// `fn name?(params) { body }`
    mutating func functionLiteral() throws -> FunctionDecl {
        let loc = peek.location
        advance() // fn
        var name: String? = nil
        if case .identifier(let n) = peek.kind { name = n; advance() }
        guard peek.isOp("(") else { throw error("expected `(` and the parameters after `fn\(name.map { " " + $0 } ?? "")`", at: peek.location) }
        let params = try parameterList()
        let body = try withoutHead { try $0.block() }
        return FunctionDecl(name: name, parameters: params, body: body, location: loc)
    }

    /// `( name [= default], … )`
    mutating func parameterList() throws -> [Parameter] {
        let opened = peek.location
        advance() // (
        ignoreNewlines.append(true)
        defer { ignoreNewlines.removeLast() }
        var params: [Parameter] = []
        while !peek.isOp(")") {
            guard case .identifier(let n) = peek.kind else {
                if case .keyword(let k) = peek.kind {
                    throw error("`\(k.rawValue)` is a keyword and cannot be a parameter name", at: peek.location,
                                hint: "pick another name, e.g. `\(k.rawValue)_`")
                }
                throw error("expected a parameter name, found \(peek.kind.display)", at: peek.location)
            }
            let ploc = peek.location
            advance()
            var def: Expr? = nil
            if peek.isOp("=") { advance(); def = try withoutHead { try $0.expression() } }
            params.append(Parameter(name: n, defaultValue: def, location: ploc))
            if peek.isOp(",") { advance(); continue }
            guard peek.isOp(")") else {
                throw error("expected `,` or `)` in parameters, found \(peek.kind.display)", at: peek.location, hint: unclosed(")", opened: opened))
            }
        }
        advance()
        return params
    }

    /// `{ x => … }`, `{ (a, b) => … }` or `{ … }`: a function literal.
    mutating func trailingBlock() throws -> Expr {
        let loc = peek.location
        try enter(loc)
        defer { nesting -= 1 }
        advance() // {
        ignoreNewlines.append(false)
        defer { ignoreNewlines.removeLast() }
        skipTerminators()
        var params: [Parameter] = []
        if case .identifier(let n) = peek.kind, tokens[pos + 1].isOp("=>") {
            params = [Parameter(name: n, defaultValue: nil, location: peek.location)]
            advance(); advance()
        } else if peek.isOp("("), arrowAfterParen() {
            params = try parameterList()
            advance() // =>
        }
        ignoreNewlines.removeLast()
        ignoreNewlines.append(false)
        var stmts: [Stmt] = []
        let savedHead = inHead
        inHead = false
        defer { inHead = savedHead }
        while true {
            skipTerminators()
            if peek.isOp("}") { advance(); break }
            if peek.kind == .eof {
                report("expected `}` to close this block", at: loc, hint: "the block opened here is never closed")
                throw Failure()
            }
            if let s = statementRecovering() { stmts.append(s) }
        }
        return Expr(kind: .function(FunctionDecl(name: nil, parameters: params, body: stmts, location: loc)), location: loc)
    }

    /// True when the `(` at the cursor closes with `)` followed by `=>`.
    mutating func arrowAfterParen() -> Bool {
        if closer.isEmpty { closer = Parser.matchBrackets(tokens) }
        let c = closer[pos]
        return c > 0 && c + 1 < tokens.count && tokens[c + 1].isOp("=>")
    }

    /// For each opening bracket, the index of the token that closes it (0 if none): one pass,
    /// so looking ahead for `=>` costs O(1) however deeply brackets nest.
    static func matchBrackets(_ tokens: [Token]) -> [Int] {
        var out = [Int](repeating: 0, count: tokens.count)
        var stack: [Int] = []
        for (i, t) in tokens.enumerated() {
            switch t.kind {
            case .op("("), .op("["), .op("{"): stack.append(i)
            case .op(")"), .op("]"), .op("}"): if let o = stack.popLast() { out[o] = i }
            default: break
            }
        }
        return out
    }

    mutating func arrowBody(_ params: [Parameter], _ loc: SourceLocation) throws -> Expr {
        let body: [Stmt]
        if peek.isOp("{") {
            // `x => {k: v}` reads as a block whose first line is `k: v`: say what to write instead.
            var i = pos + 1
            while case .newline = tokens[i].kind { i += 1 }
            if tokens[i + 1].isOp(":") {
                switch tokens[i].kind {
                case .identifier, .string:
                    throw error("`{` after `=>` opens a block, not a map", at: peek.location,
                                hint: "to return a map, put it in parentheses: `=> ({…})`")
                default: break
                }
            }
            body = try withoutHead { try $0.block() }
        } else {
            let e = try expression() // still in a head, if we were: `{` there opens the body
            body = [Stmt(kind: .expression(e), location: e.location)]
        }
        return Expr(kind: .function(FunctionDecl(name: nil, parameters: params, body: body, location: loc)), location: loc)
    }
}
