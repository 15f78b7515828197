/// Calls of a built-in by its own name, `contains(xs, x)`, `max(a, b)`, `json(v)`: the call site
/// keeps one `Arguments` and reuses it call after call.
///
/// Measured (callgrind, a loop of `contains(xs, i % 5)` and `max(i % 7, 3)`): a two-argument
/// built-in call cost ~1,700 instructions, of which ~430 were allocating and freeing the argument
/// array and ~220 copying the callee's name and the call's location into a new `Arguments` and
/// destroying it. Here the arguments go into the kept array (emptied after each call, so it
/// keeps no value alive), and the name and location are never copied: ~900 per call.
extension Compiler {
    /// The call's code when `cell` (the callee's top-level name) holds a built-in taken this way
    /// — positional arguments only (checked by the caller); nil to compile the call generally.
    /// Not: one-argument calls of built-ins with a quick form (they have their own path) and
    /// built-ins that change their first argument (`push`).
    func compileBuiltinCall(_ cell: GlobalCell, _ positional: [Operand], at loc: SourceLocation) -> Eval? {
        guard case .builtin(let b)? = cell.value, !b.mutatesFirstArgument,
              b.quickUnary == nil || positional.count != 1 else { return nil }
        let identity = ObjectIdentifier(b)
        let globals = self.globals
        if positional.count == 2, let quick = b.quickBinary {
            // Straight to the quick form, no argument array (`split(line, ", ")`: ~170
            // instructions less a call, callgrind bench/lang interp); what it declines (nil) takes
            // the full call, which gives every error.
            let o0 = positional[0], o1 = positional[1]
            return { f in
                guard cell.builtinIdentity == identity else {
                    guard let fn = cell.value else { throw Compiler.unknownName(cell.name, globals, at: loc) }
                    return try f.context.call(fn, [try o0.get(f), try o1.get(f)], at: loc)
                }
                let x = try o0.get(f), y = try o1.get(f)
                if let r = quick(x, y) { return r }
                return try f.context.call(.builtin(b), [x, y], at: loc)
            }
        }
        let kept = KeptArguments(callee: b.name, location: loc)
        return { f in
            guard cell.builtinIdentity == identity else {
                // The name was rebound since this was compiled (REPL, `import`): called as any
                // function is, callee first, then the arguments.
                guard let fn = cell.value else { throw Compiler.unknownName(cell.name, globals, at: loc) }
                return try f.context.call(fn, try positional.map { try $0.get(f) }, at: loc)
            }
            // This same site running again inside the call (an argument's or a callback's code
            // calling back here) gathers its own.
            guard !kept.inUse else {
                var args = Arguments(callee: b.name, positional: try positional.map { try $0.get(f) }, location: loc)
                return try f.context.callBuiltin(b, &args, at: loc)
            }
            kept.inUse = true
            defer { kept.release() }
            for o in positional { kept.arguments.positional.append(try o.get(f)) }
            return try f.context.callBuiltin(b, &kept.arguments, at: loc)
        }
    }
}

/// The `Arguments` a built-in call site reuses (see `compileBuiltinCall`): in use during one
/// call, empty between calls.
final class KeptArguments {
    var arguments: Arguments
    var inUse = false

    init(callee: String, location: SourceLocation) {
        arguments = Arguments(callee: callee, positional: [], location: location)
    }

    /// Ends the call: drops its argument values (keeping the array's room) and frees the site.
    @inline(__always)
    func release() {
        // One at a time: `removeAll(keepingCapacity:)` costs ~180 instructions here.
        while !arguments.positional.isEmpty { arguments.positional.removeLast() }
        if !arguments.named.isEmpty { arguments.named = [] }
        inUse = false
    }
}
