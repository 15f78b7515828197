/// Resolves names (scopes, slots, captures, `let` immutability, statement placement) and turns
/// the syntax tree into nested Swift closures that run it. One pass does both: resolution
/// decides each variable's storage, and the emitted closure reads exactly that storage, so at
/// run time there is no name lookup at all.
///
/// Resolve errors (§7: they count as syntax errors) are collected in `diagnostics`; the caller
/// must not run the result when any error was reported.
typealias Eval = (Frame) throws -> Value
typealias Exec = (Frame) throws -> Flow

enum Flow { case normal, breakLoop, continueLoop, returned }

/// A compiled statement kept in an array. The struct matters: an array of bare closures stores
/// them at the generic abstraction level, and each call through one then runs two conversion
/// thunks (a tenth of a small function call's cost).
struct Step {
    let run: Exec
    let location: SourceLocation
}

/// Data only an error needs (locations), behind one pointer. A closure's captures are handed to
/// its code as arguments on every run: a `SourceLocation` is five words, which the code loaded
/// and spilled to its stack on entry (measured on fib: ~10 instructions per location per run).
final class Cold<T> {
    let value: T
    init(_ value: T) { self.value = value }
}

final class Compiler {
    let globals: Globals
    let file: String
    /// Folder of the file being compiled (for `import`).
    let directory: String
    var diagnostics: [Diagnostic] = []
    var scope: FunctionScope
    /// Globals read somewhere, with the first place (for `check` warnings).
    var globalReads: [(GlobalCell, SourceLocation)] = []
    var hasImports = false

    init(globals: Globals, file: String, directory: String) {
        self.globals = globals
        self.file = file
        self.directory = directory
        scope = FunctionScope(parent: nil, isTopLevel: true)
    }

    // MARK: - Program

    /// Compiles a whole file or REPL input. The returned code yields the value of a trailing
    /// expression statement (REPL echo), else nil.
    func compileProgram(_ stmts: [Stmt]) -> (Frame) throws -> Value? {
        globals.argumentSites.beginCompile()
        // Top-level declarations are globals; know them all first, so functions may refer to
        // names defined later in the file and assignments to `let`s are caught anywhere.
        var hoisted: [(GlobalCell, FunctionDecl)] = []
        for s in stmts {
            switch s.kind {
            case .declaration(let name, let isConstant, _):
                let c = globals.cell(name)
                c.isConstant = isConstant
                c.isDeclared = true
                c.declaredAt = s.location
            case .function(let d):
                let c = globals.cell(d.name!)
                c.isConstant = true
                c.isDeclared = true
                hoisted.append((c, d))
            case .importFile: hasImports = true
            default: break
            }
        }
        scope.capturedNames = [CaptureAnalysis.namesUsedByClosures(stmts)]
        // Top-level functions are defined before the first statement runs (they capture no locals).
        let functionMakers: [(GlobalCell, Eval)] = hoisted.map { ($0.0, compileFunction($0.1)) }
        var body: [Step] = []
        var trailing: Eval? = nil
        for (i, s) in stmts.enumerated() {
            if i == stmts.count - 1, case .expression(let e) = s.kind {
                trailing = compileExpr(e)
                continue
            }
            if case .function = s.kind { continue }
            body.append(Step(run: compileStmt(s), location: s.location))
        }
        let run = Compiler.sequence(body)
        let lastLocation = stmts.last?.location
        return { frame in
            for (cell, make) in functionMakers { cell.value = try make(frame) }
            _ = try run(frame)
            guard let trailing else { return nil }
            return try Compiler.locate(lastLocation) { try trailing(frame) }
        }
    }

    /// Slots the top-level frame needs (nested-block locals of the program).
    var topLevelSlotCount: Int { scope.slotCount }
    var topLevelCellCount: Int { scope.cellCount }

    // MARK: - Statements

    static func sequence(_ steps: [Step]) -> Exec {
        switch steps.count {
        case 0: return { _ in .normal }
        case 1:
            let s = steps[0].run, at = Cold(steps[0].location)
            return { f in
                do { return try s(f) } catch { throw ScriptError.located(error, at: at.value) }
            }
        case 2:
            // Unrolled: the two statements are constants of this closure, not array loads. The
            // locations are `Cold`: only an error reads them. The running statement is tracked by
            // number: copying a location retains its file name.
            let s0 = steps[0].run, s1 = steps[1].run, at = Cold([steps[0].location, steps[1].location])
            return { f in
                var k = 0
                do {
                    let r = try s0(f)
                    if r != .normal { return r }
                    k = 1
                    return try s1(f)
                } catch {
                    throw ScriptError.located(error, at: at.value[k])
                }
            }
        case 3:
            let s0 = steps[0].run, s1 = steps[1].run, s2 = steps[2].run
            let at = Cold([steps[0].location, steps[1].location, steps[2].location])
            return { f in
                var k = 0
                do {
                    var r = try s0(f)
                    if r != .normal { return r }
                    k = 1
                    r = try s1(f)
                    if r != .normal { return r }
                    k = 2
                    return try s2(f)
                } catch {
                    throw ScriptError.located(error, at: at.value[k])
                }
            }
        default:
            // Longer bodies: halves, down to unrolled runs of at most three (a statement loaded
            // out of an array is retained and released around its run, every time). Halving keeps
            // the nesting shallow for long files.
            let half = steps.count / 2
            let head = sequence(Array(steps.prefix(half))), rest = sequence(Array(steps.dropFirst(half)))
            return { f in
                let r = try head(f)
                if r != .normal { return r }
                return try rest(f)
            }
        }
    }

    /// A block: its own scope for names declared inside.
    func compileBlock(_ stmts: [Stmt], declaring pre: ((FunctionScope) -> Void)? = nil) -> Exec {
        scope.pushBlock(captured: CaptureAnalysis.namesUsedByClosures(stmts))
        defer { scope.popBlock() }
        pre?(scope)
        return compileStatements(stmts)
    }

    func compileStatements(_ stmts: [Stmt]) -> Exec {
        // Local functions are declared first, so they can call each other.
        var makers: [(LocalVariable, Eval)] = []
        for s in stmts {
            if case .function(let d) = s.kind {
                makers.append((declareLocal(d.name!, isConstant: true, at: d.location), { _ in .null }))
            }
        }
        var k = 0
        for s in stmts { if case .function(let d) = s.kind { makers[k].1 = compileFunction(d); k += 1 } }
        var steps: [Step] = []
        if !makers.isEmpty {
            let m = makers.map { ($0.0.storage, $0.1) }
            steps.append(Step(run: { f in
                // Boxes first (each function may capture any of them), then the closures.
                for (s, _) in m { if case .cell(let i) = s { f.cells[i] = Box(.null) } }
                for (s, make) in m {
                    let v = try make(f)
                    switch s {
                    case .cell(let i): f.cells[i].value = v
                    case .slot(let i): f.slots[i] = v
                    default: break
                    }
                }
                return .normal
            }, location: stmts[0].location))
        }
        for s in stmts {
            if case .function = s.kind { continue }
            steps.append(Step(run: compileStmt(s), location: s.location))
        }
        return Compiler.sequence(steps)
    }

    func compileStmt(_ s: Stmt) -> Exec {
        switch s.kind {
        case .expression(let e):
            let ev = compileExpr(e)
            return { f in _ = try ev(f); return .normal }

        case .declaration(let name, let isConstant, let valueExpr):
            let value = compileExpr(valueExpr)
            if scope.isTopLevel && scope.blocks.count == 1 {
                let cell = globals.cell(name)
                return { f in cell.value = try value(f); return .normal }
            }
            let v = declareLocal(name, isConstant: isConstant, at: s.location)
            switch v.storage {
            case .slot(let i):
                if let split = splitArguments(valueExpr) { return splitDeclaration(split, general: value, slot: i) }
                return { f in Compiler.store(try value(f), in: f.slots + i); return .normal }
            case .cell(let i): return { f in f.cells[i] = Box(try value(f)); return .normal }
            default: fatalError("unreachable")
            }

        case .assignment(let target, let op, let valueExpr):
            return compileAssignment(target, op, valueExpr, s.location)

        case .function:
            return { _ in .normal } // handled by compileStatements / compileProgram

        case .ifElse(let c, let a, let b):
            let cond = compileCondition(c)
            let then = compileBlock(a)
            guard let b else {
                return { f in try cond(f) ? try then(f) : .normal }
            }
            let otherwise = compileBlock(b)
            return { f in try cond(f) ? try then(f) : try otherwise(f) }

        case .whileLoop(let c, let body):
            let cond = compileCondition(c)
            scope.loopDepth += 1
            let run = compileBlock(body)
            scope.loopDepth -= 1
            return { f in
                let ctx = f.context
                while try cond(f) {
                    try ctx.checkInterrupt()
                    switch try run(f) {
                    case .breakLoop: return .normal
                    case .returned: return .returned
                    default: continue
                    }
                }
                return .normal
            }

        case .forLoop(let a, let b, let iterable, let body):
            return compileFor(a, b, iterable, body, s.location)

        case .block(let body):
            return compileBlock(body)

        case .breakLoop, .continueLoop:
            let isBreak: Bool
            if case .breakLoop = s.kind { isBreak = true } else { isBreak = false }
            if scope.loopDepth == 0 {
                error("`\(isBreak ? "break" : "continue")` outside a loop", at: s.location,
                      hint: scope.parent != nil ? "a function body does not see the loops around it" : nil)
            }
            return isBreak ? { _ in .breakLoop } : { _ in .continueLoop }

        case .returnValue(let e):
            if scope.parent == nil {
                error("`return` outside a function", at: s.location, hint: "to stop a script early, `throw` an error")
            }
            guard let e else { return { f in f.returnValue = .null; return .returned } }
            let v = compileExpr(e)
            return { f in f.returnValue = try v(f); return .returned }

        case .tryCatch(let body, let name, let handler):
            let run = compileBlock(body)
            var bind: ((Frame, Value) -> Void)? = nil
            let onError = compileBlock(handler) { scope in
                if let name {
                    let v = self.declareLocal(name, isConstant: true, at: s.location)
                    switch v.storage {
                    case .slot(let i): bind = { f, x in f.slots[i] = x }
                    case .cell(let i): bind = { f, x in f.cells[i] = Box(x) }
                    default: break
                    }
                }
            }
            let binder = bind
            return { f in
                do { return try run(f) } catch {
                    // Ctrl-C always stops the script; errors that are not the script's go on too.
                    guard let e = ScriptError.caught(error) else { throw error }
                    binder?(f, e)
                    return try onError(f)
                }
            }

        case .throwError(let e):
            let loc = e.location
            if case .map(let entries) = e.kind { return compileThrowOfMapLiteral(entries, at: loc) }
            let v = compileExpr(e)
            return { f in throw Compiler.thrownError(try v(f), at: loc) }

        case .importFile(let path):
            hasImports = true
            let dir = directory
            let into = globals
            let loc = s.location
            return { f in
                try f.context.importFile(path, from: dir, into: into, at: loc)
                return .normal
            }

        case .assertion(let c, let m):
            let cond = compileCondition(c)
            let message = m.map(compileExpr)
            let loc = s.location
            return { f in
                if try cond(f) { return .normal }
                let text = try message.map { ValueFormat.printed(try $0(f)) } ?? "assertion failed"
                throw ScriptError(.assert, text, at: loc)
            }
        }
    }

    /// `throw {kind: "value", message: "bad {i}"}`: the entries are evaluated in order, as the
    /// map literal would be, and the error is made from `kind`, `message` and `data` directly;
    /// the map itself, which nothing could see, is never built (building and freeing it was
    /// two thirds of a throw's cost in bench/lang/trycatch). Same error as `thrownError`.
    private func compileThrowOfMapLiteral(_ entries: [(key: String, value: Expr)], at loc: SourceLocation) -> Exec {
        var seen = Set<String>()
        for (k, _) in entries where !seen.insert(k).inserted {
            error("duplicate key `\(k)` in map literal", at: loc)
        }
        // One closure per entry, each running the ones before it: no array of closures to walk.
        typealias Entries = (Frame, inout ThrownParts) throws -> Void
        var run: Entries = { _, _ in }
        for (key, expr) in entries {
            let ev = compileExpr(expr), before = run
            switch key {
            case "message":
                run = { f, parts in
                    try before(f, &parts)
                    let v = try ev(f)
                    if case .string(let s) = v { parts.message = s } else { parts.message = ValueFormat.printed(v) }
                }
            case "kind":
                run = { f, parts in
                    try before(f, &parts)
                    if case .string(let k) = try ev(f) { parts.kind = k }
                }
            case "data":
                run = { f, parts in
                    try before(f, &parts)
                    parts.data = try ev(f)
                }
            default:
                run = { f, parts in
                    try before(f, &parts)
                    _ = try ev(f)
                }
            }
        }
        let entries = run
        return { f in
            var parts = ThrownParts()
            try entries(f, &parts)
            throw ScriptError(kind: parts.kind, message: parts.message, data: parts.data, location: loc)
        }
    }

    /// What `throw {…}` takes from its map, as `thrownError` reads it.
    struct ThrownParts {
        var kind = ErrorKind.user.rawValue
        var message = "error"
        var data: Value? = nil
    }

    static func thrownError(_ v: Value, at loc: SourceLocation) -> ScriptError {
        switch v {
        case .error(let e):
            var e = e
            if e.location == nil { e.location = loc }
            return e
        case .string(let s):
            return ScriptError(.user, s, at: loc)
        case .map(let m):
            let message: String
            if case .string(let s)? = m["message"] { message = s } else { message = m["message"].map(ValueFormat.printed) ?? "error" }
            var kind = ErrorKind.user.rawValue
            if case .string(let k)? = m["kind"] { kind = k }
            return ScriptError(kind: kind, message: message, data: m["data"], location: loc)
        default:
            return ScriptError(.type, "`throw` needs a string, a map with `message`, or an error, got \(v.typeName)", at: loc)
        }
    }

    private func compileFor(_ a: String, _ b: String?, _ iterableExpr: Expr, _ body: [Stmt], _ loc: SourceLocation) -> Exec {
        let iterable = compileExpr(iterableExpr)
        // Before the loop's scope: split's arguments are read in the enclosing one.
        let splitSource = splitArguments(iterableExpr)
        scope.loopDepth += 1
        defer { scope.loopDepth -= 1 }
        var first: Storage = .slot(0), second: Storage? = nil
        let run = compileBlock(body) { scope in
            first = self.declareLocal(a, isConstant: true, at: loc).storage
            if let b { second = self.declareLocal(b, isConstant: true, at: loc).storage }
        }
        let s1 = first, s2 = second
        // A local function, not a closure value: inlined into the loop (as a value it was called
        // per element, ~35 instructions, bench/lang strings).
        @inline(__always) func bind(_ f: Frame, _ s: Storage, _ v: Value) { Compiler.bindLoopVariable(f, s, v) }
        let iterLoc = iterableExpr.location
        let general: Exec = { f in
            let ctx = f.context
            let seq = try iterable(f)
            // Returns true to stop the loop (break), with `returned` remembered.
            var returned = false
            @inline(__always) func step() throws -> Bool {
                try ctx.checkInterrupt()
                switch try run(f) {
                case .breakLoop: return true
                case .returned: returned = true; return true
                default: return false
                }
            }
            switch seq {
            case .range(let lo, let hi, let inclusive):
                return try Compiler.loopOverRange(f, lo, hi, inclusive, s1, s2, run)
            case .list(let xs):
                for (n, x) in xs.enumerated() {
                    if let s2 { bind(f, s1, .int(n)); bind(f, s2, x) } else { bind(f, s1, x) }
                    if try step() { break }
                }
            case .map(let m):
                for (k, v) in m.pairs {
                    bind(f, s1, .string(k))
                    if let s2 { bind(f, s2, v) }
                    if try step() { break }
                }
            case .string(let text):
                for (n, ch) in text.enumerated() {
                    if let s2 { bind(f, s1, .int(n)); bind(f, s2, .string(String(ch))) } else { bind(f, s1, .string(String(ch))) }
                    if try step() { break }
                }
            default:
                throw Compiler.cannotLoop(over: seq, at: iterLoc)
            }
            return returned ? .returned : .normal
        }
        guard let splitSource else { return general }
        return compileSplitLoop(splitSource, general: general, body: run, s1, s2)
    }

    /// `for i in lo..hi`: out of line, so the loop runs in a function of its own with few live
    /// values (inside the general loop closure, with every other kind of sequence beside it,
    /// the round cost ~52 instructions besides the body; callgrind: see the commit). Same steps
    /// as the other sequences: bind, check for Ctrl-C, run the body.
    @inline(never)
    static func loopOverRange(_ f: Frame, _ lo: Int, _ hi: Int, _ inclusive: Bool, _ s1: Storage, _ s2: Storage?,
                              _ run: Exec) throws -> Flow {
        let ctx = f.context
        let (end, below) = inclusive ? (hi, false) : hi.subtractingReportingOverflow(1)
        if below || lo > end { return .normal }
        if s2 == nil, case .slot(let k) = s1 {
            // `for i in …` into a slot (the usual loop): no storage switch a round.
            var i = lo
            while true {
                bindLoopVariable(f, .slot(k), .int(i))
                try ctx.checkInterrupt()
                let flow = try run(f)
                if flow == .breakLoop { return .normal }
                if flow == .returned { return .returned }
                if i == end { return .normal }
                i += 1
            }
        }
        var i = lo, n = 0
        while true {
            if let s2 { bindLoopVariable(f, s1, .int(n)); bindLoopVariable(f, s2, .int(i)) } else { bindLoopVariable(f, s1, .int(i)) }
            try ctx.checkInterrupt()
            switch try run(f) {
            case .breakLoop: return .normal
            case .returned: return .returned
            default: break
            }
            if i == end { return .normal }
            i += 1; n += 1
        }
    }

    /// Binds a loop variable. The slot holds the previous value: a previous int is overwritten
    /// without the general release (see `Compiler.store`).
    @inline(__always)
    static func bindLoopVariable(_ f: Frame, _ s: Storage, _ v: Value) {
        switch s {
        case .slot(let i): Compiler.store(v, in: f.slots + i)
        case .cell(let i): f.cells[i] = Box(v)
        default: break
        }
    }

    // MARK: - Names

    func declareLocal(_ name: String, isConstant: Bool, at loc: SourceLocation) -> LocalVariable {
        scope.declare(name, isConstant: isConstant, at: loc)
    }

    enum Resolved {
        case local(Storage, isConstant: Bool)
        case global(GlobalCell)
    }

    func resolve(_ name: String, at loc: SourceLocation) -> Resolved {
        if let (s, c) = scope.resolve(name) { return .local(s, isConstant: c) }
        let cell = globals.cell(name)
        globalReads.append((cell, loc))
        if !cell.isDeclared { globals.localsAtUndeclaredReads[loc] = scope.visibleNames }
        return .global(cell)
    }

    func error(_ message: String, at loc: SourceLocation, hint: String? = nil) {
        diagnostics.append(Diagnostic(.error, kind: "syntax", message, at: loc, hint: hint))
    }

    /// `check` warnings: names read but defined nowhere (not a built-in, not declared at top level).
    func undefinedNameWarnings() -> [Diagnostic] {
        if hasImports { return [] }
        var seen = Set<String>()
        var out: [Diagnostic] = []
        let known = globals.order.filter { globals.cells[$0]!.isDeclared }
        for (cell, loc) in globalReads where !cell.isDeclared && !seen.contains(cell.name) {
            seen.insert(cell.name)
            let hint = closestName(to: cell.name, in: known).map { "did you mean `\($0)`?" }
            out.append(Diagnostic(.warning, kind: "name", "`\(cell.name)` is not defined anywhere", at: loc, hint: hint))
        }
        return out
    }

    /// A one-argument built-in's full call (its quick form said no), out of line: the call
    /// site's closure stays small.
    @inline(never)
    static func fullBuiltinCall(_ b: BuiltinFunction, _ x: Value, _ f: Frame, at loc: SourceLocation) throws -> Value {
        try f.context.call(.builtin(b), [x], at: loc)
    }

    /// Out of line: the loop's own code stays small.
    @inline(never)
    static func cannotLoop(over v: Value, at loc: SourceLocation) -> ScriptError {
        ScriptError(.type, "cannot loop over \(v.typeWithArticle)", at: loc, help: ScriptError.cannotLoopHelp(v))
    }

    /// `slot = v`: over nil, a bool or an int (nothing to release) the value is moved in without
    /// the general assignment's release, a call (measured on bench/lang/loop).
    @inline(__always)
    static func store(_ v: Value, in slot: UnsafeMutablePointer<Value>) {
        if slot.pointee.isPlainData { slot.initialize(to: v) } else { slot.pointee = v }
    }

    /// Runs `body`, giving a location to an error raised without one.
    @inline(__always)
    static func locate<T>(_ loc: @autoclosure () -> SourceLocation?, _ body: () throws -> T) throws -> T {
        // An error that already has a location goes on as it came (not caught, re-boxed, rethrown).
        // The location is read only then (see `Cold`).
        do { return try body() } catch { throw Compiler.located(error, at: loc()) }
    }

    /// `ScriptError.located` out of line: `locate` is inlined into every operator's closure, whose
    /// hot path gets slower with the check's code beside it (bench/lang/amounts +0.9%).
    @inline(never)
    static func located(_ error: any Error, at loc: SourceLocation?) -> any Error {
        ScriptError.located(error, at: loc)
    }
}
