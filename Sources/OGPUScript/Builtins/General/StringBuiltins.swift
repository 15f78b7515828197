import Foundation

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
        return .list(s.components(separatedBy: sep).map { .string($0) })
    }

    static let upper = BuiltinFunction("upper", doc: "upper(s) is s in upper case (`upper(\"straße\")` is \"STRASSE\").") { args, _ in
        try args.noNamed(); try args.expectCount(1, 1)
        return .string(try args.string(0, "s").uppercased())
    }

    static let lower = BuiltinFunction("lower", doc: "lower(s) is s in lower case.") { args, _ in
        try args.noNamed(); try args.expectCount(1, 1)
        return .string(try args.string(0, "s").lowercased())
    }

    static let trim = BuiltinFunction("trim", doc: "trim(s) is s without whitespace (spaces, tabs, newlines) at either end.") { args, _ in
        try args.noNamed(); try args.expectCount(1, 1)
        return .string(try args.string(0, "s").trimmingCharacters(in: .whitespacesAndNewlines))
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
        let growth = new.utf8.count - old.utf8.count
        if growth > 0 && s.utf8.count / old.utf8.count * growth > Operators.maxStringBytes - s.utf8.count {
            let matches = s.components(separatedBy: old).count - 1
            try Operators.checkSize(count: s.utf8.count + matches * growth)
        }
        return .string(s.replacingOccurrences(of: old, with: new))
    }
}
