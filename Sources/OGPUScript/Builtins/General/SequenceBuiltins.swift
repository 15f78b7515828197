/// `map`, `filter`, `reduce`, `sort`, `sum`, `min`, `max` (§5). All return new values.
enum SequenceBuiltins {
    static let all: [BuiltinFunction] = [map, filter, reduce, sort, sum, min, max]

    static let map = BuiltinFunction("map", doc: """
        map(list, f) is a new list of f(x) for each element x: `map([1, 2], x => x * 10)` is \
        [10, 20]. Also takes a range, a map (its keys) or a string (its characters).
        """) { args, ctx in
        try args.noNamed(); try args.expectCount(2, 2)
        let items = try Sequences.elements(args.positional[0], args, "list")
        let f = try args.function(1, "f")
        var out = [Value]()
        out.reserveCapacity(items.count)
        // Elements are lent to the call in place (`for x in items` copies each one first).
        try items.withUnsafeBufferPointer { xs in
            for i in xs.indices { out.append(try ctx.call(f, with: xs[i])) }
        }
        return .list(out)
    }

    static let filter = BuiltinFunction("filter", doc: """
        filter(list, f) is a new list of the elements x for which f(x) is true (neither nil nor \
        false): `filter(1..6, x => x % 2 == 0)` is [2, 4].
        """) { args, ctx in
        try args.noNamed(); try args.expectCount(2, 2)
        let items = try Sequences.elements(args.positional[0], args, "list")
        let f = try args.function(1, "f")
        // The answers first (a byte each), then the kept elements into a list of exactly their
        // count: a growing list reallocated itself ~log2(n) times, each time into fresh pages.
        // Elements are lent to the call in place.
        var keep = [Bool](repeating: false, count: items.count)
        var kept = 0
        try items.withUnsafeBufferPointer { xs in
            for i in xs.indices where try ctx.call(f, with: xs[i]).isTruthy { keep[i] = true; kept += 1 }
        }
        var out = [Value]()
        out.reserveCapacity(kept)
        for i in items.indices where keep[i] { out.append(items[i]) }
        return .list(out)
    }

    static let reduce = BuiltinFunction("reduce", doc: """
        reduce(list, init, f) folds the list from the left: f(f(init, x0), x1)…; \
        `reduce([1, 2, 3], 0, (a, x) => a + x)` is 6.
        """) { args, ctx in
        try args.noNamed(); try args.expectCount(3, 3)
        let items = try Sequences.elements(args.positional[0], args, "list")
        let f = try args.function(2, "f")
        var acc = args.positional[1]
        // Elements are lent to the call in place, as in `map`.
        try items.withUnsafeBufferPointer { xs in
            for i in xs.indices { acc = try ctx.call(f, with: acc, xs[i]) }
        }
        return acc
    }

    static let sort = BuiltinFunction("sort", doc: """
        sort(list, key: f) is a new list in ascending order (stable), comparing the elements or, \
        with `key:`, f(element). Mixing values that have no order (a string and an int) is a \
        "type" error. Numbers, strings, durations, times, amounts and lists compare.
        """) { args, ctx in
        try args.allowNamed(["key"]); try args.expectCount(1, 1)
        let items = try Sequences.elements(args.positional[0], args, "list")
        guard let key = args.named("key"), !(key.isNilValue) else {
            // All ints or all strings (the usual lists): sorted as Swift values, with no
            // per-comparison dispatch on the values' types (sortkey: 3x fewer instructions).
            if let ints = uniform(items, { if case .int(let i) = $0 { return i } else { return nil } }) {
                return .list(ints.sorted().map { .int($0) })
            }
            if let strings = uniform(items, { if case .string(let s) = $0 { return s } else { return nil } }) {
                return .list(strings.sorted().map { .string($0) })
            }
            return .list(try items.sorted { try Operators.compare($0, $1) < 0 })
        }
        let keys = try items.map { try ctx.call(key, with: $0) }
        let order: [Int]
        if let ints = uniform(keys, { if case .int(let i) = $0 { return i } else { return nil } }) {
            order = (0..<items.count).sorted { ints[$0] < ints[$1] }
        } else if let strings = uniform(keys, { if case .string(let s) = $0 { return s } else { return nil } }) {
            order = (0..<items.count).sorted { strings[$0] < strings[$1] }
        } else {
            order = try (0..<items.count).sorted { try Operators.compare(keys[$0], keys[$1]) < 0 }
        }
        return .list(order.map { items[$0] })
    }

    /// Every element's payload when all are of one case (`extract` returns nil for others).
    @inline(__always)
    static func uniform<T>(_ xs: [Value], _ extract: (Value) -> T?) -> [T]? {
        var out: [T] = []
        out.reserveCapacity(xs.count)
        for x in xs {
            guard let v = extract(x) else { return nil }
            out.append(v)
        }
        return out
    }

    /// The list of values: the single list (or range) argument, else all positional arguments.
    static func operands(_ args: Arguments) throws -> [Value] {
        try args.noNamed(); try args.expectCount(1)
        let items: [Value]
        if args.count == 1 {
            items = try Sequences.elements(args.positional[0], args, "list")
        } else {
            items = args.positional
        }
        if items.isEmpty { throw ScriptError(.value, "\(args.callee)() of an empty list") }
        return items
    }

    static let sum = BuiltinFunction("sum", doc: """
        sum(list, start: 0) or sum(a, b, …) adds numbers, amounts or durations: \
        `sum([ogpu(1), gwei(5)])`. An empty list sums to `start`: 0, as in Python; pass \
        `start: ogpu(0)` (or `0s`) when the list may be empty and the result must be an amount.
        """) { args, _ in
        try args.allowNamed(["start"]); try args.expectCount(1)
        let items = args.count == 1 ? try Sequences.elements(args.positional[0], args, "list") : args.positional
        var acc = args.named("start") ?? items.first ?? .int(0)
        for x in args.named("start") == nil ? items.dropFirst() : items[...] { acc = try Operators.add(acc, x) }
        if case .string = acc { throw ScriptError(.type, "sum() adds numbers, amounts or durations; use join() for strings") }
        if case .list = acc { throw ScriptError(.type, "sum() adds numbers, amounts or durations, not lists") }
        return acc
    }

    static let min = BuiltinFunction("min", doc: """
        min(list) or min(a, b, …) is the smallest value (the first of equals). An empty list is \
        a "value" error.
        """) { args, _ in
        try extreme(args) { $0 < 0 }
    }

    static let max = BuiltinFunction("max", doc: """
        max(list) or max(a, b, …) is the largest value (the first of equals). An empty list is \
        a "value" error.
        """) { args, _ in
        try extreme(args) { $0 > 0 }
    }

    /// The first operand that no later one beats, where `beats(compare(x, best))` says when x does:
    /// only a strict win replaces the best, so equals keep the first.
    private static func extreme(_ args: Arguments, beats: (Int) -> Bool) throws -> Value {
        let items = try operands(args)
        var best = items[0]
        for x in items.dropFirst() where beats(try Operators.compare(x, best)) { best = x }
        return best
    }
}

extension Value {
    var isNilValue: Bool { if case .null = self { return true } else { return false } }
}
