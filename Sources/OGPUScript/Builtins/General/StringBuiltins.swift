#if canImport(FoundationEssentials)
import FoundationEssentials
import Glibc
#else
import Foundation
#endif
import OGPUPrimitives

/// `split`, `upper`, `lower`, `trim`, `starts_with`, `ends_with`, `replace` (§5).
enum StringBuiltins {
    static let all: [BuiltinFunction] = [split, upper, lower, trim, startsWith, endsWith, replace]

    static let split = BuiltinFunction("split", doc: """
        split(s, sep) is the list of the parts of s between occurrences of sep: \
        `split("a,b,,c", ",")` is ["a", "b", "", "c"]. Without sep it splits on runs of \
        whitespace and drops empty parts; an empty sep splits into characters.
        """, quickBinary: quickSplit) { args, _ in
        try args.noNamed(); try args.expectCount(1, 2)
        let s = try args.string(0, "s")
        if args.count == 1 || args.positional[1].isNilValue { return .list(words(of: s)) }
        let sep = try args.string(1, "sep")
        if sep.isEmpty { return .list(characters(of: s)) }
        return .list(parts(of: s, between: sep))
    }

    /// `split(s, sep)` for two strings, sep not empty (the common call); nil for the rest.
    static func quickSplit(_ s: Value, _ sep: Value) -> Value? {
        guard case .string(let text) = s, case .string(let separator) = sep, !separator.isEmpty else { return nil }
        return .list(parts(of: text, between: separator))
    }

    /// The parts of `s` between occurrences of `sep` (not empty), found by comparing UTF-8 bytes,
    /// as Python's `str.split(sep)` does: UTF-8 is self-synchronising, so a match always starts and
    /// ends on a code point. (Matching `Character`s instead, through Foundation, cost ~20
    /// instructions per byte; a 1-byte separator is now one compare per byte.) The matches are
    /// counted first so that the list is made at its size (growing it from empty cost ~600
    /// instructions per two-part split, callgrind on bench/lang `interp`). `forEachPart` makes
    /// the same parts.
    static func parts(of s: String, between sep: String) -> [Value] {
        var out: [Value] = []
        appendParts(of: s, between: sep, to: &out)
        return out
    }

    /// `let parts = split(s, sep)` run again into the same local (a loop's body) reuses the
    /// list the local holds when nothing else holds it: its parts are freed in place and the
    /// new ones written into its storage, instead of freeing the list and allocating another
    /// (see `Compiler.splitDeclaration`). Any other value is simply replaced.
    static func storeParts(of s: String, between sep: String, in slot: UnsafeMutablePointer<Value>) {
        var out: [Value] = []
        if case .list = slot.pointee {
            // Moved out, so that `out` is the only reference if the local's was (the moved
            // value and `old` end with this statement).
            if case .list(let old) = slot.move() { out = old }
            slot.initialize(to: .null)
            // One by one: `removeAll(keepingCapacity:)` went through the runtime's generic
            // `swift_arrayDestroy` and cost ~120 instructions more for two parts.
            while out.popLast() != nil {}
        }
        appendParts(of: s, between: sep, to: &out)
        Compiler.store(.list(out), in: slot)
    }

    @inline(__always)
    private static func appendParts(of s: String, between sep: String, to out: inout [Value]) {
        s.withUTF8Bytes { text in
            sep.withUTF8Bytes { pattern in
                // The first matches' offsets are kept as they are found, so a short split
                // (`split(line, ", ")`) reads the text once: a second pass cost ~60
                // instructions a split (callgrind, bench/lang interp).
                var kept: (Int, Int, Int, Int) = (0, 0, 0, 0)
                let keepable = MemoryLayout.size(ofValue: kept) / MemoryLayout<Int>.stride
                var matches = 0
                forEachMatch(of: pattern, in: text) { i in
                    if matches < keepable {
                        withUnsafeMutableBytes(of: &kept) { $0.storeBytes(of: i, toByteOffset: matches &* 8, as: Int.self) }
                    }
                    matches += 1
                    return false
                }
                out.reserveCapacity(out.count + matches + 1)
                @inline(__always) func add(_ part: UnsafeBufferPointer<UInt8>) { out.append(.string(UTF8Buffer.string(part))) }
                if matches <= keepable {
                    var start = 0
                    withUnsafeBytes(of: kept) { offsets in
                        for k in 0..<matches {
                            let i = offsets.load(fromByteOffset: k &* 8, as: Int.self)
                            add(UnsafeBufferPointer(rebasing: text[start..<i]))
                            start = i + pattern.count
                        }
                    }
                    add(UnsafeBufferPointer(rebasing: text[start...]))
                } else {
                    forEachPart(of: text, between: pattern) { add($0); return false }
                }
            }
        }
    }

    /// Calls `body` with each part of `text` between occurrences of `pattern` (not empty), left to
    /// right, until it returns true (stop): the parts `parts(of:between:)` lists, which
    /// `for x in split(s, sep)` takes one at a time (`Compiler.compileSplitLoop`).
    @inline(__always)
    static func forEachPart(of text: UnsafeBufferPointer<UInt8>, between pattern: UnsafeBufferPointer<UInt8>,
                            _ body: (UnsafeBufferPointer<UInt8>) throws -> Bool) rethrows {
        var start = 0, stopped = false
        try forEachMatch(of: pattern, in: text) { i in
            stopped = try body(UnsafeBufferPointer(rebasing: text[start..<i]))
            start = i + pattern.count
            return stopped
        }
        if !stopped { _ = try body(UnsafeBufferPointer(rebasing: text[start...])) }
    }

    /// Calls `body` with the offset of each occurrence of `pattern` (not empty) in `text`, left
    /// to right, occurrences not overlapping, until it returns true (stop).
    @inline(__always)
    static func forEachMatch(of pattern: UnsafeBufferPointer<UInt8>, in text: UnsafeBufferPointer<UInt8>,
                             _ body: (Int) throws -> Bool) rethrows {
        let n = text.count, m = pattern.count
        guard m <= n, let base = text.baseAddress else { return }
        let first = Int32(pattern[0])
        var i = 0
        // memchr finds each candidate first byte (vectorised in libc); memcmp checks the rest.
        while i + m <= n, let hit = memchr(base + i, first, n - m + 1 - i) {
            i = UnsafePointer(hit.assumingMemoryBound(to: UInt8.self)) - base
            if matchesRest(base + i, pattern.baseAddress!, m) {
                if try body(i) { return }
                i += m
            } else {
                i += 1
            }
        }
    }

    /// Whether `m` bytes at `a` equal those at `b`, the first being known equal. Short
    /// separators (`", "`) are compared inline: a memcmp call cost ~18 instructions (callgrind,
    /// bench/lang interp, two per line).
    @inline(__always)
    private static func matchesRest(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ m: Int) -> Bool {
        guard m <= 8 else { return memcmp(a, b, m) == 0 }
        var k = 1
        while k < m { if a[k] != b[k] { return false }; k &+= 1 }
        return true
    }

    /// `split(s)`: the runs of non-whitespace `Character`s. ASCII text is split on its bytes:
    /// there the whitespace `Character`s are tab, LF, VT, FF, CR, space and CR LF.
    static func words(of s: String) -> [Value] {
        let ascii: [Value]? = s.withUTF8Bytes { text in
            guard TextFastPaths.isASCII(text) else { return nil }
            var out: [Value] = []
            var i = 0
            let n = text.count
            while i < n {
                while i < n && isSpace(text[i]) { i &+= 1 }
                let start = i
                while i < n && !isSpace(text[i]) { i &+= 1 }
                if i > start { out.append(.string(UTF8Buffer.string(UnsafeBufferPointer(rebasing: text[start..<i])))) }
            }
            return out
        }
        return ascii ?? s.split(whereSeparator: { $0.isWhitespace }).map { .string(String($0)) }
    }

    @inline(__always)
    private static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || (b >= 0x09 && b <= 0x0D) }

    /// `split(s, "")`: the `Character`s. In ASCII text each byte is one, except CR LF.
    static func characters(of s: String) -> [Value] {
        let ascii: [Value]? = s.withUTF8Bytes { text in
            guard TextFastPaths.isASCII(text) else { return nil }
            var out: [Value] = []
            out.reserveCapacity(text.count)
            var i = 0
            while i < text.count {
                let k = text[i] == 0x0D && i + 1 < text.count && text[i + 1] == 0x0A ? 2 : 1
                out.append(.string(UTF8Buffer.string(UnsafeBufferPointer(rebasing: text[i..<(i + k)]))))
                i += k
            }
            return out
        }
        return ascii ?? s.map { .string(String($0)) }
    }

    /// The quick form of a string-to-string built-in (see `BuiltinFunction.quickUnary`).
    static func quick(_ f: @escaping (String) -> String) -> (Value) -> Value? {
        { v in if case .string(let s) = v { return .string(f(s)) } else { return nil } }
    }

    static let upper = BuiltinFunction("upper", doc: "upper(s) is s in upper case (`upper(\"straße\")` is \"STRASSE\").",
                                       quickUnary: quick(TextFastPaths.uppercased)) { args, _ in
        try args.noNamed(); try args.expectCount(1, 1)
        return .string(TextFastPaths.uppercased(try args.string(0, "s")))
    }

    static let lower = BuiltinFunction("lower", doc: "lower(s) is s in lower case.", quickUnary: quick(TextFastPaths.lowercased)) { args, _ in
        try args.noNamed(); try args.expectCount(1, 1)
        return .string(TextFastPaths.lowercased(try args.string(0, "s")))
    }

    static let trim = BuiltinFunction("trim", doc: "trim(s) is s without whitespace (spaces, tabs, newlines) at either end.",
                                      quickUnary: quick(TextFastPaths.trimmed)) { args, _ in
        try args.noNamed(); try args.expectCount(1, 1)
        return .string(TextFastPaths.trimmed(try args.string(0, "s")))
    }

    static let startsWith = BuiltinFunction("starts_with", doc: "starts_with(s, prefix) is true when s begins with prefix.") { args, _ in
        try args.noNamed(); try args.expectCount(2, 2)
        return .bool(try args.string(0, "s").hasPrefix(try args.string(1, "prefix")))
    }

    static let endsWith = BuiltinFunction("ends_with", doc: "ends_with(s, suffix) is true when s ends with suffix.") { args, _ in
        try args.noNamed(); try args.expectCount(2, 2)
        return .bool(try args.string(0, "s").hasSuffix(try args.string(1, "suffix")))
    }

    static let replace = BuiltinFunction("replace", doc: """
        replace(s, old, new) is s with every occurrence of old replaced by new. An empty old is \
        a "value" error.
        """) { args, _ in
        try args.noNamed(); try args.expectCount(3, 3)
        let s = try args.string(0, "s"), old = try args.string(1, "old"), new = try args.string(2, "new")
        if old.isEmpty { throw ScriptError(.value, "replace(): `old` must not be empty") }
        return .string(try replacing(old, with: new, in: s))
    }

    /// `s` with every occurrence of `old` (not empty) replaced by `new`, matched on UTF-8 bytes as
    /// `split` matches. The matches are counted first: no match returns `s` itself, and otherwise
    /// the result is checked against the size cap (60,000 one-byte matches replaced by 60 KB is
    /// 3.6 GB) and then written once at its exact size.
    static func replacing(_ old: String, with new: String, in s: String) throws -> String {
        try s.withUTF8Bytes { t in
            try old.withUTF8Bytes { p in
                try new.withUTF8Bytes { r in
                    var matches = 0
                    forEachMatch(of: p, in: t) { _ in matches += 1; return false }
                    if matches == 0 { return s }
                    // At most count/|old| matches, each under 2^31 bytes longer: no overflow.
                    let size = t.count + matches * (r.count - p.count)
                    try Operators.checkSize(count: size)
                    return String(unsafeUninitializedCapacity: size) { out in
                        var at = 0, start = 0
                        func copy(_ bytes: UnsafeBufferPointer<UInt8>) {
                            guard let src = bytes.baseAddress, bytes.count > 0 else { return }
                            UTF8Buffer.copy(src, to: out.baseAddress! + at, count: bytes.count)
                            at += bytes.count
                        }
                        forEachMatch(of: p, in: t) { i in
                            copy(UnsafeBufferPointer(rebasing: t[start..<i]))
                            copy(r)
                            start = i + p.count
                            return false
                        }
                        copy(UnsafeBufferPointer(rebasing: t[start...]))
                        return at
                    }
                }
            }
        }
    }

    /// `join(items, sep)`: the printed forms of `items` with `sep` between them, written once into
    /// a string of the exact size (appending to a `String` piece by piece cost ~900 instructions
    /// per element on bench/lang `interp`'s 60,000 lines), short pieces copied inline
    /// (`UTF8Buffer.copy`: a memcpy call cost ~30 instructions a line). The size cap is checked before that
    /// string is made, and while printing non-strings, so no over-long text is ever built.
    static func joined(_ items: [Value], separator sep: String) throws -> String {
        if items.isEmpty { return "" }
        let sepCount = sep.utf8.count
        var total = sepCount * (items.count - 1)  // under 2^30 * 2^31: no overflow
        var printed: [String]? = nil
        for x in items {
            guard case .string(let s) = x else { printed = []; break }
            total += s.utf8.count
            if total > Operators.maxStringBytes { break }
        }
        if printed != nil {
            total = sepCount * (items.count - 1)
            printed!.reserveCapacity(items.count)
            for x in items {
                let p = ValueFormat.printed(x)
                total += p.utf8.count
                try Operators.checkSize(count: total)
                printed!.append(p)
            }
        }
        try Operators.checkSize(count: total)
        return sep.withUTF8Bytes { sepBytes in
            String(unsafeUninitializedCapacity: total) { out in
                var at = 0
                func copy(_ bytes: UnsafeBufferPointer<UInt8>) {
                    guard let src = bytes.baseAddress, bytes.count > 0 else { return }
                    UTF8Buffer.copy(src, to: out.baseAddress! + at, count: bytes.count)
                    at += bytes.count
                }
                for i in 0..<items.count {
                    if i > 0 { copy(sepBytes) }
                    let piece: String
                    if let printed { piece = printed[i] } else if case .string(let s) = items[i] { piece = s } else { piece = "" }
                    piece.withUTF8Bytes { copy($0) }
                }
                return at
            }
        }
    }
}
