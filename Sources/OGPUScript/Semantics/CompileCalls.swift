/// Calls, assignments and assignable places.
typealias Place = (Frame, (inout Value) throws -> Void) throws -> Void

extension Compiler {
    // MARK: - Calls

    /// `xs.push(4)` written as a method: when it fails (lists have no methods), say how to call
    /// the built-in. Only such call sites pay for the check, and only when they fail.
    func compileMethodStyleCall(_ calleeExpr: Expr, _ base: Expr, _ method: String, _ args: [Argument],
                                _ loc: SourceLocation) -> Eval {
        let call = compileCall(calleeExpr, args, loc)
        let places = [calleeExpr.location, loc]
        let written = "\(method)(" + ([base] + args.map(\.value)).map(Compiler.sketch).joined(separator: ", ") + ")"
        return { f in
            do { return try call(f) } catch var e as ScriptError where e.help == nil && e.location.map(places.contains) == true {
                e.help = "`\(method)` is a function, not a method: `\(written)`"
                throw e
            }
        }
    }

    /// Short source-like text of `e` for a help line: names and literals as written, else `…`.
    static func sketch(_ e: Expr) -> String {
        switch e.kind {
        case .name(let n): return n
        case .literal(let v): return ValueFormat.quoted(v)
        case .member(let b, let n): return sketch(b) + "." + n
        default: return "…"
        }
    }

    func compileCall(_ calleeExpr: Expr, _ args: [Argument], _ loc: SourceLocation) -> Eval {
        // Built-ins that change their first argument (`push`) get it as a place.
        if case .name(let n) = calleeExpr.kind, scope.resolve(n) == nil,
           let b = globals.builtins[n], b.mutatesFirstArgument, !(globals.cell(n).isDeclared && globals.cell(n).value == nil),
           let first = args.first, first.label == nil {
            _ = resolve(n, at: calleeExpr.location)
            return compileMutatingCall(b, first.value, Array(args.dropFirst()), loc)
        }
        let callee = compileExpr(calleeExpr)
        var seen = Set<String>()
        for a in args {
            if let l = a.label, !seen.insert(l).inserted {
                let name: String
                if case .name(let n) = calleeExpr.kind { name = n } else { name = "function" }
                return { _ in throw ScriptError(.name, "\(name)() got parameter `\(l)` twice", at: a.labelLocation ?? loc) }
            }
        }
        // Each argument's code is kept as its own constant before any array holds it: taken back
        // out of an array, a closure is wrapped in conversion thunks (see `Step`).
        // (Not in Optionals either: Optional is generic too.)
        let positionalExprs = args.filter { $0.label == nil }.map(\.value)
        globals.argumentSites.register(ArgumentSites(positional: args.filter { $0.label == nil }.map(\.place),
                                                     named: args.compactMap { a in a.label.map { ($0, a.labelLocation ?? a.place, a.place) } }),
                                       at: loc)
        let n = positionalExprs.count
        // Arguments as operands: a plain local (`y` in `tak(x - 1, y, z)`) is read straight from
        // its slot, with no closure call. The common arities keep their operands as separate
        // constants (an operand loaded out of an array is copied, its closure retained).
        var o0 = Operand.constant(.null), o1 = o0, o2 = o0
        if (1...3).contains(n) { o0 = operand(positionalExprs[0]) }
        if n == 2 || n == 3 { o1 = operand(positionalExprs[1]) }
        if n == 3 { o2 = operand(positionalExprs[2]) }
        let positional: [Operand] = n == 1 ? [o0] : n == 2 ? [o0, o1] : n == 3 ? [o0, o1, o2] : positionalExprs.map { operand($0) }
        let named = args.compactMap { a in a.label.map { ($0, compileExpr(a.value)) } }
        // A call of a top-level name reads its cell directly.
        var calleeCell: GlobalCell? = nil
        if case .name(let fname) = calleeExpr.kind, scope.resolve(fname) == nil { calleeCell = globals.cell(fname) }
        // A call of a plain local (`let add = make_adder(1); add(x)`) borrows its function too:
        // only the caller's own statements write its slots, and none runs during the call.
        var calleeSlot: Int? = nil
        if case .name(let fname) = calleeExpr.kind, case .slot(let i)? = scope.resolve(fname)?.0 { calleeSlot = i }
        let globals = self.globals
        let calleeLoc = calleeExpr.location
        if named.isEmpty, let calleeCell, let builtinCall = compileBuiltinCall(calleeCell, positional, at: loc) {
            return builtinCall
        }
        if named.isEmpty {
            // Arguments are evaluated straight into the callee's frame (see `FunctionProto.call`).
            @inline(__always)
            func function(_ f: Frame) throws -> Value {
                guard let calleeCell else { return try callee(f) }
                guard let v = calleeCell.value else { throw Compiler.unknownName(calleeCell.name, globals, at: calleeLoc) }
                return v
            }
            @inline(__always)
            func slowCall(_ fn: Value, _ f: Frame) throws -> Value {
                var values: [Value] = []
                values.reserveCapacity(n)
                for o in positional { values.append(try o.get(f)) }
                return try f.context.call(fn, values, at: loc)
            }
            // A plain local's or a constant global's function is borrowed for the call (see
            // `calleeSlot`, `borrowableClosure`); any other callee is copied out first.
            @inline(__always)
            func borrowed(_ f: Frame) -> Unmanaged<Closure>? {
                if let calleeSlot { return Compiler.closureRef(f.slots[calleeSlot]) }
                return calleeCell?.borrowableClosure
            }
            @inline(__always)
            func call(_ f: Frame, arity: Int, fill: (Frame, FunctionProto) throws -> Void,
                      otherwise: (Value) throws -> Value) throws -> Value {
                if let borrowed = borrowed(f) {
                    return try borrowed._withUnsafeGuaranteedRef { c in
                        try Compiler.callClosure(c, arity: arity, from: f, at: loc, fill: fill,
                                                 otherwise: { try otherwise(.closure(c)) })
                    }
                }
                let fn = try function(f)
                return try Compiler.callScript(fn, arity: arity, from: f, at: loc, fill: fill, otherwise: { try otherwise(fn) })
            }
            // Every call but the fast one below: a callee copied out (a `var`, a field, a
            // capture), a built-in, parameters that are not plain slots, a wrong count.
            let general: Eval
            switch n {
            case 0:
                general = { f in
                    try call(f, arity: 0, fill: { _, _ in }, otherwise: { fn in try slowCall(fn, f) })
                }
            case 1:
                let o0 = o0
                general = { f in
                    try call(f, arity: 1, fill: { frame, p in
                        let v = try o0.get(f)
                        if p.simpleParameters { frame.slots.initialize(to: v) } else { frame.bind(v, p.parameterStorage[0]) }
                    }, otherwise: { fn in
                        // One-argument built-ins with a quick form (`len`): no argument arrays.
                        guard case .builtin(let b) = fn, let quick = b.quickUnary else { return try slowCall(fn, f) }
                        let x = try o0.get(f)
                        if let r = quick(x) { return r }
                        return try f.context.call(fn, [x], at: loc)
                    })
                }
            case 2:
                let o0 = o0, o1 = o1
                general = { f in
                    try call(f, arity: 2, fill: { frame, p in
                        let v0 = try o0.get(f), v1 = try o1.get(f)
                        if p.simpleParameters {
                            frame.slots.initialize(to: v0)
                            (frame.slots + 1).initialize(to: v1)
                        } else {
                            frame.bind(v0, p.parameterStorage[0])
                            frame.bind(v1, p.parameterStorage[1])
                        }
                    }, otherwise: { fn in try slowCall(fn, f) })
                }
            case 3:
                let o0 = o0, o1 = o1, o2 = o2
                general = { f in
                    try call(f, arity: 3, fill: { frame, p in
                        let v0 = try o0.get(f), v1 = try o1.get(f), v2 = try o2.get(f)
                        if p.simpleParameters {
                            frame.slots.initialize(to: v0)
                            (frame.slots + 1).initialize(to: v1)
                            (frame.slots + 2).initialize(to: v2)
                        } else {
                            frame.bind(v0, p.parameterStorage[0])
                            frame.bind(v1, p.parameterStorage[1])
                            frame.bind(v2, p.parameterStorage[2])
                        }
                    }, otherwise: { fn in try slowCall(fn, f) })
                }
            default:
                return { f in
                    try call(f, arity: n, fill: { frame, p in
                        for k in 0..<n { frame.bind(try positional[k].get(f), p.parameterStorage[k]) }
                    }, otherwise: { fn in try slowCall(fn, f) })
                }
            }
            // `len(s)` and the other quick built-ins called by their own name: straight to the
            // quick form while the name still holds that built-in.
            if n == 1, let cell = calleeCell, case .builtin(let b)? = cell.value, let quick = b.quickUnary {
                let identity = ObjectIdentifier(b), o0 = o0
                if case .eval(let e) = o0 {
                    // `gwei(i % 1000)`: a computed argument, with no operand switch, and the full
                    // call out of line, its location behind one pointer (callgrind,
                    // bench/lang/amounts: see the commit).
                    let at = Cold(loc)
                    return { f in
                        guard cell.builtinIdentity == identity else { return try general(f) }
                        let x = try e(f)
                        if let r = quick(x) { return r }
                        return try Compiler.fullBuiltinCall(b, x, f, at: at.value)
                    }
                }
                return { f in
                    guard cell.builtinIdentity == identity else { return try general(f) }
                    let x = try o0.get(f)
                    if let r = quick(x) { return r }
                    return try f.context.call(.builtin(b), [x], at: loc)
                }
            }
            guard calleeCell != nil || calleeSlot != nil else { return general }
            // The fast path: a borrowed script function of this many parameters (`tak(x - 1, y, z)`,
            // `make_adder(i)`). Everything else goes to `general`, out of this closure, so this
            // one stays small (measured on tak: spilled registers and a 1.6 KB stack frame were a
            // fifth of a call's instructions). Parameters that are plain slots take the arguments
            // moved in; others (captured ones, in boxes) are bound.
            let at = Cold(loc)
            @inline(__always)
            func fast(_ f: Frame, arity: Int, fill: (UnsafeMutablePointer<Value>) throws -> Void,
                      bind: (Frame, [Storage]) throws -> Void) throws -> Value {
                guard let b = borrowed(f) else { return try general(f) }
                return try b._withUnsafeGuaranteedRef { c in
                    try c.protoRef._withUnsafeGuaranteedRef { p in
                        guard p.parameterCount == arity else { return try general(f) }
                        return try p.call(captures: c.captures, context: f.contextRef, at: at.value) { frame in
                            if p.simpleParameters { try fill(frame.slots) } else { try bind(frame, p.parameterStorage) }
                        }
                    }
                }
            }
            switch n {
            case 0:
                return { f in try fast(f, arity: 0, fill: { _ in }, bind: { _, _ in }) }
            case 1:
                let o0 = o0
                return { f in
                    try fast(f, arity: 1, fill: { slots in slots.initialize(to: try o0.get(f)) },
                             bind: { frame, s in frame.bind(try o0.get(f), s[0]) })
                }
            case 2:
                let o0 = o0, o1 = o1
                return { f in
                    try fast(f, arity: 2, fill: { slots in
                        slots.initialize(to: try o0.get(f))
                        (slots + 1).initialize(to: try o1.get(f))
                    }, bind: { frame, s in
                        let v0 = try o0.get(f), v1 = try o1.get(f)
                        frame.bind(v0, s[0])
                        frame.bind(v1, s[1])
                    })
                }
            default:
                let o0 = o0, o1 = o1, o2 = o2
                return { f in
                    try fast(f, arity: 3, fill: { slots in
                        slots.initialize(to: try o0.get(f))
                        (slots + 1).initialize(to: try o1.get(f))
                        (slots + 2).initialize(to: try o2.get(f))
                    }, bind: { frame, s in
                        let v0 = try o0.get(f), v1 = try o1.get(f), v2 = try o2.get(f)
                        frame.bind(v0, s[0])
                        frame.bind(v1, s[1])
                        frame.bind(v2, s[2])
                    })
                }
            }
        }
        return { f in
            let fn = try callee(f)
            var values: [Value] = []
            values.reserveCapacity(n)
            for o in positional { values.append(try o.get(f)) }
            var labelled: [(name: String, value: Value)] = []
            for (l, ev) in named { labelled.append((l, try ev(f))) }
            return try f.context.call(fn, values, named: labelled, at: loc)
        }
    }

    private func compileMutatingCall(_ b: BuiltinFunction, _ target: Expr, _ rest: [Argument], _ loc: SourceLocation) -> Eval {
        switch target.kind {
        case .name, .index, .member: break
        default:
            error("\(b.name)() needs a variable to change, such as `\(b.name)(xs, 1)` with `var xs`", at: target.location)
            return { _ in .null }
        }
        guard let place = compilePlace(target, purpose: "change") else { return { _ in .null } }
        if b === CollectionBuiltins.push, rest.count == 1, rest[0].label == nil {
            // `push(xs, x)`: append straight into the place, with no argument arrays. Anything
            // but a list goes through `push` itself for its exact error.
            let item = operand(rest[0].value)
            @inline(__always)
            func push(_ x: Value, into v: inout Value, _ f: Frame) throws {
                if case .list = v {
                    var xs = v.takeList()!
                    // A first push makes room for two: a pair or a row is then one allocation
                    // instead of two (Swift's growth gives room for 1, then 2). Not four, as CPython
                    // does: a `Value` is 24 bytes, and 4 made every short list a 144-byte malloc
                    // chunk instead of 96 (push: peak RSS 41.8 -> 34.9 MB).
                    if xs.capacity == 0 { xs.reserveCapacity(2) }
                    xs.append(x)
                    v = .list(xs)
                    return
                }
                var args = Arguments(callee: b.name, positional: [v, x], location: loc)
                v = .null
                defer { v = args.positional[0] }
                _ = try Compiler.locate(loc) { try b.call(&args, f.context) }
            }
            // `push(xs, x)` on a plain local: straight into its slot, without the place's closures.
            if case .name(let n) = target.kind, case (.slot(let i), false)? = scope.resolve(n) {
                return { f in
                    let x = try item.get(f)
                    try push(x, into: &f.slots[i], f)
                    return .null
                }
            }
            return { f in
                let x = try item.get(f)
                try place(f) { v in try push(x, into: &v, f) }
                return .null
            }
        }
        let positional = rest.filter { $0.label == nil }.map { compileExpr($0.value) }
        let named = rest.compactMap { a in a.label.map { ($0, compileExpr(a.value)) } }
        return { f in
            var values: [Value] = [.null]
            values.reserveCapacity(1 + positional.count)
            for ev in positional { values.append(try ev(f)) }
            var labelled: [(name: String, value: Value)] = []
            for (l, ev) in named { labelled.append((l, try ev(f))) }
            var result = Value.null
            try place(f) { v in
                var args = Arguments(callee: b.name, positional: values, named: labelled, location: loc)
                args.positional[0] = v
                v = .null // the argument holds the only reference: appends happen in place
                defer { v = args.positional[0] }
                result = try Compiler.locate(loc) { try b.call(&args, f.context) }
            }
            return result
        }
    }

    // MARK: - Assignment

    /// `x = x + e` (`-`, `*`) on a writable local slot: one closure updating the slot in place
    /// (see `selfUpdateSlot`); nil for anything else. The value is compiled only here, so its
    /// diagnostics are reported once.
    private func compileSelfUpdate(_ target: Expr, _ valueExpr: Expr) -> Exec? {
        guard case .name(let n) = target.kind, case .binary(let op, let a, let b) = valueExpr.kind,
              op == "+" || op == "-" || op == "*", case .name(let m) = a.kind, m == n,
              let (storage, isConstant) = scope.resolve(n), !isConstant, case .slot(let i) = storage
        else { return nil }
        let y = operand(b)
        switch op {
        case "+": return selfUpdateSlot(AddOperator.self, i, y, valueExpr.location)
        case "-": return selfUpdateSlot(SubtractOperator.self, i, y, valueExpr.location)
        default: return selfUpdateSlot(MultiplyOperator.self, i, y, valueExpr.location)
        }
    }

    func compileAssignment(_ target: Expr, _ op: String?, _ valueExpr: Expr, _ loc: SourceLocation) -> Exec {
        if op == nil, let update = compileSelfUpdate(target, valueExpr) { return update }
        let value = compileExpr(valueExpr)
        let combine: ((Value, Value) throws -> Value)?
        switch op {
        case "+": combine = Operators.add
        case "-": combine = Operators.subtract
        case "*": combine = Operators.multiply
        case "/": combine = Operators.divide
        default: combine = nil
        }
        // Plain `name = value`: a direct store.
        if combine == nil, case .name(let n) = target.kind {
            switch resolve(n, at: target.location) {
            case .local(let s, let isConstant):
                if isConstant { constantError(n, at: target.location, verb: "assign to") }
                switch s {
                case .slot(let i): return { f in Compiler.store(try value(f), in: f.slots + i); return .normal }
                case .cell(let i): return { f in f.cells[i].value = try value(f); return .normal }
                case .capture(let i): return { f in f.captures[i].value = try value(f); return .normal }
                case .global: break
                }
            case .global(let cell):
                if cell.isConstant { constantError(n, at: target.location, verb: "assign to") }
                let globals = self.globals
                let tloc = Cold(target.location)
                return { f in
                    let v = try value(f)
                    guard cell.isDefined else { throw Compiler.unknownName(cell.name, globals, at: tloc.value) }
                    cell.assign(v)
                    return .normal
                }
            }
        }
        // Element or field: `xs[i] = v`, `m.k = v`, or any compound assignment.
        if combine == nil {
            switch target.kind {
            case .index(let base, let i):
                guard let place = compilePlace(base, purpose: "assign into") else { return { _ in .normal } }
                let ix = compileExpr(i)
                return { f in
                    let k = try ix(f), v = try value(f)
                    try Compiler.locate(loc) { try place(f) { b in try Operators.setIndex(&b, k, v) } }
                    return .normal
                }
            case .member(let base, let name):
                guard let place = compilePlace(base, purpose: "assign into") else { return { _ in .normal } }
                return { f in
                    let v = try value(f)
                    try Compiler.locate(loc) {
                        try place(f) { b in
                            guard case .map = b else { throw ScriptError(.type, "cannot set `.\(name)` on a \(b.typeName)") }
                            try Operators.setIndex(&b, .string(name), v)
                        }
                    }
                    return .normal
                }
            default: return { _ in .normal }
            }
        }
        if let combine, case .name(let n) = target.kind, scope.resolve(n) != nil,
           case .local(.slot(let i), let isConstant) = resolve(n, at: target.location), !isConstant {
            // `i += 1`: the int in the slot is changed in place, no operand code runs. An int
            // replaces an int without the general release; the rest goes the general way, out
            // of these closures (and their locations are `Cold`).
            let at = Cold(loc)
            let slow: (Frame, Value) throws -> Flow = { f, r in
                let old = f.slots[i]
                f.slots[i] = try Compiler.locate(at.value) { try combine(old, r) }
                return .normal
            }
            if case .literal(.int(let k)) = valueExpr.kind, op == "+" || op == "-" {
                let isAdd = op == "+"
                return { f in
                    if case .int(let a) = f.slots[i],
                       let s = isAdd ? AddOperator.ints(a, k) : SubtractOperator.ints(a, k) {
                        (f.slots + i).initialize(to: .int(s))
                        return .normal
                    }
                    return try slow(f, .int(k))
                }
            }
            switch op {
            case "+": return compoundSlot(AddOperator.self, i, value, loc)
            case "-": return compoundSlot(SubtractOperator.self, i, value, loc)
            case "*": return compoundSlot(MultiplyOperator.self, i, value, loc)
            default: break
            }
            return { f in
                let r = try value(f)
                let old = f.slots[i]
                f.slots[i] = try Compiler.locate(at.value) { try combine(old, r) }
                return .normal
            }
        }
        if let combine, case .name(let n) = target.kind, scope.resolve(n) == nil,
           case .global(let cell) = resolve(n, at: target.location), !cell.isConstant,
           let place = compilePlace(target, purpose: "assign to") {
            // `total += x`, `i += 1` on a top-level `var`: an int in the cell is changed in place;
            // anything else (or an undefined name) goes the general way, out of this closure.
            let at = Cold(loc)
            let slow: (Frame, Value) throws -> Flow = { f, r in
                try Compiler.locate(at.value) { try place(f) { v in v = try combine(v, r) } }
                return .normal
            }
            let isAdd = op == "+", isSub = op == "-"
            if case .literal(.int(let k)) = valueExpr.kind, isAdd || isSub {
                return { f in
                    if case .int(let a)? = cell.stored, let s = isAdd ? AddOperator.ints(a, k) : SubtractOperator.ints(a, k) {
                        cell.storeInt(s)
                        return .normal
                    }
                    return try slow(f, .int(k))
                }
            }
            return { f in
                let r = try value(f)
                if case .int(let a)? = cell.stored, case .int(let b) = r {
                    if isAdd, let s = AddOperator.ints(a, b) { cell.storeInt(s); return .normal }
                    if isSub, let s = SubtractOperator.ints(a, b) { cell.storeInt(s); return .normal }
                }
                return try slow(f, r)
            }
        }
        guard let place = compilePlace(target, purpose: "assign to"), let combine else { return { _ in .normal } }
        return { f in
            let r = try value(f)
            try Compiler.locate(loc) { try place(f) { v in v = try combine(v, r) } }
            return .normal
        }
    }

    private func constantError(_ name: String, at loc: SourceLocation, verb: String) {
        error("cannot \(verb) `\(name)`: it is a constant", at: loc,
              hint: "did you mean `var`? Declare it with `var \(name) = …` to change it")
    }

    /// A place that can be changed in place: a variable, or an element/field of one.
    /// Reports an error (and returns nil) when the root is a constant or not a variable.
    func compilePlace(_ e: Expr, purpose: String) -> Place? {
        switch e.kind {
        case .name(let n):
            switch resolve(n, at: e.location) {
            case .local(let s, let isConstant):
                if isConstant { constantError(n, at: e.location, verb: purpose == "assign to" ? "assign to" : "change"); return nil }
                switch s {
                case .slot(let i): return { f, body in try body(&f.slots[i]) }
                case .cell(let i): return { f, body in try body(&f.cells[i].value) }
                case .capture(let i): return { f, body in try body(&f.captures[i].value) }
                case .global: return nil
                }
            case .global(let cell):
                if cell.isConstant { constantError(n, at: e.location, verb: purpose == "assign to" ? "assign to" : "change"); return nil }
                let globals = self.globals
                let loc = e.location
                return { _, body in
                    guard var v = cell.value else { throw Compiler.unknownName(cell.name, globals, at: loc) }
                    cell.value = .null // keep the value uniquely referenced while it changes
                    defer { cell.value = v }
                    try body(&v)
                }
            }
        case .index(let base, let i):
            guard let outer = compilePlace(base, purpose: purpose) else { return nil }
            let ix = compileExpr(i)
            return { f, body in
                let k = try ix(f)
                try outer(f) { v in try Operators.modifyIndex(&v, k, body) }
            }
        case .member(let base, let name):
            guard let outer = compilePlace(base, purpose: purpose) else { return nil }
            return { f, body in
                try outer(f) { v in
                    guard case .map = v else { throw ScriptError(.type, "cannot set `.\(name)` on a \(v.typeName)") }
                    try Operators.modifyIndex(&v, .string(name), body)
                }
            }
        default:
            error("cannot \(purpose) this expression", at: e.location, hint: "use a `var` variable, or an element `xs[i]` / field `m.k` of one")
            return nil
        }
    }
}

extension Compiler {
    /// Calls `fn` with a fresh frame that `fill` puts the arguments into, when it is a script
    /// function taking exactly `arity` parameters; else `otherwise` (built-ins, defaults, errors).
    @inline(__always)
    static func callScript(_ fn: Value, arity: Int, from f: Frame, at loc: SourceLocation,
                           fill: (Frame, FunctionProto) throws -> Void,
                           otherwise: () throws -> Value) throws -> Value {
        guard case .closure(let c) = fn else { return try otherwise() }
        return try callClosure(c, arity: arity, from: f, at: loc, fill: fill, otherwise: otherwise)
    }

    /// The closure `v` holds, unretained.
    @inline(__always)
    static func closureRef(_ v: Value) -> Unmanaged<Closure>? {
        if case .closure(let c) = v { return .passUnretained(c) }
        return nil
    }

    @inline(__always)
    static func callClosure(_ c: Closure, arity: Int, from f: Frame, at loc: SourceLocation,
                            fill: (Frame, FunctionProto) throws -> Void,
                            otherwise: () throws -> Value) throws -> Value {
        try c.protoRef._withUnsafeGuaranteedRef { p in
            guard p.parameterCount == arity else { return try otherwise() }
            return try p.call(captures: c.captures, context: f.contextRef, at: loc) { frame in try fill(frame, p) }
        }
    }
}
