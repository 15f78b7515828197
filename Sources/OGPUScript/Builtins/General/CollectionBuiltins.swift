import BigInt

/// `keys`, `values`, `range`, `push`, `contains`, `join`, `reverse` (§5).
enum CollectionBuiltins {
    static let all: [BuiltinFunction] = [keys, values, range, push, contains, join, reverse]

    static let keys = BuiltinFunction("keys", doc: """
        keys(map) is the list of a map's keys, in insertion order.
        """) { args, _ in
        try args.noNamed(); try args.expectCount(1, 1)
        guard case .map(let m) = args.positional[0] else { throw args.typeError("map", expected: "a map", got: args.positional[0]) }
        return .list(m.keys.map { .string($0) })
    }

    static let values = BuiltinFunction("values", doc: """
        values(map) is the list of a map's values, in insertion order.
        """) { args, _ in
        try args.noNamed(); try args.expectCount(1, 1)
        guard case .map(let m) = args.positional[0] else { throw args.typeError("map", expected: "a map", got: args.positional[0]) }
        return .list(m.values)
    }

    static let maxRangeList = 100_000_000

    static let range = BuiltinFunction("range", doc: """
        range(a, b, step) is the list of ints from a up to (not including) b, counting by step \
        (default 1; negative counts down; 0 is an error). range(n) is range(0, n). For loops \
        over a plain span, `a..b` is cheaper: it builds no list.
        """) { args, _ in
        try args.noNamed(); try args.expectCount(1, 3)
        var lower = 0, upper: Int, step = 1
        if args.count == 1 { upper = try args.int(0, "end") } else {
            lower = try args.int(0, "start"); upper = try args.int(1, "end")
        }
        if args.count == 3 { step = try args.int(2, "step") }
        if step == 0 { throw ScriptError(.value, "range() step must not be 0") }
        // Counted in big integers: the span of two Ints (or -Int.min) does not fit an Int.
        let span = step > 0 ? BigInt(upper) - BigInt(lower) : BigInt(lower) - BigInt(upper)
        let bigCount = span.signum() <= 0 ? BigInt(0) : (span - 1) / BigInt(step).magnitude.asBigInt + 1
        if bigCount > BigInt(min(maxRangeList, Operators.maxListCount)) { throw ScriptError(.value, "range() would make \(bigCount) elements; use `a..b` to loop") }
        let count = Int(bigCount)
        var out = [Value]()
        out.reserveCapacity(count)
        var x = lower
        for _ in 0..<count { out.append(.int(x)); x &+= step }
        return .list(out)
    }

    static let push = BuiltinFunction("push", doc: """
        push(list, x) appends x to a list in place. The list must be a `var` (or an element of \
        one); to make a new list instead, write `xs + [x]`.
        """, mutatesFirstArgument: true) { args, _ in
        try args.noNamed(); try args.expectCount(2, 2)
        let x = args.positional[1]
        try args.modifyList(0, "list") { $0.append(x) }
        return .null
    }

    static let contains = BuiltinFunction("contains", doc: """
        contains(x, y) is true when list x has an element equal to y, map x has the key y, \
        range x includes the int y, or string x contains the text y.
        """) { args, _ in
        try args.noNamed(); try args.expectCount(2, 2)
        let y = args.positional[1]
        switch args.positional[0] {
        case .list(let xs): return .bool(xs.contains { Operators.equal($0, y) })
        case .map(let m):
            guard case .string(let k) = y else { throw args.typeError("y", expected: "a string key", got: y) }
            return .bool(m.contains(k))
        case .string(let s):
            guard case .string(let t) = y else { throw args.typeError("y", expected: "a string", got: y) }
            return .bool(TextFastPaths.contains(s, t)) // t.isEmpty || s.contains(t), bytes for ASCII
        case .range(let l, let u, let inclusive):
            guard let n = y.decValue else { return .bool(false) }
            return .bool(n.isInteger && Dec.compare(n, Dec(l)) >= 0 && Dec.compare(n, Dec(u)) < (inclusive ? 1 : 0))
        case let v: throw args.typeError("x", expected: "a list, map, range or string", got: v)
        }
    }

    static let join = BuiltinFunction("join", doc: """
        join(list, sep) joins the elements' printed forms with sep between them (default ""): \
        `join([1, "a"], ", ")` is "1, a".
        """) { args, _ in
        try args.noNamed(); try args.expectCount(1, 2)
        let items = try Sequences.elements(args.positional[0], args, "list")
        let sep = args.count > 1 ? try args.string(1, "sep") : ""
        return .string(try StringBuiltins.joined(items, separator: sep)) // size-capped, one buffer
    }

    static let reverse = BuiltinFunction("reverse", doc: """
        reverse(x) is a new list with x's elements in the opposite order (or a string with its \
        characters reversed). x itself is not changed.
        """) { args, _ in
        try args.noNamed(); try args.expectCount(1, 1)
        if case .string(let s) = args.positional[0] { return .string(String(s.reversed())) }
        return .list(try Sequences.elements(args.positional[0], args, "list").reversed())
    }
}

private extension BigUInt {
    var asBigInt: BigInt { BigInt(self) }
}
