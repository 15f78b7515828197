/// A top-level variable. Compiled code holds the cell itself, so a global read is one pointer
/// hop (no dictionary lookup at run time). `value == nil` means "not defined yet".
final class GlobalCell {
    let name: String
    /// What the cell holds; `value`'s storage. Compiled code reads it in place (`case .int(let i)? =
    /// cell.stored`) and writes plain data through `assign`/`storeInt`.
    private(set) var stored: Value?
    var value: Value? {
        get { stored }
        set {
            // A call may be running the function this constant holds (an `import` inside it can
            // rebind the name): the old function stays alive until the end of the run (file or
            // REPL input), when `releaseRetired` lets it go. Binding the same function again (a
            // repeated `import`) keeps nothing more.
            if isConstant, let held = closureRef, let old = stored {
                if case .closure(let c)? = newValue, c === held.takeUnretainedValue() {} else { retired.append(old) }
            }
            stored = newValue
            if case .closure(let c)? = newValue { closureRef = .passUnretained(c) } else { closureRef = nil }
            if case .builtin(let b)? = newValue { builtinIdentity = ObjectIdentifier(b) } else { builtinIdentity = nil }
        }
    }

    /// Defined (holds a value; nil until its declaration runs), read without copying the value.
    @inline(__always)
    var isDefined: Bool {
        if case .none = stored { return false }
        return true
    }

    /// `name = v` from compiled code. Plain data replacing what is not a function needs none of
    /// `value`'s bookkeeping (measured on bench/lang/toplevel: the observers were a sixth of a
    /// global loop's instructions).
    @inline(__always)
    func assign(_ v: Value) {
        if v.isPlainData, closureRef == nil, builtinIdentity == nil { stored = v } else { value = v }
    }

    /// `name += k` on a cell holding an int: neither value is a function, so no bookkeeping.
    @inline(__always)
    func storeInt(_ i: Int) {
        stored = .int(i)
    }

    /// Functions this constant held before its current value (see `value`).
    private var retired: [Value] = []

    /// Lets go of the functions the constant held before (no call is running any of them).
    func releaseRetired() {
        if !retired.isEmpty { retired = [] }
    }

    /// Empties the cell, and what it held before (the end of its session).
    func clear() {
        value = nil
        retired = []
    }

    /// Which built-in the cell holds, if any: a call site compiled for one built-in checks it
    /// is still there without copying the value out.
    private(set) var builtinIdentity: ObjectIdentifier?
    var isConstant = false
    /// The closure the cell holds, without a reference count of its own.
    private var closureRef: Unmanaged<Closure>?

    /// The function a call of this name may borrow for the call's length: only a constant's
    /// (`fn`, `let`). A constant's function is never freed while its run goes on, even when the
    /// name is rebound (REPL redefinition, `import` inside a function): see `retired`. A `var`
    /// can be reassigned, and its function freed, by the very function it holds. Borrowing saves
    /// a retain, a release and two copies of the value per call.
    @inline(__always)
    var borrowableClosure: Unmanaged<Closure>? { isConstant ? closureRef : nil }
    /// Declared by a top-level `let`/`var`/`fn` somewhere (or a built-in / import) — for `check` warnings.
    var isDeclared = false
    /// The top-level `let`/`var` that declares it, for the error when it is read before that runs.
    var declaredAt: SourceLocation?
    init(name: String, value: Value? = nil) {
        self.name = name
        self.stored = value
        if case .closure(let c)? = value { closureRef = .passUnretained(c) }
        if case .builtin(let b)? = value { builtinIdentity = ObjectIdentifier(b) }
    }
}

/// The top-level names of one file (or of the REPL session): built-ins first, then the script's.
final class Globals {
    private(set) var cells: [String: GlobalCell] = [:]
    private(set) var order: [String] = []
    let builtins: [String: BuiltinFunction]
    /// For a name read where no top-level declaration exists, the local names visible at that
    /// place (by its location): the "did you mean" candidates only the compiler knows.
    var localsAtUndeclaredReads: [SourceLocation: [String]] = [:]
    /// Where the arguments of each compiled call are: the session's table (`CallContext`).
    let argumentSites: ArgumentSiteTable

    init(builtins: [BuiltinFunction], argumentSites: ArgumentSiteTable = ArgumentSiteTable()) {
        self.argumentSites = argumentSites
        // Sized up front: grown one doubling at a time, the two tables were rehashed 16 times at
        // every start (callgrind, `ogpu -e 1`: 160 k instructions of 3.1 M).
        var byName = [String: BuiltinFunction](minimumCapacity: builtins.count)
        for b in builtins { byName[b.name] = b }
        self.builtins = byName
        cells.reserveCapacity(builtins.count + 32)
        order.reserveCapacity(builtins.count + 32)
        for b in builtins {
            let c = cell(b.name)
            c.value = .builtin(b)
            c.isDeclared = true
        }
    }

    func cell(_ name: String) -> GlobalCell {
        if let c = cells[name] { return c }
        let c = GlobalCell(name: name)
        cells[name] = c
        order.append(name)
        return c
    }

    func lookup(_ name: String) -> GlobalCell? { cells[name] }
}

/// A local variable known to the resolver.
final class LocalVariable {
    let name: String
    let isConstant: Bool
    let storage: Storage
    let location: SourceLocation
    init(name: String, isConstant: Bool, storage: Storage, location: SourceLocation) {
        self.name = name
        self.isConstant = isConstant
        self.storage = storage
        self.location = location
    }
}

/// Resolution state of one function being compiled (or of the top level).
final class FunctionScope {
    let parent: FunctionScope?
    let isTopLevel: Bool
    /// Innermost block last.
    var blocks: [[String: LocalVariable]] = [[:]]
    /// Names captured by closures somewhere inside the current blocks (so declared as cells).
    var capturedNames: [Set<String>] = [[]]
    var slotCount = 0
    var cellCount = 0
    /// Captured variables of enclosing functions: where the closure-maker finds each one.
    var captures: [(name: String, source: Storage, isConstant: Bool)] = []
    var loopDepth = 0

    init(parent: FunctionScope?, isTopLevel: Bool) {
        self.parent = parent
        self.isTopLevel = isTopLevel
    }

    /// The local named `name` in this function's open blocks, innermost first.
    func findLocal(_ name: String) -> LocalVariable? {
        for b in blocks.reversed() { if let v = b[name] { return v } }
        return nil
    }

    /// Local here, or a capture from an enclosing function (registered on the way), or nil (global).
    func resolve(_ name: String) -> (Storage, isConstant: Bool)? {
        if let v = findLocal(name) { return (v.storage, v.isConstant) }
        if let i = captures.firstIndex(where: { $0.name == name }) { return (.capture(i), captures[i].isConstant) }
        guard let parent, let (source, isConstant) = parent.resolve(name) else { return nil }
        captures.append((name, source, isConstant))
        return (.capture(captures.count - 1), isConstant)
    }

    /// Every local name visible here, enclosing functions' included (for "did you mean").
    var visibleNames: [String] {
        blocks.flatMap(\.keys) + captures.map(\.name) + (parent?.visibleNames ?? [])
    }

    func declare(_ name: String, isConstant: Bool, at location: SourceLocation) -> LocalVariable {
        let captured = capturedNames.last!.contains(name)
        let storage: Storage
        if captured { storage = .cell(cellCount); cellCount += 1 } else { storage = .slot(slotCount); slotCount += 1 }
        let v = LocalVariable(name: name, isConstant: isConstant, storage: storage, location: location)
        blocks[blocks.count - 1][name] = v
        return v
    }

    /// Opens a block whose nested function literals reference `captured` names.
    func pushBlock(captured: Set<String>) {
        blocks.append([:])
        capturedNames.append(capturedNames.last!.union(captured))
    }

    func popBlock() {
        blocks.removeLast()
        capturedNames.removeLast()
    }
}

/// Names referenced inside function literals nested in `stmts` — a variable with one of these
/// names must live in a box, since a closure may capture it. (By name, so it may box a little
/// more than needed; never less.)
enum CaptureAnalysis {
    static func namesUsedByClosures(_ stmts: [Stmt]) -> Set<String> {
        var out = Set<String>()
        for s in stmts { visit(s, inClosure: false, &out) }
        return out
    }

    static func namesUsedByClosures(_ e: Expr) -> Set<String> {
        var out = Set<String>()
        visit(e, inClosure: false, &out)
        return out
    }

    private static func visit(_ s: Stmt, inClosure: Bool, _ out: inout Set<String>) {
        switch s.kind {
        case .expression(let e), .throwError(let e): visit(e, inClosure: inClosure, &out)
        case .declaration(let name, _, let e):
            _ = name
            visit(e, inClosure: inClosure, &out)
        case .assignment(let t, _, let v): visit(t, inClosure: inClosure, &out); visit(v, inClosure: inClosure, &out)
        case .function(let d):
            if let n = d.name { out.insert(n) } // recursive local functions capture themselves
            visitFunction(d, &out)
        case .ifElse(let c, let a, let b):
            visit(c, inClosure: inClosure, &out)
            for x in a { visit(x, inClosure: inClosure, &out) }
            for x in b ?? [] { visit(x, inClosure: inClosure, &out) }
        case .whileLoop(let c, let body):
            visit(c, inClosure: inClosure, &out)
            for x in body { visit(x, inClosure: inClosure, &out) }
        case .forLoop(_, _, let it, let body):
            visit(it, inClosure: inClosure, &out)
            for x in body { visit(x, inClosure: inClosure, &out) }
        case .block(let body): for x in body { visit(x, inClosure: inClosure, &out) }
        case .returnValue(let e): if let e { visit(e, inClosure: inClosure, &out) }
        case .tryCatch(let a, _, let b):
            for x in a { visit(x, inClosure: inClosure, &out) }
            for x in b { visit(x, inClosure: inClosure, &out) }
        case .assertion(let c, let m): visit(c, inClosure: inClosure, &out); if let m { visit(m, inClosure: inClosure, &out) }
        case .breakLoop, .continueLoop, .importFile: break
        }
    }

    private static func visitFunction(_ d: FunctionDecl, _ out: inout Set<String>) {
        if let cached = d.usedNames { out.formUnion(cached); return }
        var inner = Set<String>()
        for p in d.parameters { if let e = p.defaultValue { visit(e, inClosure: true, &inner) } }
        for s in d.body { visit(s, inClosure: true, &inner) }
        d.usedNames = inner
        out.formUnion(inner)
    }

    private static func visit(_ e: Expr, inClosure: Bool, _ out: inout Set<String>) {
        switch e.kind {
        case .name(let n): if inClosure { out.insert(n) }
        case .literal: break
        case .interpolation(let parts):
            for p in parts { if case .expr(let x) = p { visit(x, inClosure: inClosure, &out) } }
        case .list(let xs): for x in xs { visit(x, inClosure: inClosure, &out) }
        case .map(let entries): for (_, x) in entries { visit(x, inClosure: inClosure, &out) }
        case .unary(_, let x), .member(let x, _): visit(x, inClosure: inClosure, &out)
        case .binary(_, let a, let b), .and(let a, let b), .or(let a, let b), .range(let a, let b, _), .index(let a, let b):
            visit(a, inClosure: inClosure, &out); visit(b, inClosure: inClosure, &out)
        case .conditional(let a, let b, let c):
            visit(a, inClosure: inClosure, &out); visit(b, inClosure: inClosure, &out); visit(c, inClosure: inClosure, &out)
        case .call(let f, let args):
            visit(f, inClosure: inClosure, &out)
            for a in args { visit(a.value, inClosure: inClosure, &out) }
        case .function(let d): visitFunction(d, &out)
        }
    }
}
