/// Recursive-descent parser for `grammar/ogpu.ebnf`. Reports every syntax error in a file:
/// a statement that fails to parse is reported, skipped to the next line, and parsing goes on.
///
/// This file holds the parser's state, the program loop with error recovery, the token cursor and
/// error reporting. The grammar rules live in extensions: ParseStatements, ParseExpressions,
/// ParseFunctions and ParseLiterals; IncompleteInput answers the REPL's "is this line finished?".
struct Parser {
    struct Failure: Error {}

    var tokens: [Token]
    var pos = 0
    let file: String
    var diagnostics: [Diagnostic] = []
    /// Top of stack true: newlines are insignificant (inside `( )`, `[ ]`, map `{ }`).
    var ignoreNewlines: [Bool] = [false]
    /// True while parsing an `if`/`while`/`for` head, where `{` opens the body, not a trailing block.
    var inHead = false
    /// Closing-bracket index per opening bracket (built on first use).
    var closer: [Int] = []
    /// Current nesting of expressions and blocks; bounded so hostile input cannot exhaust the stack.
    var nesting = 0
    static let maxNesting = 200
    /// Where parsing goes on after an error that found the next statement already (an unclosed
    /// bracket noticed at the following `let`), instead of skipping to the next line.
    var resumeAt: Int?

    mutating func enter(_ at: SourceLocation) throws {
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

    mutating func statementRecovering() -> Stmt? {
        let saved = (ignoreNewlines, inHead, nesting)
        do {
            let s = try statement()
            try endOfStatement()
            return s
        } catch {
            (ignoreNewlines, inHead, nesting) = saved
            if let resume = resumeAt { pos = resume; resumeAt = nil } else { synchronize() }
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
            case .op(")"), .op("]"): depth = max(depth - 1, 0) // may close a bracket the failed statement opened
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

    mutating func skipTerminators() {
        while case .newline = tokens[pos].kind { pos += 1 }
        while tokens[pos].isOp(";") || tokens[pos].kind == .newline { pos += 1 }
    }

    // MARK: - Parsing modes

    /// Runs `body` as an `if`/`while`/`for` head, where `{` opens the statement's body rather than
    /// a trailing-block argument.
    mutating func head<T>(_ body: (inout Parser) throws -> T) throws -> T {
        let saved = inHead
        inHead = true
        defer { inHead = saved }
        return try body(&self)
    }

    /// Runs `body` inside brackets, where `{` is a trailing block again even within a head.
    mutating func withoutHead<T>(_ body: (inout Parser) throws -> T) throws -> T {
        let saved = inHead
        inHead = false
        defer { inHead = saved }
        return try body(&self)
    }

    // MARK: - Token cursor

    var peek: Token {
        mutating get {
            if ignoreNewlines.last! { while case .newline = tokens[pos].kind { pos += 1 } }
            return tokens[pos]
        }
    }

    /// The next token that is not a newline (without consuming anything).
    func peekAfterNewline() -> Token {
        var i = pos
        while case .newline = tokens[i].kind { i += 1 }
        return tokens[i]
    }

    mutating func advance() {
        _ = peek
        if pos < tokens.count - 1 { pos += 1 }
    }

    mutating func skipNewlinesRaw() {
        while case .newline = tokens[pos].kind { pos += 1 }
    }

    mutating func skipNewlinesIfIgnoring() {
        if ignoreNewlines.last! { skipNewlinesRaw() }
    }

    mutating func identifier(_ what: String) throws -> (String, SourceLocation) {
        let t = peek
        if case .identifier(let n) = t.kind { advance(); return (n, t.location) }
        if case .keyword(let k) = t.kind {
            throw error("`\(k.rawValue)` is a keyword and cannot be used as a name", at: t.location, hint: "pick another name, e.g. `\(k.rawValue)_`")
        }
        throw error("expected \(what), found \(t.kind.display)", at: t.location)
    }

    mutating func expectOp(_ op: String, _ what: String, opened: SourceLocation? = nil) throws {
        if peek.isOp(op) { advance(); return }
        throw error("expected \(what), found \(peek.kind.display)", at: peek.location,
                    hint: opened.map { unclosed(op, opened: $0) })
    }

    /// Inside brackets, a statement keyword on a later line means the bracket was never closed:
    /// report that, at the statement, naming where the bracket opened.
    mutating func checkStillInside(_ closing: String, opened: SourceLocation) throws {
        let t = peek
        if t.kind == .eof {
            throw error("expected `\(closing)`, found end of input", at: t.location, hint: unclosed(closing, opened: opened))
        }
        guard t.location.line > opened.line, case .keyword(let k) = t.kind,
              [.let, .var, .if, .while, .for, .return, .import, .try, .throw].contains(k) else { return }
        resumeAt = pos
        throw error("expected `\(closing)` before this `\(k.rawValue)` statement", at: t.location,
                    hint: unclosed(closing, opened: opened))
    }

    /// The help for a missing closing bracket: where its opening one is.
    func unclosed(_ closing: String, opened: SourceLocation) -> String {
        let opening = ["\u{29}": "(", "]": "[", "}": "{"][closing] ?? closing
        return "add `\(closing)` to close the `\(opening)` opened at line \(opened.line), column \(opened.column)"
    }

    mutating func report(_ message: String, at location: SourceLocation, hint: String? = nil) {
        diagnostics.append(Diagnostic(.error, kind: "syntax", message, at: location, hint: hint))
    }

    mutating func error(_ message: String, at location: SourceLocation, hint: String? = nil) -> Failure {
        // One report per position: a lexer error at the same spot already explains it.
        if !diagnostics.contains(where: { $0.location.line == location.line && $0.location.column == location.column }) {
            report(message, at: location, hint: hint)
        }
        return Failure()
    }
}
