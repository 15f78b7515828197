import BigInt
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import OGPUPrimitives

/// `print`, `str`, `int`, `dec`, `bool`, `type`, `len` (§5).
enum ConversionBuiltins {
    static let all: [BuiltinFunction] = [print, str, int, dec, bool, type, len]

    static let print = BuiltinFunction("print", doc: """
        print(values...) writes its arguments separated by spaces and ends the line. Strings are \
        written as they are; inside lists and maps they are quoted. `print "hi", x` works too. \
        The terminal never gets control characters: ESC, a lone \\r and the like show as \\u{1B}.
        """) { args, ctx in
        try args.noNamed()
        var line = ""
        for (i, v) in args.positional.enumerated() {
            if i > 0 { line += " " }
            line += ValueFormat.printed(v)
        }
        line += "\n"
        ctx.write(line)
        return .null
    }

    static let str = BuiltinFunction("str", doc: """
        str(x) is the text `print` would write for x: `str(1.50)` is "1.5", `str([1, "a"])` is \
        "[1, \\"a\\"]".
        """, quickUnary: { v in
            // Ints and strings, the usual arguments: no formatting (a string is its own text).
            switch v {
            case .int(let i): return .string(String(i))
            case .string(let s): return s.utf8.count > Operators.maxStringBytes ? nil : v
            default: return nil
            }
        }) { args, _ in
        try args.noNamed(); try args.expectCount(1, 1)
        let text = ValueFormat.printed(args.positional[0])
        try Operators.checkSize(text)
        return .string(text)
    }

    static let int = BuiltinFunction("int", doc: """
        int(x) converts to an int: a dec is truncated toward zero (`int(-2.7)` is -2), a string \
        is parsed (`"42"`, `"-7"`, `"0x2a"`, `"1_000"`), `true`/`false` give 1/0. Anything else is \
        a "value" or "type" error.
        """) { args, _ in
        try args.noNamed(); try args.expectCount(1, 1)
        let v = args.positional[0]
        switch v {
        case .int, .bigInt: return v
        case .dec(let d): return Value.integer(d.truncatedInteger)
        case .bool(let b): return .int(b ? 1 : 0)
        case .string(let s):
            guard let n = parseInteger(s) else { throw ScriptError(.value, "int(): `\(s)` is not an integer") }
            return n
        default: throw args.typeError("x", expected: "a number, string or bool", got: v)
        }
    }

    /// Integer text: optional sign, decimal digits with `_` between them, or `0x` hex.
    static func parseInteger(_ text: String) -> Value? {
        if let n = plainDecimal(text) { return .int(n) }
        var s = Substring(text.trimmingWhitespaceAndNewlines())
        var negative = false
        if let f = s.first, f == "-" || f == "+" { negative = f == "-"; s = s.dropFirst() }
        var radix = 10
        if s.hasPrefix("0x") || s.hasPrefix("0X") { radix = 16; s = s.dropFirst(2) }
        guard !s.isEmpty, s.first != "_", s.last != "_", !s.contains("__") else { return nil }
        let digits = s.replacingScalar("_", with: "")
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isHexDigit && (radix == 16 || $0.isNumber) }) else { return nil }
        if let n = Int(digits, radix: radix) { return .int(negative ? -n : n) }
        guard let b = BigInt(digits, radix: radix) else { return nil }
        return Value.integer(negative ? -b : b)
    }

    /// The int of 1 to 18 ASCII digits with an optional sign (`int("42")`, `int(c)` of a digit),
    /// read in place: the general path's Foundation trimming and replacing cost ~19,000
    /// instructions a call (callgrind, bench/lang/bigint).
    static func plainDecimal(_ text: String) -> Int? {
        var text = text
        return text.withUTF8 { u -> Int? in
            var i = 0
            var negative = false
            if let f = u.first, f == UInt8(ascii: "-") || f == UInt8(ascii: "+") { negative = f == UInt8(ascii: "-"); i = 1 }
            guard u.count > i, u.count - i <= 18 else { return nil }
            var n = 0
            while i < u.count {
                let d = u[i] &- 48
                guard d < 10 else { return nil }
                n = n * 10 + Int(d)
                i += 1
            }
            return negative ? -n : n
        }
    }

    static let dec = BuiltinFunction("dec", doc: """
        dec(x) converts a number or numeric string to an exact decimal: `dec("0.1") + dec("0.2")` \
        is 0.3 exactly. Decimals never use binary floating point.
        """) { args, _ in
        try args.noNamed(); try args.expectCount(1, 1)
        let v = args.positional[0]
        switch v {
        case .int(let i): return .dec(Dec(i))
        case .bigInt(let b): return .dec(Dec(b))
        case .dec: return v
        case .string(let s):
            let t = s.trimmingWhitespaceAndNewlines()
            guard let d = Dec(parsing: t), t.first.map({ $0 != "." }) ?? false else {
                throw ScriptError(.value, "dec(): `\(s)` is not a number")
            }
            return .dec(d)
        default: throw args.typeError("x", expected: "a number or string", got: v)
        }
    }

    static let bool = BuiltinFunction("bool", doc: """
        bool(x) is false for `nil` and `false` and true for every other value (0, "" and [] \
        included), the rule `if` and `while` use.
        """) { args, _ in
        try args.noNamed(); try args.expectCount(1, 1)
        return .bool(args.positional[0].isTruthy)
    }

    static let type = BuiltinFunction("type", doc: """
        type(x) is the name of x's type: "nil", "bool", "int", "dec", "string", "address", \
        "duration", "time", "amount", "list", "map", "range", "function", "error", "task", \
        "response" or "source".
        """, quickUnary: { .string($0.typeName) }) { args, _ in
        try args.noNamed(); try args.expectCount(1, 1)
        return .string(args.positional[0].typeName)
    }

    static let len = BuiltinFunction("len", doc: """
        len(x) counts a list's elements, a map's keys, a range's ints or a string's characters \
        (as people see them: `len("héllo")` is 5).
        """, quickUnary: quickLen) { args, _ in
        try args.noNamed(); try args.expectCount(1, 1)
        switch args.positional[0] {
        case .list(let xs): return .int(xs.count)
        case .map(let m): return .int(m.count)
        case .string(let s): return .int(characterCount(s))
        case .range(let l, let u, let inclusive):
            let n = rangeCount(l, u, inclusive)
            guard n < Int.max else { return Value.integer(BigInt(u) - BigInt(l) + (inclusive ? 1 : 0)) }
            return .int(n)
        case let v: throw args.typeError("x", expected: "a list, map, range or string", got: v)
        }
    }

    /// `len` of a list, map or string without argument arrays; nil (full call) for the rest.
    static func quickLen(_ x: Value) -> Value? {
        switch x {
        case .string(let s): return .int(characterCount(s))
        case .list(let xs): return .int(xs.count)
        case .map(let m): return .int(m.count)
        default: return nil
        }
    }

    /// `s.count` (extended grapheme clusters), without Swift's cluster walk for ASCII text: there
    /// every byte is one character except that `"\r\n"` is one (the only ASCII cluster rule).
    static func characterCount(_ s: String) -> Int {
        if let n = InlineString.characterCount(s) { return n }
        // -1: not ASCII (a plain Int result, not an optional: fewer instructions a call).
        let ascii: Int = s.withUTF8Bytes { bytes in
            // Eight bytes at a time: any byte ≥ 0x80 means non-ASCII; CRs are rare, so look
            // for CRLF pairs only when some word holds a 0x0D byte.
            let n = bytes.count
            guard let base = bytes.baseAddress else { return 0 }
            let raw = UnsafeRawPointer(base)
            let high: UInt64 = 0x8080_8080_8080_8080, ones: UInt64 = 0x0101_0101_0101_0101
            var seenCR = false
            var i = 0
            while i &+ 8 <= n {
                let w = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                if w & high != 0 { return -1 }
                let x = w ^ (ones &* 0x0D)
                if (x &- ones) & ~x & high != 0 { seenCR = true }
                i &+= 8
            }
            // The tail as the last eight bytes again (both tests only set flags, so bytes seen
            // twice change nothing): the byte loop cost ~6 instructions a byte (callgrind, interp).
            if i < n && n >= 8 {
                let w = raw.loadUnaligned(fromByteOffset: n &- 8, as: UInt64.self)
                if w & high != 0 { return -1 }
                let x = w ^ (ones &* 0x0D)
                if (x &- ones) & ~x & high != 0 { seenCR = true }
                i = n
            }
            while i < n {
                let b = base[i]
                if b >= 0x80 { return -1 }
                if b == 0x0D { seenCR = true }
                i &+= 1
            }
            if !seenCR { return n }
            var pairs = 0
            for k in 1..<n where base[k] == 0x0A && base[k &- 1] == 0x0D { pairs &+= 1 }
            return n &- pairs
        }
        return ascii >= 0 ? ascii : s.count
    }
}
