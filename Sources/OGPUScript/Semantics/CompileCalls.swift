/// Calls, assignments and assignable places.
typealias Place = (Frame, (inout Value) throws -> Void) throws -> Void

extension Compiler {
    // MARK: - Calls

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
        let positional = args.filter { $0.label == nil }.map { compileExpr($0.value) }
        let named = args.compactMap { a in a.label.map { ($0, compileExpr(a.value)) } }
        let n = positional.count
        // A call of a top-level name reads its cell directly.
        var calleeCell: GlobalCell? = nil
        if case .name(let fname) = calleeExpr.kind, scope.resolve(fname) == nil { calleeCell = globals.cell(fname) }
        let globals = self.globals
        let calleeLoc = calleeExpr.location
        if named.isEmpty {
            return { f in
                let fn: Value
                if let calleeCell {
                    guard let v = calleeCell.value else { throw Compiler.unknownName(calleeCell.name, globals, at: calleeLoc) }
                    fn = v
                } else {
                    fn = try callee(f)
                }
                if case .closure(let c) = fn, c.proto.parameterCount == n {
                    // Fast path: evaluate arguments straight into the callee's frame.
                    let p = c.proto
                    let ctx = f.context
                    let frame = p.takeFrame(captures: c.captures, context: ctx)
                    if p.simpleParameters {
                        for k in 0..<n { frame.slots[k] = try positional[k](f) }
                    } else {
                        for k in 0..<n {
                            let v = try positional[k](f)
                            switch p.parameterStorage[k] {
                            case .slot(let i): frame.slots[i] = v
                            case .cell(let i): frame.cells[i] = Box(v)
                            default: break
                            }
                        }
                    }
                    return try p.run(frame, at: loc)
                }
                if n == 1, case .builtin(let b) = fn, let quick = b.quickUnary {
                    // One-argument built-ins with a quick form (`len`): no argument arrays.
                    let x = try positional[0](f)
                    if let r = quick(x) { return r }
                    return try f.context.call(fn, [x], at: loc)
                }
                var values: [Value] = []
                values.reserveCapacity(n)
                for ev in positional { values.append(try ev(f)) }
                return try f.context.call(fn, values, at: loc)
            }
        }
        return { f in
            let fn = try callee(f)
            var values: [Value] = []
            values.reserveCapacity(n)
            for ev in positional { values.append(try ev(f)) }
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
        let positional = rest.filter { $0.label == nil }.map { compileExpr($0.value) }
        let named = rest.compactMap { a in a.label.map { ($0, compileExpr(a.value)) } }
        if b === CollectionBuiltins.push, positional.count == 1, named.isEmpty {
            // `push(xs, x)`: append straight into the place, with no argument arrays. Anything
            // but a list goes through `push` itself for its exact error.
            let item = positional[0]
            return { f in
                let x = try item(f)
                try place(f) { v in
                    if case .list = v {
                        var xs = v.takeList()!
                        xs.append(x)
                        v = .list(xs)
                        return
                    }
                    var args = Arguments(callee: b.name, positional: [v, x], location: loc)
                    v = .null
                    defer { v = args.positional[0] }
                    _ = try Compiler.locate(loc) { try b.call(&args, f.context) }
                }
                return .null
            }
        }
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

    func compileAssignment(_ target: Expr, _ op: String?, _ valueExpr: Expr, _ loc: SourceLocation) -> Exec {
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
                case .slot(let i): return { f in f.slots[i] = try value(f); return .normal }
                case .cell(let i): return { f in f.cells[i].value = try value(f); return .normal }
                case .capture(let i): return { f in f.captures[i].value = try value(f); return .normal }
                case .global: break
                }
            case .global(let cell):
                if cell.isConstant { constantError(n, at: target.location, verb: "assign to") }
                let globals = self.globals
                let tloc = target.location
                return { f in
                    let v = try value(f)
                    guard cell.value != nil else { throw Compiler.unknownName(cell.name, globals, at: tloc) }
                    cell.value = v
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
            let isAdd = op == "+", isSub = op == "-"
            return { f in
                let r = try value(f)
                if case .int(let a) = f.slots[i], case .int(let b) = r {
                    if isAdd { let (s, o) = a.addingReportingOverflow(b); if !o { f.slots[i] = .int(s); return .normal } }
                    if isSub { let (s, o) = a.subtractingReportingOverflow(b); if !o { f.slots[i] = .int(s); return .normal } }
                }
                let old = f.slots[i]
                f.slots[i] = try Compiler.locate(loc) { try combine(old, r) }
                return .normal
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
