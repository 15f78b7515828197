/// Statements and blocks (grammar: `statement`, `block`).
extension Parser {
    private static let misnamedKeywords: [String: String] = [
        "const": "let", "val": "let", "mut": "var", "local": "var", "def": "fn", "function": "fn",
        "func": "fn", "fun": "fn", "elif": "else if", "elsif": "else if",
    ]

    mutating func statement() throws -> Stmt {
        let t = peek
        let loc = t.location
        switch t.kind {
        case .keyword(.let), .keyword(.var):
            advance()
            let (name, _) = try identifier("a name after `\(t.isKeyword(.let) ? "let" : "var")`")
            if peek.isOp(":") && !peekAfterNewline().isOp("=") {
                throw error("types are not written in ogpu", at: peek.location, hint: "write `let \(name) = value`")
            }
            try expectOp("=", "`=` and a value after `\(name)`")
            skipNewlinesRaw() // a newline after `=` never ends the statement (§1)
            let value = try commandOrPipeline()
            return Stmt(kind: .declaration(name: name, isConstant: t.isKeyword(.let), value: value), location: loc)
        case .keyword(.fn):
            if case .identifier = tokens[pos + 1].kind {
                let decl = try functionLiteral()
                return Stmt(kind: .function(decl), location: loc)
            }
        case .keyword(.if): return try ifStatement()
        case .keyword(.while):
            advance()
            let cond = try head { try $0.expression() }
            let body = try block()
            return Stmt(kind: .whileLoop(cond, body), location: loc)
        case .keyword(.for):
            advance()
            let (a, _) = try identifier("a loop variable after `for`")
            var b: String? = nil
            if peek.isOp(",") { advance(); b = try identifier("a second loop variable after `,`").0 }
            guard peek.isKeyword(.in) else { throw error("expected `in` after the loop variable\(b == nil ? "" : "s")", at: peek.location) }
            advance()
            let iterable = try head { try $0.expression() }
            let body = try block()
            return Stmt(kind: .forLoop(a, b, iterable, body), location: loc)
        case .keyword(.break): advance(); return Stmt(kind: .breakLoop, location: loc)
        case .keyword(.continue): advance(); return Stmt(kind: .continueLoop, location: loc)
        case .keyword(.return):
            advance()
            if peek.isNewlineOrEnd || peek.isOp("}") { return Stmt(kind: .returnValue(nil), location: loc) }
            return Stmt(kind: .returnValue(try commandOrPipeline()), location: loc)
        case .keyword(.try):
            advance()
            let body = try block()
            guard peekAfterNewline().isKeyword(.catch) else {
                throw error("expected `catch` after the `try` block", at: peek.location, hint: "write `try { … } catch e { … }`")
            }
            skipNewlinesRaw()
            advance()
            var name: String? = nil
            if case .identifier(let n) = peek.kind { name = n; advance() }
            let handler = try block()
            return Stmt(kind: .tryCatch(body, name, handler), location: loc)
        case .keyword(.throw):
            advance()
            return Stmt(kind: .throwError(try commandOrPipeline()), location: loc)
        case .keyword(.import):
            advance()
            guard case .string(let parts) = peek.kind else { throw error("expected a file path string after `import`", at: peek.location) }
            var path = ""
            for p in parts {
                guard case .text(let s) = p else { throw error("an import path cannot use interpolation", at: peek.location) }
                path += s
            }
            advance()
            return Stmt(kind: .importFile(path), location: loc)
        case .keyword(.assert):
            advance()
            let cond = try expression()
            var message: Expr? = nil
            if peek.isOp(",") { advance(); skipNewlinesRaw(); message = try expression() }
            return Stmt(kind: .assertion(cond, message), location: loc)
        case .keyword(.else):
            throw error("`else` without `if`", at: loc, hint: "`else` must follow the `}` of an `if` block")
        case .keyword(.catch):
            throw error("`catch` without `try`", at: loc)
        case .op("{"):
            return Stmt(kind: .block(try block()), location: loc)
        case .identifier(let name):
            if let suggestion = Parser.misnamedKeywords[name], case .identifier = tokens[pos + 1].kind, tokens[pos + 1].spaceBefore {
                throw error("unknown keyword `\(name)`", at: loc, hint: "did you mean `\(suggestion)`?")
            }
        default: break
        }
        // Expression statement or assignment.
        let target = try commandOrPipeline()
        if case .op(let o) = peek.kind, ["=", "+=", "-=", "*=", "/="].contains(o) {
            switch target.kind {
            case .name, .index, .member: break
            default:
                throw error("cannot assign to this expression", at: target.location,
                            hint: "assign to a name, an element `xs[i]` or a field `m.k`")
            }
            advance()
            skipNewlinesRaw()
            let value = try commandOrPipeline()
            return Stmt(kind: .assignment(target: target, op: o == "=" ? nil : String(o.dropLast()), value: value), location: target.location)
        }
        return Stmt(kind: .expression(target), location: loc)
    }

    private mutating func ifStatement() throws -> Stmt {
        let loc = peek.location
        advance() // if
        let cond = try head { try $0.expression() }
        let then = try block()
        var otherwise: [Stmt]? = nil
        if peekAfterNewline().isKeyword(.else) {
            skipNewlinesRaw()
            advance()
            if peek.isKeyword(.if) {
                otherwise = [try ifStatement()]
            } else {
                otherwise = try block()
            }
        }
        return Stmt(kind: .ifElse(cond, then, otherwise), location: loc)
    }

    /// `{ statements }` with newlines significant inside.
    mutating func block() throws -> [Stmt] {
        guard peek.isOp("{") else {
            throw error("expected `{` to start a block, found \(peek.kind.display)", at: peek.location)
        }
        let open = peek.location
        try enter(open)
        defer { nesting -= 1 }
        advance()
        ignoreNewlines.append(false)
        let savedHead = inHead
        inHead = false
        defer { ignoreNewlines.removeLast(); inHead = savedHead }
        var stmts: [Stmt] = []
        while true {
            skipTerminators()
            if peek.isOp("}") { advance(); return stmts }
            if peek.kind == .eof {
                report("expected `}` to close this block", at: open, hint: "the block opened here is never closed")
                throw Failure()
            }
            if let s = statementRecovering() { stmts.append(s) }
        }
    }
}
