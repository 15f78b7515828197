/// Expressions by precedence, lowest first: pipelines, `? :`, `or`, `and`, `not`, comparisons,
/// ranges, `+ -`, `* / // %`, unary `-`, `**`, then postfix calls, indexes, members and trailing blocks.
extension Parser {
    /// A command call (`print "hi", x`) when the tokens say so, then any `|>` stages.
    mutating func commandOrPipeline() throws -> Expr {
        if case .identifier(let name) = peek.kind, isCommandStart() {
            let loc = peek.location
            advance()
            var args: [Argument] = []
            repeat {
                if !args.isEmpty { advance(); skipNewlinesRaw() }
                args.append(try argument())
            } while peek.isOp(",")
            let call = Expr(kind: .call(Expr(kind: .name(name), location: loc), args), location: loc)
            return try pipelineStages(from: call)
        }
        return try expression()
    }

    /// Identifier followed (after a space, on the same line) by a token that starts an expression
    /// but cannot continue one (§4 command calls).
    private func isCommandStart() -> Bool {
        let next = tokens[pos + 1]
        guard next.spaceBefore else { return false }
        switch next.kind {
        case .identifier, .int, .dec, .duration, .address, .string: return true
        case .keyword(let k): return k == .true || k == .false || k == .nil || k == .not
        case .op("("), .op("["): return true
        case .op("-"): return !next.spaceAfter
        default: return false
        }
    }

    /// expression := conditional { "|>" postfix }
    mutating func expression() throws -> Expr {
        try pipelineStages(from: try conditional())
    }

    private mutating func pipelineStages(from start: Expr) throws -> Expr {
        var value = start
        while peek.isOp("|>") || (peekAfterNewline().isOp("|>") && !ignoreNewlines.last!) {
            skipNewlinesRaw()
            let loc = peek.location
            advance()
            skipNewlinesRaw()
            let stage = try postfix()
            if case .call(let callee, var args) = stage.kind {
                args.insert(Argument(label: nil, value: value), at: 0)
                value = Expr(kind: .call(callee, args), location: stage.location)
            } else {
                value = Expr(kind: .call(stage, [Argument(label: nil, value: value)]), location: loc)
            }
        }
        return value
    }

    private mutating func conditional() throws -> Expr {
        try enter(peek.location)
        defer { nesting -= 1 }
        let cond = try orExpr()
        guard peek.isOp("?") else { return cond }
        advance(); skipNewlinesRaw()
        let a = try conditional()
        skipNewlinesIfIgnoring()
        try expectOp(":", "`:` between the two branches of `? :`")
        skipNewlinesRaw()
        let b = try conditional()
        return Expr(kind: .conditional(cond, a, b), location: cond.location)
    }

    private mutating func orExpr() throws -> Expr {
        var lhs = try andExpr()
        while peek.isKeyword(.or) {
            advance(); skipNewlinesRaw()
            lhs = Expr(kind: .or(lhs, try andExpr()), location: lhs.location)
        }
        return lhs
    }

    private mutating func andExpr() throws -> Expr {
        var lhs = try notExpr()
        while peek.isKeyword(.and) {
            advance(); skipNewlinesRaw()
            lhs = Expr(kind: .and(lhs, try notExpr()), location: lhs.location)
        }
        return lhs
    }

    private mutating func notExpr() throws -> Expr {
        if peek.isKeyword(.not) {
            let loc = peek.location
            try enter(loc)
            defer { nesting -= 1 }
            advance()
            return Expr(kind: .unary("not", try notExpr()), location: loc)
        }
        return try comparison()
    }

    private static let comparisonOps: Set<String> = ["==", "!=", "<", "<=", ">", ">="]

    private mutating func comparison() throws -> Expr {
        let lhs = try rangeExpr()
        guard case .op(let o) = peek.kind, Parser.comparisonOps.contains(o) else { return lhs }
        advance(); skipNewlinesRaw()
        let rhs = try rangeExpr()
        if case .op(let o2) = peek.kind, Parser.comparisonOps.contains(o2) {
            throw error("comparisons cannot be chained", at: peek.location, hint: "write `a < b and b < c`")
        }
        return Expr(kind: .binary(o, lhs, rhs), location: lhs.location)
    }

    private mutating func rangeExpr() throws -> Expr {
        let lhs = try additive()
        guard peek.isOp("..") || peek.isOp("..=") else { return lhs }
        let inclusive = peek.isOp("..=")
        advance(); skipNewlinesRaw()
        let rhs = try additive()
        return Expr(kind: .range(lhs, rhs, inclusive: inclusive), location: lhs.location)
    }

    private mutating func additive() throws -> Expr {
        var lhs = try multiplicative()
        while case .op(let o) = peek.kind, o == "+" || o == "-" {
            advance(); skipNewlinesRaw()
            lhs = Expr(kind: .binary(o, lhs, try multiplicative()), location: lhs.location)
        }
        return lhs
    }

    private mutating func multiplicative() throws -> Expr {
        var lhs = try unary()
        while case .op(let o) = peek.kind, o == "*" || o == "/" || o == "//" || o == "%" {
            advance(); skipNewlinesRaw()
            lhs = Expr(kind: .binary(o, lhs, try unary()), location: lhs.location)
        }
        return lhs
    }

    private mutating func unary() throws -> Expr {
        if peek.isOp("-") {
            let loc = peek.location
            try enter(loc)
            defer { nesting -= 1 }
            advance()
            let operand = try unary()
            return Expr(kind: .unary("-", operand), location: loc)
        }
        return try power()
    }

    private mutating func power() throws -> Expr {
        let base = try postfix()
        guard peek.isOp("**") else { return base }
        advance(); skipNewlinesRaw()
        let exponent = try unary() // right-associative; `2 ** -1` allowed
        return Expr(kind: .binary("**", base, exponent), location: base.location)
    }

    private mutating func postfix() throws -> Expr {
        var e = try primary()
        while true {
            let t = peek
            if t.isOp("(") && !t.isNewlineOrEnd {
                advance()
                let args = try argumentList(closing: ")", opened: t.location)
                e = Expr(kind: .call(e, args), location: e.location)
            } else if t.isOp("[") {
                advance()
                let index = try bracketedExpression(closing: "]", "`]` to close the index", opened: t.location)
                e = Expr(kind: .index(e, index), location: e.location)
            } else if t.isOp(".") {
                advance()
                skipNewlinesRaw()
                let name: String
                switch peek.kind {
                case .identifier(let n): name = n
                case .keyword(let k): name = k.rawValue
                default: throw error("expected a name after `.`, found \(peek.kind.display)", at: peek.location)
                }
                let loc = peek.location
                advance()
                e = Expr(kind: .member(e, name), location: loc)
            } else if t.isOp("{") && !inHead {
                let fn = try trailingBlock()
                if case .call(let callee, var args) = e.kind {
                    args.append(Argument(label: nil, value: fn))
                    e = Expr(kind: .call(callee, args), location: e.location)
                } else {
                    e = Expr(kind: .call(e, [Argument(label: nil, value: fn)]), location: e.location)
                }
            } else {
                return e
            }
        }
    }

    /// The expression after an opening bracket, up to `closing`: newlines inside do not end it, and
    /// `{` is a trailing block again even in an `if`/`while`/`for` head.
    mutating func bracketedExpression(closing: String, _ what: String, opened: SourceLocation) throws -> Expr {
        ignoreNewlines.append(true)
        skipNewlinesIfIgnoring()
        try checkStillInside(closing, opened: opened)
        let inner = try withoutHead { try $0.expression() }
        skipNewlinesIfIgnoring()
        ignoreNewlines.removeLast()
        try expectOp(closing, what, opened: opened)
        return inner
    }

    /// Arguments up to `closing`: positional then `label: value`.
    private mutating func argumentList(closing: String, opened: SourceLocation) throws -> [Argument] {
        ignoreNewlines.append(true)
        defer { ignoreNewlines.removeLast() }
        var args: [Argument] = []
        while !peek.isOp(closing) {
            try checkStillInside(closing, opened: opened)
            args.append(try withoutHead { try $0.argument() })
            if peek.isOp(",") { advance(); continue }
            guard peek.isOp(closing) else {
                throw error("expected `,` or `\(closing)` in arguments, found \(peek.kind.display)", at: peek.location,
                            hint: unclosed(closing, opened: opened))
            }
        }
        advance()
        return args
    }

    private mutating func argument() throws -> Argument {
        let t = peek
        var label: String? = nil
        switch t.kind {
        case .identifier(let n): label = n
        case .keyword(let k): label = k.rawValue
        default: break
        }
        if let label, tokens[pos + 1].isOp(":") {
            advance(); advance()
            skipNewlinesIfIgnoring()
            let start = peek.location
            return Argument(label: label, value: try conditional(), labelLocation: t.location, span: span(from: start))
        }
        return Argument(label: nil, value: try conditional(), span: span(from: t.location))
    }

    /// From `start` to the end of the last token read, when both are on one line (else `start`).
    func span(from start: SourceLocation) -> SourceLocation {
        var i = pos - 1
        while i > 0, case .newline = tokens[i].kind { i -= 1 }
        let end = tokens[max(i, 0)].location
        guard end.line == start.line, end.column >= start.column else { return start }
        var s = start
        s.length = end.column + end.length - start.column
        return s
    }
}
