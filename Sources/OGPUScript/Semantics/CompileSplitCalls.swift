/// `for line in split(text, "\n") { … }` takes the parts one at a time instead of making the
/// list first: each part is a string made as the loop reaches it and freed when the loop moves
/// on, so the parts never live all at once (for bench/lang `interp`'s 60,000 lines: no 1.4 MB
/// list, no 4.8 MB of part strings alive together, each part's memory reused by the next).
/// The loop sees exactly what the list would give it: `text` is an immutable value read once,
/// and the parts are the ones `split` lists (`StringBuiltins.forEachPart` makes both).
/// Taken only when `split` is the built-in (checked at every run, like any call of a built-in
/// by its name), both arguments are plain names or literals (reading them twice, here and in
/// the general call, has no effect) and are strings with a separator that is not empty; any other
/// case runs the general loop over the call's result, with the call's own errors.
/// `let parts = split(s, sep)` into a local reuses the list the local held (`splitDeclaration`).
struct SplitArguments {
    let cell: GlobalCell, identity: ObjectIdentifier, text: Operand, separator: Operand

    /// `split`'s two arguments, or nil when the general call must run (see above). Read inline
    /// by the loop's and the declaration's code: a closure here was ~90 instructions a call, and
    /// its thunk was merged with `Compiler.sequence`'s, which then cost every statement list an
    /// extra jump (bench/lang loop +2%).
    @inline(__always)
    func read(_ f: Frame) throws -> (text: String, separator: String)? {
        guard cell.builtinIdentity == identity, case .string(let t) = try text.get(f),
              case .string(let sep) = try separator.get(f), !sep.isEmpty else { return nil }
        return (t, sep)
    }
}

extension Compiler {
    /// `split`'s arguments when `e` is a call of the built-in `split` that these paths take;
    /// nil when it is not such a call.
    func splitArguments(_ e: Expr) -> SplitArguments? {
        guard case .call(let callee, let args) = e.kind, case .name(let name) = callee.kind, name == "split",
              args.count == 2, args.allSatisfy({ $0.label == nil && Self.isPlainRead($0.value) }),
              scope.resolve(name) == nil else { return nil }
        let cell = globals.cell(name)
        guard case .builtin(let b)? = cell.value, b === StringBuiltins.split else { return nil }
        return SplitArguments(cell: cell, identity: ObjectIdentifier(b), text: operand(args[0].value), separator: operand(args[1].value))
    }

    /// A name or a literal: reading it has no effect beyond its value (or its unknown-name error).
    private static func isPlainRead(_ e: Expr) -> Bool {
        switch e.kind {
        case .name, .literal: return true
        default: return false
        }
    }

    /// `let parts = split(s, sep)` into a local slot: the list the slot held is reused when
    /// nothing else holds it (`StringBuiltins.storeParts`), for the same cases and with the same
    /// fallback as the loop: in a loop's body the previous list and its parts were freed and a
    /// new list allocated every time (~480 instructions a line, bench/lang interp: 368.0M -> 339.2M).
    func splitDeclaration(_ split: SplitArguments, general: @escaping Eval, slot i: Int) -> Exec {
        { f in
            guard let (text, separator) = try split.read(f) else {
                Compiler.store(try general(f), in: f.slots + i)
                return .normal
            }
            StringBuiltins.storeParts(of: text, between: separator, in: f.slots + i)
            return .normal
        }
    }

    /// The loop over the parts (see above); `general` is the loop over the call's result.
    func compileSplitLoop(_ split: SplitArguments, general: @escaping Exec, body run: @escaping Exec,
                          _ s1: Storage, _ s2: Storage?) -> Exec {
        { f in
            guard let (text, separator) = try split.read(f) else { return try general(f) }
            let ctx = f.context
            var returned = false, n = 0
            try text.withUTF8Bytes { t in
                try separator.withUTF8Bytes { p in
                    try StringBuiltins.forEachPart(of: t, between: p) { part in
                        let x = Value.string(UTF8Buffer.string(part))
                        if let s2 {
                            Compiler.bindLoopVariable(f, s1, .int(n)); Compiler.bindLoopVariable(f, s2, x)
                        } else {
                            Compiler.bindLoopVariable(f, s1, x)
                        }
                        n &+= 1
                        try ctx.checkInterrupt()
                        switch try run(f) {
                        case .breakLoop: return true
                        case .returned: returned = true; return true
                        default: return false
                        }
                    }
                }
            }
            return returned ? .returned : .normal
        }
    }
}
