import BigInt
import OGPUKit

/// Recursive-descent parser for `grammar/ogpu.ebnf`. Reports every syntax error in a file:
/// a statement that fails to parse is reported, skipped to the next line, and parsing goes on.
struct Parser {
    struct Failure: Error {}

    private var tokens: [Token]
    private var pos = 0
    let file: String
    var diagnostics: [Diagnostic] = []
    /// Top of stack true: newlines are insignificant (inside `( )`, `[ ]`, map `{ }`).
    private var ignoreNewlines: [Bool] = [false]
    /// True while parsing an `if`/`while`/`for` head, where `{` opens the body, not a trailing block.
    private var inHead = false
    /// Current nesting of expressions and blocks; bounded so hostile input cannot exhaust the stack.
    private var nesting = 0
    static let maxNesting = 200

    private mutating func enter(_ at: SourceLocation) throws {
        nesting += 1
        if nesting > Parser.maxNesting {
            throw error("expression nested too deeply (more than \(Parser.maxNesting) levels)", at: at)
        }
    }

    init(source: String, file: String) {
        var lexer = Lexer(source, file: file)
        tokens = lexer.tokenize()
        self.file = file
        diagnostics = lexer.diagnostics
    }

    /// For string interpolation fragments.
    init(fragment: String, file: String, location: SourceLocation) {
        var lexer = Lexer(fragment, file: file, line: location.line, column: location.column)
        tokens = lexer.tokenize()
        self.file = file
        diagnostics = lexer.diagnostics
    }

    // MARK: - Program and statements

    mutating func parseProgram() -> [Stmt] {
        var stmts: [Stmt] = []
        while true {
            skipTerminators()
            if peek.kind == .eof { break }
            if peek.isOp("}") {
                report("unexpected `}`", at: peek.location, hint: "there is no `{` open here")
                advance()
                continue
            }
            if let s = statementRecovering() { stmts.append(s) }
        }
        return stmts
    }

    private mutating func statementRecovering() -> Stmt? {
        let saved = (ignoreNewlines, inHead, nesting)
        do {
            let s = try statement()
            try endOfStatement()
            return s
        } catch {
            (ignoreNewlines, inHead, nesting) = saved
            synchronize()
            return nil
        }
    }

    /// Skip to the start of the next statement: past the next newline or `;` not nested in brackets,
    /// stopping before a `}` that closes the enclosing block.
    private mutating func synchronize() {
        var depth = 0
        while true {
            let t = tokens[pos]
            switch t.kind {
            case .eof: return
            case .newline, .op(";"):
                if depth <= 0 { pos += 1; return }
            case .op("("), .op("["), .op("{"): depth += 1
            case .op(")"), .op("]"): depth -= 1
            case .op("}"):
                if depth <= 0 { return }
                depth -= 1
            default: break
            }
            pos += 1
        }
    }

    private mutating func endOfStatement() throws {
        let t = peek
        switch t.kind {
        case .newline, .op(";"): advance()
        case .eof, .op("}"): break
        default:
            throw error("expected end of statement, found \(t.kind.display)", at: t.location,
                        hint: t.isOp("=") ? "`=` assigns to a name, an element `xs[i]` or a field `m.k`" : "put each statement on its own line or separate them with `;`")
        }
    }

    private mutating func skipTerminators() {
        while case .newline = tokens[pos].kind { pos += 1 }
        while tokens[pos].isOp(";") || tokens[pos].kind == .newline { pos += 1 }
    }

    private static let misnamedKeywords: [String: String] = [
        "const": "let", "val": "let", "mut": "var", "local": "var", "def": "fn", "function": "fn",
        "func": "fn", "fun": "fn", "elif": "else if", "elsif": "else if",
    ]

    private mutating func statement() throws -> Stmt {
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
            let opLoc = peek.location
            switch target.kind {
            case .name, .index, .member: break
            default:
                throw error("cannot assign to this expression", at: target.location,
                            hint: "assign to a name, an element `xs[i]` or a field `m.k`")
            }
            advance()
            skipNewlinesRaw()
            let value = try commandOrPipeline()
            _ = opLoc
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

    private mutating func head<T>(_ body: (inout Parser) throws -> T) throws -> T {
        let saved = inHead
        inHead = true
        defer { inHead = saved }
        return try body(&self)
    }

    /// `{ statements }` with newlines significant inside.
    private mutating func block() throws -> [Stmt] {
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

    // MARK: - Expressions

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
                let args = try argumentList(closing: ")")
                e = Expr(kind: .call(e, args), location: e.location)
            } else if t.isOp("[") {
                advance()
                ignoreNewlines.append(true)
                skipNewlinesIfIgnoring()
                let index = try withoutHead { try $0.expression() }
                skipNewlinesIfIgnoring()
                ignoreNewlines.removeLast()
                try expectOp("]", "`]` to close the index")
                e = Expr(kind: .index(e, index), location: e.location)
            } else if t.isOp(".") || (ignoreNewlines.last! == false && peekAfterNewline().isOp(".") && false) {
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

    private func isBlockCallee(_ e: Expr) -> Bool {
        switch e.kind {
        case .name, .call, .member: return true
        default: return false
        }
    }

    private mutating func withoutHead<T>(_ body: (inout Parser) throws -> T) throws -> T {
        let saved = inHead
        inHead = false
        defer { inHead = saved }
        return try body(&self)
    }

    /// `{ x => … }`, `{ (a, b) => … }` or `{ … }`: a function literal.
    private mutating func trailingBlock() throws -> Expr {
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
                report("expected `}` to close this block", at: loc)
                throw Failure()
            }
            if let s = statementRecovering() { stmts.append(s) }
        }
        return Expr(kind: .function(FunctionDecl(name: nil, parameters: params, body: stmts, location: loc)), location: loc)
    }

    /// True when the `(` at the cursor closes with `)` followed by `=>`.
    private func arrowAfterParen() -> Bool {
        var depth = 0
        var i = pos
        while i < tokens.count {
            switch tokens[i].kind {
            case .op("("), .op("["), .op("{"): depth += 1
            case .op(")"), .op("]"), .op("}"):
                depth -= 1
                if depth == 0 { return tokens[i + 1].isOp("=>") }
            case .eof: return false
            default: break
            }
            i += 1
        }
        return false
    }

    private mutating func primary() throws -> Expr {
        let t = peek
        let loc = t.location
        switch t.kind {
        case .int(let text):
            advance()
            return Expr(kind: .literal(Parser.intValue(text)), location: loc)
        case .dec(let text):
            advance()
            guard let d = Dec(parsing: text) else { throw error("invalid number `\(text)`", at: loc) }
            return Expr(kind: .literal(.dec(d)), location: loc)
        case .duration(let text, let unit):
            advance()
            guard let d = Dec(parsing: text) else { throw error("invalid duration `\(text)\(unit)`", at: loc) }
            return Expr(kind: .literal(.duration(Parser.seconds(d, unit))), location: loc)
        case .address(let text):
            advance()
            if let problem = Parser.addressProblem(text) {
                report(problem, at: loc, hint: "use all lowercase to skip the checksum, or copy the address exactly")
            }
            return Expr(kind: .literal(.address(Parser.address(text))), location: loc)
        case .string(let parts):
            advance()
            return try stringLiteral(parts, loc)
        case .keyword(.true): advance(); return Expr(kind: .literal(.bool(true)), location: loc)
        case .keyword(.false): advance(); return Expr(kind: .literal(.bool(false)), location: loc)
        case .keyword(.nil): advance(); return Expr(kind: .literal(.null), location: loc)
        case .keyword(.fn):
            return Expr(kind: .function(try functionLiteral()), location: loc)
        case .identifier(let name):
            advance()
            if peek.isOp("=>") {
                advance(); skipNewlinesRaw()
                return try arrowBody([Parameter(name: name, defaultValue: nil, location: loc)], loc)
            }
            return Expr(kind: .name(name), location: loc)
        case .op("("):
            if arrowAfterParen() {
                let params = try parameterList()
                advance() // =>
                skipNewlinesRaw()
                return try arrowBody(params, loc)
            }
            advance()
            ignoreNewlines.append(true)
            skipNewlinesIfIgnoring()
            let inner = try withoutHead { try $0.expression() }
            skipNewlinesIfIgnoring()
            ignoreNewlines.removeLast()
            try expectOp(")", "`)` to close `(`")
            return Expr(kind: inner.kind, location: inner.location)
        case .op("["):
            advance()
            ignoreNewlines.append(true)
            defer { ignoreNewlines.removeLast() }
            var items: [Expr] = []
            while !peek.isOp("]") {
                items.append(try withoutHead { try $0.expression() })
                if peek.isOp(",") { advance(); continue }
                guard peek.isOp("]") else { throw error("expected `,` or `]` in list, found \(peek.kind.display)", at: peek.location) }
            }
            advance()
            return Expr(kind: .list(items), location: loc)
        case .op("{"):
            return try mapLiteral()
        case .newline, .eof:
            throw error("expected an expression, found \(t.kind.display)", at: loc)
        case .keyword(let k):
            throw error("`\(k.rawValue)` is a keyword and cannot be used as a value here", at: loc,
                        hint: [.let, .var, .if, .while, .for, .return].contains(k) ? "statements cannot appear inside expressions" : nil)
        default:
            throw error("expected an expression, found \(t.kind.display)", at: loc)
        }
    }

    private mutating func arrowBody(_ params: [Parameter], _ loc: SourceLocation) throws -> Expr {
        let body: [Stmt]
        if peek.isOp("{") {
            body = try withoutHead { try $0.block() }
        } else {
            let e = try expression() // still in a head, if we were: `{` there opens the body
            body = [Stmt(kind: .expression(e), location: e.location)]
        }
        return Expr(kind: .function(FunctionDecl(name: nil, parameters: params, body: body, location: loc)), location: loc)
    }

    private mutating func mapLiteral() throws -> Expr {
        let loc = peek.location
        advance() // {
        ignoreNewlines.append(true)
        defer { ignoreNewlines.removeLast() }
        var entries: [(key: String, value: Expr)] = []
        while !peek.isOp("}") {
            let key: String
            switch peek.kind {
            case .identifier(let n): key = n
            case .keyword(let k): key = k.rawValue
            case .string(let parts):
                var s = ""
                for p in parts {
                    guard case .text(let x) = p else { throw error("a map key cannot use interpolation", at: peek.location) }
                    s += x
                }
                key = s
            default:
                throw error("expected a map key (a name or a string), found \(peek.kind.display)", at: peek.location)
            }
            advance()
            try expectOp(":", "`:` after the map key")
            entries.append((key, try withoutHead { try $0.expression() }))
            if peek.isOp(",") { advance(); continue }
            guard peek.isOp("}") else { throw error("expected `,` or `}` in map, found \(peek.kind.display)", at: peek.location) }
        }
        advance()
        return Expr(kind: .map(entries), location: loc)
    }

    private mutating func stringLiteral(_ parts: [StringPart], _ loc: SourceLocation) throws -> Expr {
        var out: [InterpolationPart] = []
        for p in parts {
            switch p {
            case .text(let s): out.append(.text(s))
            case .code(let code, let at, _):
                var sub = Parser(fragment: code, file: file, location: at)
                let e = try? sub.expression()
                if let e, sub.peek.kind == .eof, sub.diagnostics.isEmpty {
                    out.append(.expr(e))
                } else {
                    if sub.diagnostics.isEmpty {
                        sub.report("invalid expression in string interpolation", at: sub.peek.location, hint: "write `\\{` for a literal brace")
                    }
                    diagnostics += sub.diagnostics
                }
            }
        }
        if out.isEmpty { return Expr(kind: .literal(.string("")), location: loc) }
        if out.count == 1, case .text(let s) = out[0] { return Expr(kind: .literal(.string(s)), location: loc) }
        return Expr(kind: .interpolation(out), location: loc)
    }

    /// `fn name?(params) { body }`
    private mutating func functionLiteral() throws -> FunctionDecl {
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
    private mutating func parameterList() throws -> [Parameter] {
        advance() // (
        ignoreNewlines.append(true)
        defer { ignoreNewlines.removeLast() }
        var params: [Parameter] = []
        while !peek.isOp(")") {
            guard case .identifier(let n) = peek.kind else {
                throw error("expected a parameter name, found \(peek.kind.display)", at: peek.location)
            }
            let ploc = peek.location
            advance()
            var def: Expr? = nil
            if peek.isOp("=") { advance(); def = try withoutHead { try $0.expression() } }
            params.append(Parameter(name: n, defaultValue: def, location: ploc))
            if peek.isOp(",") { advance(); continue }
            guard peek.isOp(")") else { throw error("expected `,` or `)` in parameters, found \(peek.kind.display)", at: peek.location) }
        }
        advance()
        return params
    }

    /// Arguments up to `closing`: positional then `label: value`.
    private mutating func argumentList(closing: String) throws -> [Argument] {
        ignoreNewlines.append(true)
        defer { ignoreNewlines.removeLast() }
        var args: [Argument] = []
        while !peek.isOp(closing) {
            args.append(try withoutHead { try $0.argument() })
            if peek.isOp(",") { advance(); continue }
            guard peek.isOp(closing) else {
                throw error("expected `,` or `\(closing)` in arguments, found \(peek.kind.display)", at: peek.location)
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
            return Argument(label: label, value: try conditional(), labelLocation: t.location)
        }
        return Argument(label: nil, value: try conditional())
    }

    // MARK: - Literal helpers

    static func intValue(_ text: String) -> Value {
        if text.hasPrefix("0x") {
            let digits = String(text.dropFirst(2))
            if let i = Int(digits, radix: 16) { return .int(i) }
            return Value.integer(BigInt(digits, radix: 16) ?? 0)
        }
        if let i = Int(text) { return .int(i) }
        return Value.integer(BigInt(text) ?? 0)
    }

    static func seconds(_ d: Dec, _ unit: String) -> Dec {
        switch unit {
        case "ms": return Dec.divide(d, Dec(1000)) ?? d
        case "m": return d * Dec(60)
        case "h": return d * Dec(3600)
        case "d": return d * Dec(86400)
        default: return d
        }
    }

    static func address(_ text: String) -> Address {
        (try? Address(hex: text.lowercased())) ?? Address.zero
    }

    /// EIP-55 check for mixed-case address literals (§2); nil when fine.
    static func addressProblem(_ text: String) -> String? {
        AddressChecksum.problem(text)
    }

    // MARK: - Token cursor

    private var peek: Token {
        mutating get {
            if ignoreNewlines.last! { while case .newline = tokens[pos].kind { pos += 1 } }
            return tokens[pos]
        }
    }

    /// The next token that is not a newline (without consuming anything).
    private func peekAfterNewline() -> Token {
        var i = pos
        while case .newline = tokens[i].kind { i += 1 }
        return tokens[i]
    }

    private mutating func advance() {
        _ = peek
        if pos < tokens.count - 1 { pos += 1 }
    }

    private mutating func skipNewlinesRaw() {
        while case .newline = tokens[pos].kind { pos += 1 }
    }

    private mutating func skipNewlinesIfIgnoring() {
        if ignoreNewlines.last! { skipNewlinesRaw() }
    }

    private mutating func identifier(_ what: String) throws -> (String, SourceLocation) {
        let t = peek
        if case .identifier(let n) = t.kind { advance(); return (n, t.location) }
        if case .keyword(let k) = t.kind {
            throw error("`\(k.rawValue)` is a keyword and cannot be used as a name", at: t.location, hint: "pick another name, e.g. `\(k.rawValue)_`")
        }
        throw error("expected \(what), found \(t.kind.display)", at: t.location)
    }

    private mutating func expectOp(_ op: String, _ what: String) throws {
        if peek.isOp(op) { advance(); return }
        throw error("expected \(what), found \(peek.kind.display)", at: peek.location)
    }

    mutating func report(_ message: String, at location: SourceLocation, hint: String? = nil) {
        diagnostics.append(Diagnostic(.error, kind: "syntax", message, at: location, hint: hint))
    }

    private mutating func error(_ message: String, at location: SourceLocation, hint: String? = nil) -> Failure {
        // One report per position: a lexer error at the same spot already explains it.
        if !diagnostics.contains(where: { $0.location.line == location.line && $0.location.column == location.column }) {
            report(message, at: location, hint: hint)
        }
        return Failure()
    }

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
