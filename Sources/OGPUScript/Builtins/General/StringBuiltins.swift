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
        """) { args, _ in
        try args.noNamed(); try args.expectCount(1, 2)
        let s = try args.string(0, "s")
        if args.count == 1 || args.positional[1].isNilValue {
            return .list(s.split(whereSeparator: { $0.isWhitespace }).map { .string(String($0)) })
        }
        let sep = try args.string(1, "sep")
        if sep.isEmpty { return .list(s.map { .string(String($0)) }) }
        return .list(parts(of: s, between: sep))
    }

    /// The parts of `s` between occurrences of `sep` (not empty), found by comparing UTF-8 bytes,
    /// as Python's `str.split(sep)` does: UTF-8 is self-synchronising, so a match always starts and
    /// ends on a code point. (Matching `Character`s instead, through Foundation, cost ~20
    /// instructions per byte; a 1-byte separator is now one compare per byte.)
    static func parts(of s: String, between sep: String) -> [Value] {
        var out: [Value] = []
        forEachPart(of: s, between: sep) { out.append(.string(String(decoding: $0, as: UTF8.self))) }
        return out
    }

    /// Calls `body` with the UTF-8 bytes of each part of `s` between occurrences of `sep` (not
    /// empty), in order; the bytes are valid only during the call.
    static func forEachPart(of s: String, between sep: String, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        var s = s, sep = sep
        s.withUTF8 { text in
            sep.withUTF8 { pattern in
                let n = text.count, m = pattern.count, first = Int32(pattern[0])
                var start = 0, i = 0
                // memchr finds each candidate first byte (vectorised in libc); memcmp checks the rest.
                while i + m <= n, let hit = memchr(text.baseAddress! + i, first, n - m + 1 - i) {
                    i = UnsafePointer(hit.assumingMemoryBound(to: UInt8.self)) - text.baseAddress!
                    if m == 1 || memcmp(text.baseAddress! + i, pattern.baseAddress!, m) == 0 {
                        body(UnsafeBufferPointer(rebasing: text[start..<i]))
                        i += m
                        start = i
                    } else {
                        i += 1
                    }
                }
                body(UnsafeBufferPointer(rebasing: text[start..<n]))
            }
        }
    }

    /// The quick form of a string-to-string built-in (see `BuiltinFunction.quickUnary`).
    static func quick(_ f: @escaping (String) -> String) -> (Value) -> Value? {
        { v in if case .string(let s) = v { return .string(f(s)) } else { return nil } }
    }

    static let upper = BuiltinFunction("upper", doc: "upper(s) is s in upper case (`upper(\"straße\")` is \"STRASSE\").",
                                       quickUnary: quick { $0.uppercased() }) { args, _ in
        try args.noNamed(); try args.expectCount(1, 1)
        return .string(try args.string(0, "s").uppercased())
    }

    static let lower = BuiltinFunction("lower", doc: "lower(s) is s in lower case.", quickUnary: quick { $0.lowercased() }) { args, _ in
        try args.noNamed(); try args.expectCount(1, 1)
        return .string(try args.string(0, "s").lowercased())
    }

    static let trim = BuiltinFunction("trim", doc: "trim(s) is s without whitespace (spaces, tabs, newlines) at either end.",
                                      quickUnary: quick { $0.trimmingWhitespaceAndNewlines() }) { args, _ in
        try args.noNamed(); try args.expectCount(1, 1)
        return .string(try args.string(0, "s").trimmingWhitespaceAndNewlines())
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
        // Each occurrence may grow the text: 60,000 one-byte matches replaced by 60 KB is 3.6 GB.
        // Matched on UTF-8 bytes, as `split` matches.
        let growth = new.utf8.count - old.utf8.count
        if growth > 0 && s.utf8.count / old.utf8.count * growth > Operators.maxStringBytes - s.utf8.count {
            var matches = -1
            forEachPart(of: s, between: old) { _ in matches += 1 }
            try Operators.checkSize(count: s.utf8.count + matches * growth)
        }
        var out: [UInt8] = []
        out.reserveCapacity(max(0, s.utf8.count + growth))
        var first = true
        forEachPart(of: s, between: old) { part in
            if !first { out.append(contentsOf: new.utf8) }
            first = false
            out.append(contentsOf: part)
        }
        return .string(String(decoding: out, as: UTF8.self))
    }
}
