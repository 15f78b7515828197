/// The hot binary operators (`+ - * // %` and comparisons), compiled per operand shape.
///
/// `n - 1`, `i < limit` and `total % 1000003` read a local slot and a constant or another slot:
/// for those shapes the emitted closure looks at the slot's int in place, with no `Value` copy,
/// no operand dispatch and no call. Each operator is a type whose static functions the generic
/// compilers below are specialised with, so the int arithmetic is inlined into every closure.
/// Anything that is not two ints (or overflows) takes the exact general path in `Operators`.
protocol IntArithmetic {
    /// The result, or nil when it needs the general path (overflow, a zero or negative divisor).
    static func ints(_ a: Int, _ b: Int) -> Int?
    /// The result for the number shapes that cannot fail (decs, word amounts, durations: see
    /// `NumberOps.quickAdd`), or nil. Inlined into the closures, so `price * 1.05` does not go
    /// through `Operators` and its shape switch.
    static func numbers(_ a: Value, _ b: Value) -> Value?
    /// `x·10^-sx op y·10^-sy` for word mantissas, or nil when a step overflows or the operator
    /// has no word form: the general path then does it. See `WordNumber`.
    static func decWords(_ x: Int, _ sx: Int, _ y: Int, _ sy: Int) -> Dec?
    /// What `a op b` is for these kinds of word numbers (a dec or a duration), or nil when the
    /// general path decides (an error, or two ints). See `WordNumber`.
    static func resultKind(_ a: WordNumber.Kind, _ b: WordNumber.Kind) -> WordNumber.Kind?
    /// `p op q` for two word amounts, or nil (overflow, below zero, no such operation).
    static func amountWords(_ p: UInt, _ q: UInt) -> UInt?
    /// `p op k` for a word amount and an int (`base * 2`), or nil (overflow, a negative int,
    /// no such operation). See `NumberOps.amountTimesInt`.
    static func amountAndInt(_ p: UInt, _ k: Int) -> UInt?
    static func values(_ a: Value, _ b: Value) throws -> Value
}

extension IntArithmetic {
    @inline(__always) static func decWords(_ x: Int, _ sx: Int, _ y: Int, _ sy: Int) -> Dec? { nil }
    @inline(__always) static func resultKind(_ a: WordNumber.Kind, _ b: WordNumber.Kind) -> WordNumber.Kind? { nil }
    @inline(__always) static func amountWords(_ p: UInt, _ q: UInt) -> UInt? { nil }
    @inline(__always) static func amountAndInt(_ p: UInt, _ k: Int) -> UInt? { nil }

    /// Anything but two ints: the quick number shapes, else the exact general path.
    @inline(__always)
    static func general(_ a: Value, _ b: Value, _ at: Cold<SourceLocation>) throws -> Value {
        if let v = numbers(a, b) { return v }
        return try Compiler.locate(at.value) { try values(a, b) }
    }
}

extension IntArithmetic {
    /// `slot op int constant` when the slot is not an int or the int operation says no:
    /// out of line, so the int closure's own code stays small.
    @inline(never)
    static func slotAndIntGeneral(_ f: Frame, _ s: Int, _ k: Int, _ at: Cold<SourceLocation>) throws -> Value {
        // `base * 2` on a word amount: done here, in a function small enough to save no registers;
        // everything else goes on to `slotAndIntExact` (callgrind, bench/lang/amounts: see the commit).
        if case .amount(.small(let p)) = f.slots[s], let r = amountAndInt(p, k) { return .amount(.small(r)) }
        return try slotAndIntExact(f, s, k, at)
    }

    @inline(never)
    static func slotAndIntExact(_ f: Frame, _ s: Int, _ k: Int, _ at: Cold<SourceLocation>) throws -> Value {
        try general(f.slots[s], .int(k), at)
    }
}

protocol IntComparison {
    static func ints(_ a: Int, _ b: Int) -> Bool
    static func values(_ a: Value, _ b: Value) throws -> Bool
}

enum AddOperator: IntArithmetic {
    @inline(__always) static func ints(_ a: Int, _ b: Int) -> Int? {
        let (r, o) = a.addingReportingOverflow(b); return o ? nil : r
    }
    @inline(__always) static func numbers(_ a: Value, _ b: Value) -> Value? { NumberOps.quickAdd(a, b) }
    @inline(__always) static func decWords(_ x: Int, _ sx: Int, _ y: Int, _ sy: Int) -> Dec? { Dec.smallSum(x, sx, y, sy) }
    @inline(__always) static func resultKind(_ a: WordNumber.Kind, _ b: WordNumber.Kind) -> WordNumber.Kind? {
        WordNumber.sumKind(a, b)
    }
    @inline(__always) static func amountWords(_ p: UInt, _ q: UInt) -> UInt? {
        let (r, o) = p.addingReportingOverflow(q); return o ? nil : r
    }
    static func values(_ a: Value, _ b: Value) throws -> Value { try Operators.add(a, b) }
}

enum SubtractOperator: IntArithmetic {
    @inline(__always) static func ints(_ a: Int, _ b: Int) -> Int? {
        let (r, o) = a.subtractingReportingOverflow(b); return o ? nil : r
    }
    @inline(__always) static func numbers(_ a: Value, _ b: Value) -> Value? { NumberOps.quickSubtract(a, b) }
    @inline(__always) static func decWords(_ x: Int, _ sx: Int, _ y: Int, _ sy: Int) -> Dec? { Dec.smallDifference(x, sx, y, sy) }
    @inline(__always) static func resultKind(_ a: WordNumber.Kind, _ b: WordNumber.Kind) -> WordNumber.Kind? {
        WordNumber.sumKind(a, b)
    }
    @inline(__always) static func amountWords(_ p: UInt, _ q: UInt) -> UInt? { p >= q ? p - q : nil }
    static func values(_ a: Value, _ b: Value) throws -> Value { try Operators.subtract(a, b) }
}

enum MultiplyOperator: IntArithmetic {
    @inline(__always) static func ints(_ a: Int, _ b: Int) -> Int? {
        let (r, o) = a.multipliedReportingOverflow(by: b); return o ? nil : r
    }
    @inline(__always) static func numbers(_ a: Value, _ b: Value) -> Value? { NumberOps.quickMultiply(a, b) }
    @inline(__always) static func decWords(_ x: Int, _ sx: Int, _ y: Int, _ sy: Int) -> Dec? {
        sx + sy <= Dec.maxScale ? Dec.smallProduct(x, sx, y, sy) : nil
    }
    @inline(__always) static func resultKind(_ a: WordNumber.Kind, _ b: WordNumber.Kind) -> WordNumber.Kind? {
        WordNumber.productKind(a, b)
    }
    @inline(__always) static func amountAndInt(_ p: UInt, _ k: Int) -> UInt? { NumberOps.amountTimesInt(p, k) }
    static func values(_ a: Value, _ b: Value) throws -> Value { try Operators.multiply(a, b) }
}

/// `//` rounds toward negative infinity (§3).
enum FloorDivideOperator: IntArithmetic {
    @inline(__always) static func ints(_ a: Int, _ b: Int) -> Int? {
        guard b > 0 else { return nil }
        let q = a / b
        return (a % b != 0 && a < 0) ? q - 1 : q
    }
    @inline(__always) static func numbers(_ a: Value, _ b: Value) -> Value? { nil }
    static func values(_ a: Value, _ b: Value) throws -> Value { try Operators.floorDivide(a, b) }
}

/// `%` takes the sign of the divisor (§3).
enum RemainderOperator: IntArithmetic {
    @inline(__always) static func ints(_ a: Int, _ b: Int) -> Int? {
        guard b > 0 else { return nil }
        let m = a % b
        return m < 0 ? m + b : m
    }
    @inline(__always) static func numbers(_ a: Value, _ b: Value) -> Value? { nil }
    static func values(_ a: Value, _ b: Value) throws -> Value { try Operators.remainder(a, b) }
}

enum EqualOperator: IntComparison {
    @inline(__always) static func ints(_ a: Int, _ b: Int) -> Bool { a == b }
    static func values(_ a: Value, _ b: Value) throws -> Bool { Operators.equal(a, b) }
}

enum NotEqualOperator: IntComparison {
    @inline(__always) static func ints(_ a: Int, _ b: Int) -> Bool { a != b }
    static func values(_ a: Value, _ b: Value) throws -> Bool { !Operators.equal(a, b) }
}

enum LessOperator: IntComparison {
    @inline(__always) static func ints(_ a: Int, _ b: Int) -> Bool { a < b }
    static func values(_ a: Value, _ b: Value) throws -> Bool { try Operators.compare(a, b) < 0 }
}

enum LessOrEqualOperator: IntComparison {
    @inline(__always) static func ints(_ a: Int, _ b: Int) -> Bool { a <= b }
    static func values(_ a: Value, _ b: Value) throws -> Bool { try Operators.compare(a, b) <= 0 }
}

enum GreaterOperator: IntComparison {
    @inline(__always) static func ints(_ a: Int, _ b: Int) -> Bool { a > b }
    static func values(_ a: Value, _ b: Value) throws -> Bool { try Operators.compare(a, b) > 0 }
}

enum GreaterOrEqualOperator: IntComparison {
    @inline(__always) static func ints(_ a: Int, _ b: Int) -> Bool { a >= b }
    static func values(_ a: Value, _ b: Value) throws -> Bool { try Operators.compare(a, b) >= 0 }
}

extension Compiler {
    func arithmetic<Op: IntArithmetic>(_: Op.Type, _ x: Operand, _ y: Operand, _ loc: SourceLocation) -> Eval {
        let at = Cold(loc) // the location behind one pointer: see `Cold`
        switch (x, y) {
        case (.slot(let s), .constant(.int(let k))):
            // `i % 1000`, `n - 1`: everything but two ints is out of line (`slotAndIntGeneral`),
            // so this closure saves no registers on entry (callgrind: see the commit).
            return { f in
                if case .int(let i) = f.slots[s], let r = Op.ints(i, k) { return .int(r) }
                return try Op.slotAndIntGeneral(f, s, k, at)
            }
        case (.slot(let s), .constant(let c)) where c.wordDec != nil:
            // `price * 1.05`: the constant's mantissa and scale are taken apart here, and the
            // slot's dec is read in place (no copy of the `Value`); the general path reads the
            // slot again. The constant is rebuilt there: a capture is loaded on every run.
            let (m, sc) = c.wordDec!
            return { f in
                if let (p, sx) = f.slots[s].wordDec, let r = Op.decWords(p, sx, m, sc) { return .dec(r) }
                return try Op.general(f.slots[s], .dec(Dec(canonicalSmall: m, scale: sc)), at)
            }
        case (.slot(let s), .constant(let c)) where c.wordNumber != nil:
            // `waited + 1s`: as above, for durations and the kinds they combine with.
            let k = c.wordNumber!
            return { f in
                if let x = f.slots[s].wordNumber, let v = Op.words(x, k) { return v }
                return try Op.general(f.slots[s], k.value, at)
            }
        case (.slot(let s), .constant(let c)):
            // `price * 1.05`: not an int constant, so no int check.
            return { f in try Op.general(f.slots[s], c, at) }
        case (.slot(let s), .slot(let t)):
            return { f in
                if case .int(let i) = f.slots[s], case .int(let j) = f.slots[t], let r = Op.ints(i, j) { return .int(r) }
                return try Op.general(f.slots[s], f.slots[t], at)
            }
        case (.eval(let a), .constant(.int(let k))):
            return { f in
                let l = try a(f)
                if case .int(let i) = l, let r = Op.ints(i, k) { return .int(r) }
                return try Op.general(l, .int(k), at)
            }
        case (.eval(let a), .constant(let c)) where c.wordDec != nil:
            // `price * 1.05 - 0.0005`: as `slot op dec constant` above.
            let (m, sc) = c.wordDec!
            return { f in
                let l = try a(f)
                if let (p, sx) = l.wordDec, let r = Op.decWords(p, sx, m, sc) { return .dec(r) }
                return try Op.general(l, .dec(Dec(canonicalSmall: m, scale: sc)), at)
            }
        case (.eval(let a), .constant(let c)) where c.wordNumber?.kind == .duration && Op.resultKind(.duration, .duration) == .duration:
            // `waited + 250ms * n + 1s`: a computed duration and a duration constant (`+`, `-`).
            // The result's kind is decided here, and only a duration is tested for (callgrind,
            // bench/lang/amounts: see the commit). Anything else takes the general path.
            let k = c.wordNumber!
            let m = k.mantissa, sc = k.scale
            return { f in
                let l = try a(f)
                if let (p, sx) = l.wordDuration, let d = Op.decWords(p, sx, m, sc) { return .duration(d) }
                return try Op.general(l, k.value, at)
            }
        case (.eval(let a), .constant(let c)) where c.wordNumber != nil:
            // `waited + 250ms * n + 1s`: as `slot op number constant` above.
            let k = c.wordNumber!
            return { f in
                let l = try a(f)
                if let x = l.wordNumber, let v = Op.words(x, k) { return v }
                return try Op.general(l, k.value, at)
            }
        case (.eval(let a), .constant(let c)):
            return { f in try Op.general(try a(f), c, at) }
        case (.constant(let c), .eval(let b)) where c.wordNumber != nil && !c.isPlainData && Op.resultKind(c.wordNumber!.kind, .int) != nil:
            // `250ms * (i % 4)`, `0.5 * n`: a dec or duration constant and a computed int. The
            // result's kind is decided here, so an int needs no kind switch (callgrind,
            // bench/lang/amounts: see the commit); other word numbers as in the case below.
            let k = c.wordNumber!
            let m = k.mantissa, sc = k.scale, isDuration = Op.resultKind(k.kind, .int) == .duration
            return { f in
                let r = try b(f)
                if case .int(let j) = r, let d = Op.decWords(m, sc, j, 0) { return isDuration ? .duration(d) : .dec(d) }
                if let y = r.wordNumber, let v = Op.words(k, y) { return v }
                return try Op.general(k.value, r, at)
            }
        case (.constant(let c), .eval(let b)) where c.wordNumber != nil && !c.isPlainData:
            // `250ms * (i % 4)`: as `slot op number constant` above.
            let k = c.wordNumber!
            return { f in
                let r = try b(f)
                if let y = r.wordNumber, let v = Op.words(k, y) { return v }
                return try Op.general(k.value, r, at)
            }
        case (.constant(let c), .eval(let b)):
            return { f in
                let r = try b(f)
                if case .int(let i) = c, case .int(let j) = r, let v = Op.ints(i, j) { return .int(v) }
                return try Op.general(c, r, at)
            }
        case (.slot(let s), .eval(let b)):
            return { f in
                let r = try b(f)
                if case .int(let i) = f.slots[s], case .int(let j) = r, let v = Op.ints(i, j) { return .int(v) }
                // `waited + 250ms * n`: two word durations (`+`, `-`; the test folds away for
                // `*`), the slot's read in place, no copy of it for the general path (callgrind,
                // bench/lang/amounts: see the commit; `wordNumber` here was slower than before).
                // Matched with `if case`: `wordDuration` on the slot copied the Value (as in
                // `selfUpdateSlot`).
                if Op.resultKind(.duration, .duration) == .duration, let (q, sy) = r.wordDuration,
                   case .duration(let x) = (f.slots + s).pointee, case .small(let p) = x.mantissa,
                   let d = Op.decWords(p, x.scale, q, sy) { return .duration(d) }
                return try Op.general(f.slots[s], r, at)
            }
        // A top-level name (`total + i * 3`, `i * 3` in a script's own loop): the cell's int in place.
        case (.global(let g), .constant(.int(let k))):
            let cell = g.cell
            return { f in
                if case .int(let i)? = cell.stored, let r = Op.ints(i, k) { return .int(r) }
                let l = try x.get(f)
                return try Op.general(l, .int(k), at)
            }
        case (.global(let g), .eval(let b)):
            let cell = g.cell
            return { f in
                let r = try b(f)
                if case .int(let i)? = cell.stored, case .int(let j) = r, let v = Op.ints(i, j) { return .int(v) }
                let l = try x.get(f)
                return try Op.general(l, r, at)
            }
        case (.eval(let a), .eval(let b)):
            // `gwei(n) + base * 2`: no operand switches.
            return { f in
                let l = try a(f), r = try b(f)
                if case .int(let i) = l, case .int(let j) = r, let v = Op.ints(i, j) { return .int(v) }
                if case .amount(.small(let p)) = l, case .amount(.small(let q)) = r, let w = Op.amountWords(p, q) {
                    return .amount(.small(w))
                }
                return try Op.general(l, r, at)
            }
        default:
            return { f in
                let l = try x.get(f), r = try y.get(f)
                if case .int(let i) = l, case .int(let j) = r, let v = Op.ints(i, j) { return .int(v) }
                return try Op.general(l, r, at)
            }
        }
    }

    /// `x += v`, `x -= v`, `x *= v` on a local slot: ints and the quick number shapes (`total +=
    /// price * 1.05`) are combined and stored without copying the old value out for the general
    /// path. Callgrind, bench/lang/decimals: see the commit.
    func compoundSlot<Op: IntArithmetic>(_: Op.Type, _ i: Int, _ value: @escaping Eval, _ loc: SourceLocation) -> Exec {
        let at = Cold(loc) // the location behind one pointer: see `Cold`
        return { f in
            try Compiler.update(Op.self, f, i, try value(f), at)
            return .normal
        }
    }

    /// `x = x + e`, `x = x - e`, `x = x * e` on a local slot (`price = price + 0.01`, `spent =
    /// spent + payment`): the same in-place update as `x += e`, with the right operand read by
    /// shape (a constant or a slot needs no closure call). Nothing can change the slot between
    /// the two reads (a slot is never captured; assignments are statements), so reading `x`
    /// after `e` gives the same result; an error is located at the `x + e` expression, as before.
    /// Callgrind: see the commit.
    func selfUpdateSlot<Op: IntArithmetic>(_: Op.Type, _ i: Int, _ y: Operand, _ loc: SourceLocation) -> Exec {
        let at = Cold(loc)
        switch y {
        // Each closure captures a different number of words: with five, like others elsewhere,
        // their forwarding thunks were merged with those by the optimizer, and the other statement
        // (a top-level `total = …`) paid a call more (callgrind, bench/lang/toplevel: +1.6%).
        case .constant(let c) where c.wordDec != nil:
            // `price = price + 0.01`: the constant taken apart here, the slot's dec read in place.
            // Matched with `if case`, not `wordDec`: here that kept the Value's outlined copy out
            // (callgrind, bench/lang/decimals: 143.8M -> 140.0M); in the other closures it was the
            // other way round.
            let (m, sc) = c.wordDec!
            return { f in
                if case .dec(let x) = f.slots[i], case .small(let p) = x.mantissa, let r = Op.decWords(p, x.scale, m, sc) {
                    (f.slots + i).initialize(to: .dec(r)) // a word dec holds no reference to release
                    return .normal
                }
                try Compiler.update(Op.self, f, i, .dec(Dec(canonicalSmall: m, scale: sc)), at,
                                    rightMayBeInt: false, rightMayBeNumber: false)
                return .normal
            }
        case .constant(let c):
            // `price = price + 0.01`: a dec constant skips the int test.
            let isInt: Bool
            if case .int = c { isInt = true } else { isInt = false }
            return { f in try Compiler.update(Op.self, f, i, c, at, rightMayBeInt: isInt); return .normal }
        case .slot(let t):
            return { f in try Compiler.update(Op.self, f, i, f.slots[t], at); return .normal }
        case .eval(let e):
            return { f in try Compiler.update(Op.self, f, i, try e(f), at); return .normal }
        case .global(let g):
            return { f in
                let r: Value
                if let v = g.cell.stored { r = v } else { r = try g.undefined(f) }
                try Compiler.update(Op.self, f, i, r, at)
                return .normal
            }
        }
    }

    /// `slot = slot op r`: ints and the quick number shapes are combined and stored without
    /// copying the old value out for the general path. Callgrind, bench/lang/decimals: see the
    /// commit that added `compoundSlot`.
    @inline(__always)
    static func update<Op: IntArithmetic>(_: Op.Type, _ f: Frame, _ i: Int, _ r: Value, _ at: Cold<SourceLocation>,
                                          rightMayBeInt: Bool = true, rightMayBeNumber: Bool = true) throws {
        if rightMayBeInt, case .int(let a) = f.slots[i], case .int(let b) = r, let s = Op.ints(a, b) {
            // An int over an int: nothing to release (see `Compiler.store`).
            (f.slots + i).initialize(to: .int(s))
            return
        }
        if rightMayBeNumber {
            // Word decs and amounts, read in place: the old one holds no reference to release.
            // (Durations take `numbers` below: `wordNumber` here made bench/lang/decimals' `total
            // += …` ~25 instructions slower.)
            if let (p, sx) = f.slots[i].wordDec, let (q, sy) = r.wordDec, let d = Op.decWords(p, sx, q, sy) {
                (f.slots + i).initialize(to: .dec(d))
                return
            }
            if case .amount(.small(let p)) = f.slots[i], case .amount(.small(let q)) = r, let w = Op.amountWords(p, q) {
                (f.slots + i).initialize(to: .amount(.small(w)))
                return
            }
        }
        if let v = Op.numbers(f.slots[i], r) {
            f.slots[i] = v
            return
        }
        let old = f.slots[i]
        f.slots[i] = try Compiler.locate(at.value) { try Op.values(old, r) }
    }

    func comparison<Op: IntComparison>(_: Op.Type, _ x: Operand, _ y: Operand, _ loc: SourceLocation) -> (Frame) throws -> Bool {
        let at = Cold(loc) // the location behind one pointer: see `Cold`
        switch (x, y) {
        case (.slot(let s), .constant(.int(let k))):
            return { f in
                if case .int(let i) = f.slots[s] { return Op.ints(i, k) }
                return try Compiler.locate(at.value) { try Op.values(f.slots[s], .int(k)) }
            }
        case (.slot(let s), .slot(let t)):
            return { f in
                if case .int(let i) = f.slots[s], case .int(let j) = f.slots[t] { return Op.ints(i, j) }
                return try Compiler.locate(at.value) { try Op.values(f.slots[s], f.slots[t]) }
            }
        case (.global(let g), .constant(.int(let k))):
            let cell = g.cell
            return { f in
                if case .int(let i)? = cell.stored { return Op.ints(i, k) }
                let l = try x.get(f)
                return try Compiler.locate(at.value) { try Op.values(l, .int(k)) }
            }
        case (.eval(let a), .constant(.int(let k))):
            // `i % 3 == 0`: no operand switch and no copy of the constant (callgrind: ~25 fewer
            // instructions a test on bench/lang/decimals).
            return { f in
                let l = try a(f)
                if case .int(let i) = l { return Op.ints(i, k) }
                return try Compiler.locate(at.value) { try Op.values(l, .int(k)) }
            }
        default:
            return { f in
                let l = try x.get(f), r = try y.get(f)
                if case .int(let i) = l, case .int(let j) = r { return Op.ints(i, j) }
                return try Compiler.locate(at.value) { try Op.values(l, r) }
            }
        }
    }
}
