import BigInt

/// Operator semantics (§3). Ints take a 64-bit fast path and promote to big integers on
/// overflow; strings, lists and maps are handled here; dec, duration, time and amount
/// arithmetic is delegated to `NumberOps` (Runtime/Numbers).
enum Operators {
    /// Largest string (UTF-8 bytes) and list `+` or interpolation will build: bad input must
    /// fail with an error, never exhaust memory. Sandboxed tests lower them. Process-wide: written
    /// only while no session runs (`Sandbox.limitValueSizes`, a test's set-up), read by every run.
    nonisolated(unsafe) static var maxStringBytes = 1 << 30
    nonisolated(unsafe) static var maxListCount = 1 << 27
    /// Largest integer (or dec mantissa) `*` and `**` will build, in bits: big-number products
    /// and their printing take quadratic time, so `x = x * x` thirty times must stop early.
    nonisolated(unsafe) static var maxIntegerBits = 64_000_000

    static func checkProduct(bits a: Int, _ b: Int) throws {
        if a + b > maxIntegerBits {
            throw ScriptError(.value, "number too large (more than \(maxIntegerBits) bits)")
        }
    }

    static func checkSize(_ s: String) throws { try checkSize(count: s.utf8.count) }

    static func checkSize(count: Int) throws {
        if count > maxStringBytes { throw ScriptError(.value, "string too long (over \(maxStringBytes) bytes)") }
    }

    // MARK: Arithmetic

    static func add(_ a: Value, _ b: Value) throws -> Value {
        if let r = NumberOps.quickAdd(a, b) { return r }
        switch (a, b) {
        case (.int(let x), .int(let y)):
            let (r, o) = x.addingReportingOverflow(y)
            return o ? .bigInt(BigInt(x) + BigInt(y)) : .int(r)
        case (.string(let x), .string(let y)):
            if x.utf8.count + y.utf8.count > maxStringBytes { throw ScriptError(.value, "string too long (over \(maxStringBytes) bytes)") }
            if let s = InlineString.concatenation(x, y) { return .string(s) }
            return .string(x + y)
        case (.list(let x), .list(let y)):
            if x.count + y.count > maxListCount { throw ScriptError(.value, "list too long (over \(maxListCount) elements)") }
            return .list(x + y)
        case (.map(var x), .map(let y)):
            for (k, v) in y.pairs { x[k] = v }
            return .map(x)
        case (.string, _), (_, .string):
            throw ScriptError(.type, "cannot add \(a.typeName) and \(b.typeName)",
                              help: "put the value in the string instead: `\"…{x}…\"`")
        default:
            if let x = a.bigIntValue, let y = b.bigIntValue { return Value.integer(x + y) }
            return try NumberOps.binary(.add, a, b)
        }
    }

    static func subtract(_ a: Value, _ b: Value) throws -> Value {
        if case .int(let x) = a, case .int(let y) = b {
            let (r, o) = x.subtractingReportingOverflow(y)
            return o ? .bigInt(BigInt(x) - BigInt(y)) : .int(r)
        }
        if let r = NumberOps.quickSubtract(a, b) { return r }
        if let x = a.bigIntValue, let y = b.bigIntValue { return Value.integer(x - y) }
        return try NumberOps.binary(.sub, a, b)
    }

    static func multiply(_ a: Value, _ b: Value) throws -> Value {
        if case .int(let x) = a, case .int(let y) = b {
            let (r, o) = x.multipliedReportingOverflow(by: y)
            return o ? .bigInt(BigInt(x) * BigInt(y)) : .int(r)
        }
        if let r = NumberOps.quickMultiply(a, b) { return r }
        if let x = a.bigIntValue, let y = b.bigIntValue {
            try checkProduct(bits: x.magnitude.bitWidth, y.magnitude.bitWidth)
            return Value.integer(x.times(y))
        }
        return try NumberOps.binary(.mul, a, b)
    }

    static func divide(_ a: Value, _ b: Value) throws -> Value {
        if a.isNumber && b.isNumber {
            guard let x = a.decValue, let y = b.decValue else { throw ScriptError(.type, "cannot divide") }
            guard let q = Dec.divide(x, y) else { throw ScriptError(.value, "division by zero") }
            return .dec(q)
        }
        return try NumberOps.binary(.div, a, b)
    }

    static func floorDivide(_ a: Value, _ b: Value) throws -> Value {
        if case .int(let x) = a, case .int(let y) = b {
            if y == 0 { throw ScriptError(.value, "division by zero") }
            if !(x == .min && y == -1) {
                let q = x / y
                return .int((x % y != 0 && (x < 0) != (y < 0)) ? q - 1 : q)
            }
        }
        if let x = a.bigIntValue, let y = b.bigIntValue {
            if y == 0 { throw ScriptError(.value, "division by zero") }
            let (q, r) = x.dividedTruncating(by: y)
            return Value.integer((r != 0 && (x.sign == .minus) != (y.sign == .minus)) ? q - 1 : q)
        }
        return try NumberOps.binary(.floorDiv, a, b)
    }

    static func remainder(_ a: Value, _ b: Value) throws -> Value {
        if case .int(let x) = a, case .int(let y) = b {
            if y == 0 { throw ScriptError(.value, "division by zero") }
            if y == -1 { return .int(0) }
            let r = x % y
            return .int((r != 0 && (r < 0) != (y < 0)) ? r + y : r)
        }
        if let x = a.bigIntValue, let y = b.bigIntValue {
            if y == 0 { throw ScriptError(.value, "division by zero") }
            let r = x.dividedTruncating(by: y).remainder
            return Value.integer((r != 0 && (r.sign == .minus) != (y.sign == .minus)) ? r + y : r)
        }
        return try NumberOps.binary(.mod, a, b)
    }

    static func power(_ a: Value, _ b: Value) throws -> Value {
        guard let e = b.bigIntValue else {
            if b.isNumber { throw ScriptError(.value, "`**` needs an integer exponent, got \(ValueFormat.printed(b))") }
            throw ScriptError(.type, "cannot raise \(a.typeName) to a \(b.typeName)")
        }
        guard let base = a.bigIntValue else { return try NumberOps.binary(.pow, a, b) }
        if e.sign == .minus {
            if base == 0 { throw ScriptError(.value, "division by zero") }
            guard e > -100_000 else { throw ScriptError(.value, "exponent too large") }
            let d = base.power(Int(-e))
            return .dec(Dec.divide(Dec(1), Dec(d))!)
        }
        if base.magnitude > 1 && (e > 10_000_000 || BigInt(base.bitWidth) * e > BigInt(maxIntegerBits)) {
            throw ScriptError(.value, "`**` result too large (more than \(maxIntegerBits) bits)")
        }
        return Value.integer(base.power(Int(e)))
    }

    static func negate(_ a: Value) throws -> Value {
        switch a {
        case .int(let x): return x == .min ? .bigInt(-BigInt(x)) : .int(-x)
        case .bigInt(let b): return Value.integer(-b)
        default: return try NumberOps.negate(a)
        }
    }

    // MARK: Comparison

    static func equal(_ a: Value, _ b: Value) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case (.bool(let x), .bool(let y)): return x == y
        case (.int(let x), .int(let y)): return x == y
        case (.string(let x), .string(let y)): return x == y
        case (.list, .list), (.map, .map), (.error, .error):
            var walk = SharedWalk() // linear even when the values share parts of themselves
            return walk.equal(a, b)
        case (.bigInt(let x), .bigInt(let y)): return x == y
        case (.address(let x), .address(let y)): return x == y
        case (.range(let l1, let u1, let i1), .range(let l2, let u2, let i2)): return l1 == l2 && u1 == u2 && i1 == i2
        case (.closure(let x), .closure(let y)): return x === y
        case (.builtin(let x), .builtin(let y)): return x === y
        case (.handle(let x), .handle(let y)): return x === y
        case (.amount(let x), .amount(let y)): return x == y
        default:
            return NumberOps.equal(a, b) ?? false
        }
    }

    /// -1, 0, 1; a `"type"` error for values without an order between them.
    static func compare(_ a: Value, _ b: Value) throws -> Int {
        switch (a, b) {
        case (.int(let x), .int(let y)): return x < y ? -1 : (x == y ? 0 : 1)
        case (.string(let x), .string(let y)): return x < y ? -1 : (x == y ? 0 : 1)
        case (.amount(let x), .amount(let y)): return x < y ? -1 : (x == y ? 0 : 1)
        case (.list, .list):
            var walk = SharedWalk()
            return try walk.compare(a, b)
        default:
            if let x = a.bigIntValue, let y = b.bigIntValue { return x < y ? -1 : (x == y ? 0 : 1) }
            return try NumberOps.compare(a, b)
        }
    }

    // MARK: Indexing and members

    static func index(_ base: Value, _ i: Value) throws -> Value {
        switch base {
        case .list(let xs):
            guard case .int(let n) = i else { throw indexTypeError(base, i) }
            let k = n < 0 ? xs.count + n : n
            guard k >= 0 && k < xs.count else {
                throw ScriptError(.value, "index \(n) is out of range for a list of \(xs.count) element\(xs.count == 1 ? "" : "s")",
                                  help: ScriptError.indexHelp(xs.count))
            }
            return xs[k]
        case .map(let m):
            guard case .string(let k) = i else { throw indexTypeError(base, i) }
            return m[k] ?? .null
        case .string(let s):
            guard case .int(let n) = i else { throw indexTypeError(base, i) }
            let count = s.count
            let k = n < 0 ? count + n : n
            guard k >= 0 && k < count else {
                throw ScriptError(.value, "index \(n) is out of range for a string of \(count) character\(count == 1 ? "" : "s")",
                                  help: ScriptError.indexHelp(count))
            }
            return .string(String(s[s.index(s.startIndex, offsetBy: k)]))
        default:
            throw ScriptError(.type, "cannot index \(base.typeWithArticle)")
        }
    }

    static func indexTypeError(_ base: Value, _ i: Value) -> ScriptError {
        let want = base.typeName == "map" ? "a string" : "an int"
        return ScriptError(.type, "\(base.typeWithArticle) is indexed by \(want), not \(i.typeWithArticle)")
    }

    /// `base[i] = v` in place. The collection is moved out of `base` first (see `takeList`), so
    /// it is uniquely referenced and the store does not copy it.
    static func setIndex(_ base: inout Value, _ i: Value, _ v: Value) throws {
        if case .map = base, case .string(let k) = i {
            var m = base.takeMap()!
            m.set(k, v)
            base = .map(m)
            return
        }
        try modifyIndex(&base, i) { $0 = v }
    }

    /// In-place edit of an element (`xs[0] += 1`, `push(m.items, x)`).
    static func modifyIndex(_ base: inout Value, _ i: Value, _ body: (inout Value) throws -> Void) throws {
        if case .list = base {
            guard case .int(let n) = i else { throw indexTypeError(base, i) }
            var xs = base.takeList()!
            defer { base = .list(xs) }
            let k = n < 0 ? xs.count + n : n
            guard k >= 0 && k < xs.count else {
                throw ScriptError(.value, "index \(n) is out of range for a list of \(xs.count) element\(xs.count == 1 ? "" : "s")",
                                  help: ScriptError.indexHelp(xs.count))
            }
            try body(&xs[k])
        } else if case .map = base {
            guard case .string(let k) = i else { throw indexTypeError(base, i) }
            var m = base.takeMap()!
            defer { base = .map(m) }
            try m.modify(k, body)
        } else {
            throw ScriptError(.type, "cannot assign into \(base.typeWithArticle)")
        }
    }

    /// The properties `member` reads on `base` (not maps: any key reads there).
    static func propertyNames(of base: Value) -> [String] {
        switch base {
        case .error: return ["message", "kind", "data"]
        case .amount: return ["wei", "ogpu"]
        case .duration: return ["seconds"]
        case .time: return ["unix"]
        default: return []
        }
    }

    static func member(_ base: Value, _ name: String) throws -> Value {
        switch base {
        case .map(let m): return m[name] ?? .null
        case .handle(let h):
            do { return try h.property(name) } catch var e as ScriptError where e.kind == ErrorKind.name.rawValue && e.help == nil {
                e.help = ScriptError.didYouMean(name, h.propertyNames)
                throw e
            }
        case .error(let e):
            switch name {
            case "message": return .string(e.message)
            case "kind": return .string(e.kind)
            case "data": return e.data ?? .null
            default: break
            }
        case .amount(let w):
            switch name {
            case "wei": return Value.integer(BigInt(w.big))
            case "ogpu": return .dec(Dec.divide(Dec(BigInt(w.big)), Dec(BigInt(10).power(18)))!)
            default: break
            }
        case .duration(let d):
            if name == "seconds" { return .dec(d) }
        case .time(let t):
            if name == "unix" { return .dec(t) }
        default: break
        }
        throw ScriptError(.name, "\(base.typeWithArticle) has no property `\(name)`",
                          help: ScriptError.didYouMean(name, Operators.propertyNames(of: base)))
    }
}

