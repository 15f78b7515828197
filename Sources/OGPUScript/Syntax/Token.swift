/// One lexical token.
struct Token {
    enum Kind: Equatable {
        case identifier(String)
        case keyword(Keyword)
        /// Integer literal text without `_` (decimal, or `0x…` hex that is not 40 digits).
        case int(String)
        /// Decimal literal text without `_` (`0.01`, `1.5e3`).
        case dec(String)
        /// Number followed by a unit: `500ms`, `1.5h`.
        case duration(String, unit: String)
        /// `0x` + exactly 40 hex digits.
        case address(String)
        case string([StringPart])
        case op(String)
        case newline
        case eof
        /// A character the lexer could not understand (already reported).
        case invalid
    }

    var kind: Kind
    var location: SourceLocation
    /// Whitespace (or a comment) directly before this token on the same line.
    var spaceBefore: Bool
    /// Whitespace directly after this token (for `-x` vs `- x` in command calls).
    var spaceAfter: Bool = false
    /// UTF-8 offset of the token's first byte.
    var offset: Int

    func isOp(_ s: String) -> Bool { if case .op(let o) = kind { return o == s }; return false }
    func isKeyword(_ k: Keyword) -> Bool { if case .keyword(let x) = kind { return x == k }; return false }
    var isNewlineOrEnd: Bool {
        switch kind {
        case .newline, .eof: return true
        case .op(";"): return true
        default: return false
        }
    }
}

/// A piece of a string literal: literal text, or `{expression}` source with its location.
enum StringPart: Equatable {
    case text(String)
    case code(String, SourceLocation, offset: Int)
    /// A backslash-newline in a `"""` string: the line break before it is removed after the
    /// indentation is (so the next line loses its indentation too). Never leaves the lexer.
    case lineJoin
}

enum Keyword: String, CaseIterable {
    case `let`, `var`, `fn`, `if`, `else`, `while`, `for`, `in`, `break`, `continue`, `return`
    case `true`, `false`, `nil`, `and`, `or`, `not`, `try`, `catch`, `throw`, `import`, `assert`
}

extension Token.Kind {
    /// Short human text for "expected X, found Y" messages.
    var display: String {
        switch self {
        case .identifier(let n): return "`\(n)`"
        case .keyword(let k): return "`\(k.rawValue)`"
        case .int(let t), .dec(let t): return "number `\(t)`"
        case .duration(let t, let u): return "duration `\(t)\(u)`"
        case .address(let a): return "address `\(a)`"
        case .string: return "string"
        case .op(let o): return "`\(o)`"
        case .newline: return "end of line"
        case .eof: return "end of input"
        case .invalid: return "invalid character"
        }
    }
}
