/// What an editor asks of a script without running it: its declarations (an outline), where the
/// name at a place was declared, and the built-ins' documentation. Built on the parser's tree and
/// the same scoping rules the compiler applies: a function body, a loop body and a `catch` body open
/// a scope; top-level `fn`s are visible everywhere (they are defined before the first statement
/// runs); any other name from its declaration on.
public struct ScriptSymbol: Equatable, Sendable {
    public enum Kind: String, Sendable { case constant, variable, function, parameter }
    public var name: String
    public var kind: Kind
    /// Where the declaration is (1-based line and column, as diagnostics report them).
    public var location: SourceLocation
    /// `fn name(a, b = 2)` for functions, `let name` / `var name` otherwise.
    public var detail: String
    /// The declarations inside a function's body (its parameters first).
    public var children: [ScriptSymbol]
}

/// One parse of a script, asked any number of questions.
public struct Outline {
    private let program: [Stmt]

    public init(source: String, path: String) {
        var parser = Parser(source: source, file: path)
        program = parser.parseProgram()
    }

    /// The script's declarations, nested as they are written (functions hold their own).
    public var symbols: [ScriptSymbol] { Self.collect(program) }

    /// Where the name at `line`:`column` (1-based) was declared, when it is declared in this script;
    /// nil for built-ins, unknown names and places that are not a name.
    public func definition(line: Int, column: Int) -> SourceLocation? {
        var finder = DefinitionFinder(line: line, column: column)
        finder.scopes = [Self.hoisted(program)]
        finder.walk(program)
        return finder.found
    }

    /// The built-in called `name`: its one-paragraph documentation.
    public static func builtinDoc(_ name: String) -> String? { Builtins.docs[name] }

    // MARK: - Outline

    private static func collect(_ body: [Stmt]) -> [ScriptSymbol] {
        var out: [ScriptSymbol] = []
        for s in body {
            switch s.kind {
            case .declaration(let name, let isConstant, let value):
                var symbol = ScriptSymbol(name: name, kind: isConstant ? .constant : .variable, location: nameLocation(s, name),
                                          detail: (isConstant ? "let " : "var ") + name, children: [])
                if case .function(let f) = value.kind { symbol.children = functionChildren(f) }
                out.append(symbol)
            case .function(let f):
                out.append(ScriptSymbol(name: f.name ?? "fn", kind: .function, location: f.location,
                                        detail: signature(f), children: functionChildren(f)))
            case .ifElse(_, let a, let b): out += collect(a) + collect(b ?? [])
            case .whileLoop(_, let b), .forLoop(_, _, _, let b), .block(let b): out += collect(b)
            case .tryCatch(let a, _, let b): out += collect(a) + collect(b)
            default: break
            }
        }
        return out
    }

    private static func functionChildren(_ f: FunctionDecl) -> [ScriptSymbol] {
        f.parameters.map { ScriptSymbol(name: $0.name, kind: .parameter, location: $0.location, detail: $0.name, children: []) }
            + collect(f.body)
    }

    /// A `let`/`var` statement starts at its keyword; its name comes after `let ` / `var `.
    static func nameLocation(_ s: Stmt, _ name: String) -> SourceLocation {
        SourceLocation(file: s.location.file, line: s.location.line, column: s.location.column + 4, length: name.count)
    }

    /// `fn name(a, b = …)`.
    static func signature(_ f: FunctionDecl) -> String {
        "fn \(f.name ?? "")(" + f.parameters.map { $0.name + ($0.defaultValue == nil ? "" : " = …") }.joined(separator: ", ") + ")"
    }

    /// The top-level functions: visible from the first line.
    private static func hoisted(_ body: [Stmt]) -> [String: SourceLocation] {
        var names: [String: SourceLocation] = [:]
        for s in body { if case .function(let f) = s.kind, let n = f.name { names[n] = f.location } }
        return names
    }
}

/// Walks the tree in source order with a stack of scopes, and notes the declaration of the name
/// whose use (or declaration) covers the asked place.
private struct DefinitionFinder {
    let line: Int, column: Int
    var scopes: [[String: SourceLocation]] = [[:]]
    var found: SourceLocation?
    /// The name at the place was reached (declared here or not): nothing after it matters.
    var done = false

    init(line: Int, column: Int) { self.line = line; self.column = column }

    func covers(_ l: SourceLocation, _ name: String) -> Bool {
        l.line == line && column >= l.column && column < l.column + max(l.length, name.count)
    }

    func lookup(_ name: String) -> SourceLocation? {
        for scope in scopes.reversed() { if let l = scope[name] { return l } }
        return nil
    }

    mutating func declare(_ name: String, _ l: SourceLocation) {
        scopes[scopes.count - 1][name] = l
        if !done, covers(l, name) { found = l; done = true }
    }

    mutating func walk(_ body: [Stmt]) {
        for s in body where !done { walk(s) }
    }

    mutating func scoped(_ names: [(String, SourceLocation)], _ body: [Stmt]) {
        scopes.append([:])
        for (n, l) in names { declare(n, l) }
        walk(body)
        scopes.removeLast()
    }

    mutating func walk(_ s: Stmt) {
        switch s.kind {
        case .expression(let e), .throwError(let e): walk(e)
        case .declaration(let name, _, let value):
            walk(value)
            declare(name, Outline.nameLocation(s, name))
        case .assignment(let target, _, let value): walk(target); walk(value)
        case .function(let f):
            if let n = f.name { declare(n, f.location) }
            function(f)
        case .ifElse(let c, let a, let b): walk(c); scoped([], a); if let b { scoped([], b) }
        case .whileLoop(let c, let b): walk(c); scoped([], b)
        case .forLoop(let a, let b, let x, let body):
            walk(x)
            var names = [(a, s.location)]
            if let b { names.append((b, s.location)) }
            scoped(names, body)
        case .block(let b): scoped([], b)
        case .returnValue(let e): if let e { walk(e) }
        case .tryCatch(let a, let name, let b): scoped([], a); scoped(name.map { [($0, s.location)] } ?? [], b)
        case .assertion(let c, let m): walk(c); if let m { walk(m) }
        case .breakLoop, .continueLoop, .importFile: break
        }
    }

    mutating func function(_ f: FunctionDecl) {
        for p in f.parameters { if let d = p.defaultValue { walk(d) } }
        scoped(f.parameters.map { ($0.name, $0.location) }, f.body)
    }

    mutating func walk(_ e: Expr) {
        guard !done else { return }
        switch e.kind {
        case .name(let n):
            if covers(e.location, n) { found = lookup(n); done = true }
        case .literal: break
        case .interpolation(let parts): for case .expr(let x) in parts { walk(x) }
        case .list(let xs): xs.forEach { walk($0) }
        case .map(let pairs): pairs.forEach { walk($0.value) }
        case .unary(_, let x), .member(let x, _): walk(x)
        case .binary(_, let a, let b), .and(let a, let b), .or(let a, let b), .range(let a, let b, _), .index(let a, let b):
            walk(a); walk(b)
        case .conditional(let a, let b, let c): walk(a); walk(b); walk(c)
        case .call(let f, let args): walk(f); args.forEach { walk($0.value) }
        case .function(let f): function(f)
        }
    }
}
