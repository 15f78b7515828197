import BigInt

/// An operand of a hot binary operator: reading a local slot or a constant needs no closure call.
enum Operand {
    case slot(Int)
    case constant(Value)
    case eval(Eval)
    /// A top-level name, read from its cell in place.
    case global(GlobalRead)

    @inline(__always)
    func get(_ f: Frame) throws -> Value {
        switch self {
        case .slot(let i):
            // An int is rebuilt in place: a general copy is a call (the value's outlined copy).
            if case .int(let n) = f.slots[i] { return .int(n) }
            return f.slots[i]
        case .constant(let v): return v
        case .eval(let e): return try e(f)
        case .global(let g):
            if let v = g.cell.stored { return v }
            return try g.undefined(f)
        }
    }
}

/// A read of a top-level name as an operand: its cell, and its compiled read for when the cell is
/// not defined yet (which raises the error). A class, so that an `Operand` stays three words (call
/// closures capture three of them, and a closure's captures are loaded on every run).
final class GlobalRead {
    let cell: GlobalCell
    let undefined: Eval
    init(_ cell: GlobalCell, _ undefined: @escaping Eval) {
        self.cell = cell
        self.undefined = undefined
    }
}

extension Compiler {
    func operand(_ e: Expr) -> Operand {
        switch e.kind {
        case .literal(let v): return .constant(v)
        case .name(let n):
            switch resolve(n, at: e.location) {
            case .local(.slot(let i), _): return .slot(i)
            case .global(let cell): return .global(GlobalRead(cell, compileExpr(e)))
            default: return .eval(compileExpr(e))
            }
        default: return .eval(compileExpr(e))
        }
    }

    func compileExpr(_ e: Expr) -> Eval {
        let loc = e.location
        switch e.kind {
        case .literal(let v):
            return { _ in v }

        case .interpolation(let parts):
            return compileInterpolation(parts, loc)

        case .name(let n):
            return compileRead(n, loc)

        case .list(let items):
            // `[]`: the shared empty list (a first `push` gives it room for four).
            if items.isEmpty { return { _ in .list([]) } }
            let evs = items.map(compileExpr)
            return { f in
                var out: [Value] = []
                out.reserveCapacity(evs.count)
                for ev in evs { out.append(try ev(f)) }
                return .list(out)
            }

        case .map(let entries):
            var seen = Set<String>()
            for (k, _) in entries where !seen.insert(k).inserted {
                error("duplicate key `\(k)` in map literal", at: loc)
            }
            let evs = entries.map { ($0.key, compileExpr($0.value)) }
            return { f in
                var m = OrderedMap()
                m.reserveCapacity(evs.count)
                for (k, ev) in evs { m.appendAbsent(k, try ev(f)) }
                return .map(m)
            }

        case .unary(let op, let x):
            if op == "not" {
                let c = compileCondition(x)
                return { f in .bool(!(try c(f))) }
            }
            if case .literal(let v) = x.kind, let n = try? Operators.negate(v) { return { _ in n } }
            let ev = compileExpr(x)
            return { f in
                let v = try ev(f)
                if case .int(let i) = v, i != .min { return .int(-i) }
                return try Compiler.locate(loc) { try Operators.negate(v) }
            }

        case .binary(let op, let a, let b):
            return compileBinary(op, a, b, loc)

        case .and, .or:
            let c = compileCondition(e)
            // `a and b` / `a or b` give the deciding operand's value (as in Python and Lua).
            if case .and(let a, let b) = e.kind {
                let x = compileExpr(a), y = compileExpr(b)
                return { f in let v = try x(f); return v.isTruthy ? try y(f) : v }
            }
            if case .or(let a, let b) = e.kind {
                let x = compileExpr(a), y = compileExpr(b)
                return { f in let v = try x(f); return v.isTruthy ? v : try y(f) }
            }
            return { f in .bool(try c(f)) }

        case .range(let a, let b, let inclusive):
            let x = compileExpr(a), y = compileExpr(b)
            return { f in
                let lo = try x(f), hi = try y(f)
                guard case .int(let l) = lo, case .int(let h) = hi else {
                    throw ScriptError(.type, "a range needs ints, got \(lo.typeName) and \(hi.typeName)", at: loc)
                }
                return .range(lower: l, upper: h, inclusive: inclusive)
            }

        case .conditional(let c, let a, let b):
            let cond = compileCondition(c), x = compileExpr(a), y = compileExpr(b)
            return { f in try cond(f) ? try x(f) : try y(f) }

        case .call(let callee, let args):
            if case .member(let base, let method) = callee.kind, globals.builtins[method] != nil {
                return compileMethodStyleCall(callee, base, method, args, loc)
            }
            return compileCall(callee, args, loc)

        case .index(let base, let i):
            let bo = operand(base), ix = operand(i)
            // `r[1]`, `xs[i]` on a local: the list is read in its slot, not copied out (a retain
            // and a release, ~100 instructions of a ~220 one). Only for a constant or local index,
            // which cannot change the list before it is read.
            if case .slot(let s) = bo {
                switch ix {
                case .constant(.int(let n)):
                    return { f in
                        if case .list(let xs) = f.slots[s], n >= 0, n < xs.count { return xs[n] }
                        return try Compiler.locate(loc) { try Operators.index(f.slots[s], .int(n)) }
                    }
                case .slot(let t):
                    return { f in
                        if case .list(let xs) = f.slots[s], case .int(let n) = f.slots[t], n >= 0, n < xs.count { return xs[n] }
                        return try Compiler.locate(loc) { try Operators.index(f.slots[s], f.slots[t]) }
                    }
                default: break
                }
            }
            // (A local or a literal compiles again with no effect; other code only once.)
            let b: Eval
            if case .eval(let e) = bo { b = e } else { b = compileExpr(base) }
            return { f in
                let v = try b(f), k = try ix.get(f)
                if case .list(let xs) = v, case .int(let n) = k, n >= 0, n < xs.count { return xs[n] }
                return try Compiler.locate(loc) { try Operators.index(v, k) }
            }

        case .member(let base, let name):
            // A local's field (`e.message`, `task.payment`) is read in its slot (see `.index`).
            let bo = operand(base)
            if case .slot(let s) = bo {
                return { f in
                    if case .map(let m) = f.slots[s] { return m[name] ?? .null }
                    return try Compiler.locate(loc) { try Operators.member(f.slots[s], name) }
                }
            }
            let b: Eval
            if case .eval(let e) = bo { b = e } else { b = compileExpr(base) }
            return { f in
                let v = try b(f)
                if case .map(let m) = v { return m[name] ?? .null }
                return try Compiler.locate(loc) { try Operators.member(v, name) }
            }

        case .function(let d):
            return compileFunction(d)
        }
    }

    /// `"…{x}…"`, built as bytes on the stack (see UTF8Buffer). The text between values is kept
    /// as UTF-8 bytes; one and two values (`"k{i}"`, `"{a}: {b}"`) get closures of their own, so
    /// the hot shapes walk no piece list.
    func compileInterpolation(_ parts: [InterpolationPart], _ loc: SourceLocation) -> Eval {
        var texts: [[UInt8]] = [[]]
        var exprs: [Expr] = []
        for p in parts {
            switch p {
            case .text(let t): texts[texts.count - 1] += Array(t.utf8)
            case .expr(let x): exprs.append(x); texts.append([])
            }
        }
        // Value code is compiled straight into constants for the hot shapes (a closure taken
        // back out of an array is wrapped in conversion thunks).
        @inline(__always) func append(_ v: Value, _ out: inout UTF8Buffer) {
            switch v {
            case .int(let i): out.append(i)
            case .string(let x): out.append(x)
            default: out.append(ValueFormat.printed(v))
            }
        }
        @inline(__always) func finish(_ s: String) throws -> Value {
            if s.utf8.count > 4096 { try Compiler.locate(loc) { try Operators.checkSize(s) } }
            return .string(s)
        }
        let size = 256
        switch exprs.count {
        case 1:
            let t0 = texts[0], t1 = texts[1], e0 = compileExpr(exprs[0])
            return { f in
                // A local function, not a closure: then the builder is inlined into this code
                // (as a closure it was not, ~40 instructions a string, bench/lang wordcount).
                @inline(__always) func build(_ raw: UnsafeMutableBufferPointer<UInt8>) throws -> String {
                    var out = UTF8Buffer(raw)
                    t0.withUnsafeBufferPointer { out.append($0) }
                    append(try e0(f), &out)
                    t1.withUnsafeBufferPointer { out.append($0) }
                    return out.finish()
                }
                return try finish(try withUnsafeTemporaryAllocation(of: UInt8.self, capacity: size, build))
            }
        case 2:
            let t0 = texts[0], t1 = texts[1], t2 = texts[2]
            let e0 = compileExpr(exprs[0]), e1 = compileExpr(exprs[1])
            return { f in
                @inline(__always) func build(_ raw: UnsafeMutableBufferPointer<UInt8>) throws -> String {
                    var out = UTF8Buffer(raw)
                    t0.withUnsafeBufferPointer { out.append($0) }
                    append(try e0(f), &out)
                    t1.withUnsafeBufferPointer { out.append($0) }
                    append(try e1(f), &out)
                    t2.withUnsafeBufferPointer { out.append($0) }
                    return out.finish()
                }
                return try finish(try withUnsafeTemporaryAllocation(of: UInt8.self, capacity: size, build))
            }
        case 3:
            // Its own case too (`"row {i}: {a}, {b}"` is common): taking the pieces out of arrays
            // cost a retain and a release each, ~200 instructions a string (bench/lang interp).
            let t0 = texts[0], t1 = texts[1], t2 = texts[2], t3 = texts[3]
            let e0 = compileExpr(exprs[0]), e1 = compileExpr(exprs[1]), e2 = compileExpr(exprs[2])
            return { f in
                @inline(__always) func build(_ raw: UnsafeMutableBufferPointer<UInt8>) throws -> String {
                    var out = UTF8Buffer(raw)
                    t0.withUnsafeBufferPointer { out.append($0) }
                    append(try e0(f), &out)
                    t1.withUnsafeBufferPointer { out.append($0) }
                    append(try e1(f), &out)
                    t2.withUnsafeBufferPointer { out.append($0) }
                    append(try e2(f), &out)
                    t3.withUnsafeBufferPointer { out.append($0) }
                    return out.finish()
                }
                return try finish(try withUnsafeTemporaryAllocation(of: UInt8.self, capacity: size, build))
            }
        default:
            let values = exprs.map { compileExpr($0) }
            return { f in
                @inline(__always) func build(_ raw: UnsafeMutableBufferPointer<UInt8>) throws -> String {
                    var out = UTF8Buffer(raw)
                    texts[0].withUnsafeBufferPointer { out.append($0) }
                    for k in 0..<values.count {
                        append(try values[k](f), &out)
                        texts[k + 1].withUnsafeBufferPointer { out.append($0) }
                    }
                    return out.finish()
                }
                return try finish(try withUnsafeTemporaryAllocation(of: UInt8.self, capacity: size, build))
            }
        }
    }

    func compileRead(_ n: String, _ loc: SourceLocation) -> Eval {
        switch resolve(n, at: loc) {
        case .local(.slot(let i), _):
            return { f in
                if case .int(let n) = f.slots[i] { return .int(n) } // no outlined copy (see `Operand`)
                return f.slots[i]
            }
        case .local(.cell(let i), _): return { f in f.cells[i].value }
        case .local(.capture(let i), _): return { f in f.captures[i].value }
        case .local(.global, _): fatalError("unreachable")
        case .global(let cell):
            let globals = self.globals, at = Cold(loc)
            return { _ in
                if let v = cell.stored { return v }
                throw Compiler.unknownName(cell.name, globals, at: at.value)
            }
        }
    }

    static func unknownName(_ name: String, _ globals: Globals, at loc: SourceLocation) -> ScriptError {
        if let declared = globals.lookup(name)?.declaredAt, declared.file == loc.file {
            return ScriptError(.name, "`\(name)` is read before its definition on line \(declared.line) has run", at: loc,
                               help: "move the definition above this line, or make it a `fn` (those are defined before the script starts)")
        }
        let known = (globals.localsAtUndeclaredReads[loc] ?? []) + globals.order.filter { globals.cells[$0]?.value != nil }
            + Keyword.allCases.map(\.rawValue)
        return ScriptError(.name, "unknown name `\(name)`", at: loc, help: ScriptError.didYouMean(name, known))
    }

    // MARK: - Operators

    func compileBinary(_ op: String, _ a: Expr, _ b: Expr, _ loc: SourceLocation) -> Eval {
        let x = operand(a), y = operand(b)
        switch op {
        case "+": return arithmetic(AddOperator.self, x, y, loc)
        case "-": return arithmetic(SubtractOperator.self, x, y, loc)
        case "*": return arithmetic(MultiplyOperator.self, x, y, loc)
        case "/": return { f in let l = try x.get(f), r = try y.get(f); return try Compiler.locate(loc) { try Operators.divide(l, r) } }
        case "//": return arithmetic(FloorDivideOperator.self, x, y, loc)
        case "%": return arithmetic(RemainderOperator.self, x, y, loc)
        case "**": return { f in let l = try x.get(f), r = try y.get(f); return try Compiler.locate(loc) { try Operators.power(l, r) } }
        default:
            let c = compileComparison(op, x, y, loc)
            return { f in .bool(try c(f)) }
        }
    }

    func compileComparison(_ op: String, _ x: Operand, _ y: Operand, _ loc: SourceLocation) -> (Frame) throws -> Bool {
        switch op {
        case "==": return comparison(EqualOperator.self, x, y, loc)
        case "!=": return comparison(NotEqualOperator.self, x, y, loc)
        case "<": return comparison(LessOperator.self, x, y, loc)
        case "<=": return comparison(LessOrEqualOperator.self, x, y, loc)
        case ">": return comparison(GreaterOperator.self, x, y, loc)
        default: return comparison(GreaterOrEqualOperator.self, x, y, loc)
        }
    }

    /// An expression used as a condition, without boxing the result in a `Value`.
    func compileCondition(_ e: Expr) -> (Frame) throws -> Bool {
        switch e.kind {
        case .binary(let op, let a, let b) where ["==", "!=", "<", "<=", ">", ">="].contains(op):
            return compileComparison(op, operand(a), operand(b), e.location)
        case .and(let a, let b):
            let x = compileCondition(a), y = compileCondition(b)
            return { f in try x(f) && y(f) }
        case .or(let a, let b):
            let x = compileCondition(a), y = compileCondition(b)
            return { f in try x(f) || y(f) }
        case .unary("not", let a):
            let x = compileCondition(a)
            return { f in !(try x(f)) }
        case .literal(let v):
            let t = v.isTruthy
            return { _ in t }
        default:
            let ev = compileExpr(e)
            return { f in try ev(f).isTruthy }
        }
    }

    // MARK: - Functions

    /// Compiles a function literal; the result makes a closure capturing from the current frame.
    func compileFunction(_ d: FunctionDecl) -> Eval {
        let outer = scope
        let fs = FunctionScope(parent: outer, isTopLevel: false)
        var captured = CaptureAnalysis.namesUsedByClosures(d.body)
        for p in d.parameters { if let x = p.defaultValue { captured.formUnion(CaptureAnalysis.namesUsedByClosures(x)) } }
        fs.capturedNames = [captured]
        scope = fs
        var storage: [Storage] = []
        var seen = Set<String>()
        for p in d.parameters {
            if !seen.insert(p.name).inserted {
                error("duplicate parameter `\(p.name)`", at: p.location, hint: "each parameter needs its own name")
            }
            storage.append(fs.declare(p.name, isConstant: true, at: p.location).storage)
        }
        let defaults: [Eval?] = d.parameters.map { p in p.defaultValue.map(compileExpr) }
        let name = d.name ?? "fn"
        let body: Eval
        // Body: a single expression (arrow functions, `{ x => x * 2 }`) needs no statement machinery.
        if d.body.count == 1, case .expression(let e) = d.body[0].kind {
            body = compileExpr(e)
        } else {
            var stmts = d.body
            var tail: Eval? = nil
            // A last statement `e` or `return e` gives the function's value directly, without
            // going through the frame's return slot.
            if let last = stmts.last, case .expression(let e) = last.kind {
                stmts.removeLast()
                tail = compileExprInBody(stmts, e)
            } else if let last = stmts.last, case .returnValue(let e?) = last.kind {
                stmts.removeLast()
                tail = compileExprInBody(stmts, e)
            }
            if let tail {
                body = tail
            } else {
                let run = compileStatements(stmts)
                body = { f in _ = try run(f); return f.takeReturnValue() }
            }
        }
        let proto = FunctionProto(name: name, parameters: d.parameters.map(\.name), parameterStorage: storage,
                                  defaults: defaults, location: d.location,
                                  slotCount: fs.slotCount, cellCount: fs.cellCount, body: body)
        scope = outer
        let sources = fs.captures.map(\.source)
        if sources.isEmpty { return { _ in .closure(Closure.make(proto: proto, captureCount: 0) { _ in }) } }
        return { f in
            let closure = Closure.make(proto: proto, captureCount: sources.count) { storage in
                for (k, s) in sources.enumerated() {
                    switch s {
                    case .cell(let i): (storage + k).initialize(to: f.cells[i])
                    case .capture(let i): (storage + k).initialize(to: f.captures[i])
                    case .slot(let i): (storage + k).initialize(to: Box(f.slots[i]))
                    case .global: (storage + k).initialize(to: Box(.null)) // never made: globals are not captured
                    }
                }
            }
            f.context.cycles.track(closure)
            return .closure(closure)
        }
    }

    /// Statements then a final expression whose value is the function's value (unless `return` ran).
    private func compileExprInBody(_ stmts: [Stmt], _ last: Expr) -> Eval {
        // A leading `if c { return e }` (a recursion's base case) is a plain branch: no statement
        // result, no trip through the frame's return slot. Its block declares nothing, so its
        // names resolve exactly as in the enclosing scope.
        if let first = stmts.first, case .ifElse(let c, let then, nil) = first.kind, then.count == 1,
           case .returnValue(let e?) = then[0].kind, !stmts.dropFirst().contains(where: Compiler.declaresFunction) {
            let cond = compileCondition(c)
            let value = operand(e)
            let condLoc = first.location, returnLoc = then[0].location
            if stmts.count == 1 {
                // `if c { return e }` then the last expression (`tak`, `fib`): one closure.
                let tail = compileExpr(last), at = Cold((condLoc, returnLoc, last.location))
                return { f in
                    if try Compiler.locate(at.value.0, { try cond(f) }) { return try Compiler.locate(at.value.1) { try value.get(f) } }
                    return try Compiler.locate(at.value.2) { try tail(f) }
                }
            }
            let rest = compileExprInBody(Array(stmts.dropFirst()), last)
            return { f in
                if try Compiler.locate(condLoc, { try cond(f) }) { return try Compiler.locate(returnLoc) { try value.get(f) } }
                return try rest(f)
            }
        }
        let loc = last.location
        if stmts.isEmpty {
            let tail = compileExpr(last)
            return { f in try Compiler.locate(loc) { try tail(f) } }
        }
        // The statements first: they declare the names the last expression may read.
        let run = compileStatements(stmts)
        let tail = compileExpr(last)
        return { f in
            if try run(f) == .returned { return f.takeReturnValue() }
            return try Compiler.locate(loc) { try tail(f) }
        }
    }

    /// Nested `fn` statements are hoisted by `compileStatements`, which must then see them all.
    static func declaresFunction(_ s: Stmt) -> Bool {
        if case .function = s.kind { return true }
        return false
    }
}
