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
    static func values(_ a: Value, _ b: Value) throws -> Value
}

protocol IntComparison {
    static func ints(_ a: Int, _ b: Int) -> Bool
    static func values(_ a: Value, _ b: Value) throws -> Bool
}

enum AddOperator: IntArithmetic {
    @inline(__always) static func ints(_ a: Int, _ b: Int) -> Int? {
        let (r, o) = a.addingReportingOverflow(b); return o ? nil : r
    }
    static func values(_ a: Value, _ b: Value) throws -> Value { try Operators.add(a, b) }
}

enum SubtractOperator: IntArithmetic {
    @inline(__always) static func ints(_ a: Int, _ b: Int) -> Int? {
        let (r, o) = a.subtractingReportingOverflow(b); return o ? nil : r
    }
    static func values(_ a: Value, _ b: Value) throws -> Value { try Operators.subtract(a, b) }
}

enum MultiplyOperator: IntArithmetic {
    @inline(__always) static func ints(_ a: Int, _ b: Int) -> Int? {
        let (r, o) = a.multipliedReportingOverflow(by: b); return o ? nil : r
    }
    static func values(_ a: Value, _ b: Value) throws -> Value { try Operators.multiply(a, b) }
}

/// `//` rounds toward negative infinity (§3).
enum FloorDivideOperator: IntArithmetic {
    @inline(__always) static func ints(_ a: Int, _ b: Int) -> Int? {
        guard b > 0 else { return nil }
        let q = a / b
        return (a % b != 0 && a < 0) ? q - 1 : q
    }
    static func values(_ a: Value, _ b: Value) throws -> Value { try Operators.floorDivide(a, b) }
}

/// `%` takes the sign of the divisor (§3).
enum RemainderOperator: IntArithmetic {
    @inline(__always) static func ints(_ a: Int, _ b: Int) -> Int? {
        guard b > 0 else { return nil }
        let m = a % b
        return m < 0 ? m + b : m
    }
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
            return { f in
                if case .int(let i) = f.slots[s], let r = Op.ints(i, k) { return .int(r) }
                return try Compiler.locate(at.value) { try Op.values(f.slots[s], .int(k)) }
            }
        case (.slot(let s), .slot(let t)):
            return { f in
                if case .int(let i) = f.slots[s], case .int(let j) = f.slots[t], let r = Op.ints(i, j) { return .int(r) }
                return try Compiler.locate(at.value) { try Op.values(f.slots[s], f.slots[t]) }
            }
        case (.eval(let a), .constant(.int(let k))):
            return { f in
                let l = try a(f)
                if case .int(let i) = l, let r = Op.ints(i, k) { return .int(r) }
                return try Compiler.locate(at.value) { try Op.values(l, .int(k)) }
            }
        case (.slot(let s), .eval(let b)):
            return { f in
                let r = try b(f)
                if case .int(let i) = f.slots[s], case .int(let j) = r, let v = Op.ints(i, j) { return .int(v) }
                return try Compiler.locate(at.value) { try Op.values(f.slots[s], r) }
            }
        // A top-level name (`total + i * 3`, `i * 3` in a script's own loop): the cell's int in place.
        case (.global(let g), .constant(.int(let k))):
            let cell = g.cell
            return { f in
                if case .int(let i)? = cell.stored, let r = Op.ints(i, k) { return .int(r) }
                let l = try x.get(f)
                return try Compiler.locate(at.value) { try Op.values(l, .int(k)) }
            }
        case (.global(let g), .eval(let b)):
            let cell = g.cell
            return { f in
                let r = try b(f)
                if case .int(let i)? = cell.stored, case .int(let j) = r, let v = Op.ints(i, j) { return .int(v) }
                let l = try x.get(f)
                return try Compiler.locate(at.value) { try Op.values(l, r) }
            }
        default:
            return { f in
                let l = try x.get(f), r = try y.get(f)
                if case .int(let i) = l, case .int(let j) = r, let v = Op.ints(i, j) { return .int(v) }
                return try Compiler.locate(at.value) { try Op.values(l, r) }
            }
        }
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
        default:
            return { f in
                let l = try x.get(f), r = try y.get(f)
                if case .int(let i) = l, case .int(let j) = r { return Op.ints(i, j) }
                return try Compiler.locate(at.value) { try Op.values(l, r) }
            }
        }
    }
}
