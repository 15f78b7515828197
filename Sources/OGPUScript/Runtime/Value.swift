import BigInt
import OGPUKit
import OGPUPrimitives

/// Every value a script can hold (docs/language.md §2).
///
/// Representation notes (why it looks like this):
/// - The enum is kept small (a String's 16 bytes + tag): rarely-hot payloads are `indirect`
///   so copying a `Value` is a memcpy plus at most one retain. Decs, durations, times (a 16-byte
///   `Dec`) and amounts (a 9-byte `Wei`) are inline, so arithmetic on them allocates nothing.
/// - `int` is the 64-bit fast path. Arithmetic that overflows promotes to `bigInt`; any
///   producer of a `bigInt` must call `Value.integer(_:)` so that a big integer that fits in
///   64 bits is always stored as `int` (one canonical form → `==`/hashing stay simple).
/// - Lists and maps are Swift value types (copy-on-write), so `var b = a; push(b, 1)` leaves
///   `a` unchanged, exactly as §4 requires.
/// - `duration` holds exact seconds, `time` exact unix seconds (both `Dec`), `amount` wei.
/// - Functions: `.closure` is a script function, `.builtin` a Swift one. Both are "function"
///   for `type()`.
public enum Value {
    case null
    case bool(Bool)
    case int(Int)
    indirect case bigInt(BigInt)
    case dec(Dec)
    case string(String)
    indirect case address(Address)
    /// Exact seconds.
    case duration(Dec)
    /// Exact unix seconds (UTC).
    case time(Dec)
    /// Wei (a machine word when it fits: see `Wei`).
    case amount(Wei)
    case list([Value])
    case map(OrderedMap)
    /// `lower..upper` (exclusive) or `lower..=upper` (inclusive).
    indirect case range(lower: Int, upper: Int, inclusive: Bool)
    case closure(Closure)
    case builtin(BuiltinFunction)
    indirect case error(ScriptError)
    /// Task, response, source (§6): opaque objects owned by the built-ins.
    case handle(ScriptHandle)

    /// Canonical integer: `.int` when it fits 64 bits, else `.bigInt`.
    @inline(__always)
    public static func integer(_ b: BigInt) -> Value {
        if let small = Int(exactly: b) { return .int(small) }
        return .bigInt(b)
    }

    /// The type's name as `type(x)` reports it (§2 table, §5).
    public var typeName: String {
        switch self {
        case .null: return "nil"
        case .bool: return "bool"
        case .int, .bigInt: return "int"
        case .dec: return "dec"
        case .string: return "string"
        case .address: return "address"
        case .duration: return "duration"
        case .time: return "time"
        case .amount: return "amount"
        case .list: return "list"
        case .map: return "map"
        case .range: return "range"
        case .closure, .builtin: return "function"
        case .error: return "error"
        case .handle(let h): return h.typeName
        }
    }

    /// "an int", "a list": the type name with its article, for messages.
    public var typeWithArticle: String {
        let n = typeName
        return (["a", "e", "i", "o", "u"].contains(n.first.map(String.init) ?? "") ? "an " : "a ") + n
    }

    /// Truthiness: only `nil` and `false` are false (as in Lua and Ruby); `0` and `""` are true.
    @inline(__always)
    public var isTruthy: Bool {
        switch self {
        case .null: return false
        case .bool(let b): return b
        default: return true
        }
    }

    /// Nil, a bool or a small int: no reference to release when it is overwritten.
    @inline(__always)
    var isPlainData: Bool {
        switch self {
        case .null, .bool, .int: return true
        default: return false
        }
    }

    /// The value as an exact integer if it is an int (small or big).
    public var bigIntValue: BigInt? {
        switch self {
        case .int(let i): return BigInt(i)
        case .bigInt(let b): return b
        default: return nil
        }
    }

    /// The value as a `Dec` if it is a number (int, big int or dec).
    public var decValue: Dec? {
        switch self {
        case .int(let i): return Dec(i)
        case .bigInt(let b): return Dec(b)
        case .dec(let d): return d
        default: return nil
        }
    }

    public var isNumber: Bool {
        switch self {
        case .int, .bigInt, .dec: return true
        default: return false
        }
    }
}

extension Value {
    /// Moves a list out of this value (leaving `nil`), so that the caller holds the only
    /// reference and can change it in place without a copy.
    @inline(__always)
    mutating func takeList() -> [Value]? {
        guard case .list(let xs) = self else { return nil }
        self = .null
        return xs
    }

    /// Moves a map out of this value (leaving `nil`); see `takeList`.
    @inline(__always)
    mutating func takeMap() -> OrderedMap? {
        guard case .map(let m) = self else { return nil }
        self = .null
        return m
    }
}

/// Task / response / source handles (§6). The OpenGPU built-ins implement this; the
/// evaluator only needs the type name for `type()`, property reads for `h.name`, and a
/// printed form.
public protocol ScriptHandle: AnyObject {
    /// `"task"`, `"response"` or `"source"`.
    var typeName: String { get }
    /// `h.name`. Throw `ScriptError(.name, …)` for an unknown property.
    func property(_ name: String) throws -> Value
    /// How `print` shows it, e.g. `<task 0xAbc…1234 new>`.
    var printed: String { get }
    /// The properties `property` knows, for "did you mean" on a misspelled one.
    var propertyNames: [String] { get }
}

extension ScriptHandle {
    public var propertyNames: [String] { [] }
}
