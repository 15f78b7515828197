/// Whitespace trimming and one-scalar replacement with exactly the sets of Foundation's `CharacterSet.whitespaces` and
/// `.whitespacesAndNewlines` (which live in the full Foundation, and with it ICU's data), compared
/// scalar by scalar as Foundation does. `WhitespaceTests` checks every Unicode scalar against
/// Foundation's sets.
extension Unicode.Scalar {
    /// Tab, space, no-break space and the other space separators, and U+200B (as Foundation counts it).
    public var isFoundationWhitespace: Bool {
        switch value {
        case 0x09, 0x20, 0xA0, 0x1680, 0x2000...0x200B, 0x202F, 0x205F, 0x3000: return true
        default: return false
        }
    }

    /// Whitespace, or a line or paragraph break: LF, VT, FF, CR, NEL, U+2028, U+2029.
    public var isFoundationWhitespaceOrNewline: Bool {
        switch value {
        case 0x0A...0x0D, 0x85, 0x2028, 0x2029: return true
        default: return isFoundationWhitespace
        }
    }
}

extension StringProtocol {
    /// `trimmingWhitespace()`.
    public func trimmingWhitespace() -> String { trimmingScalars { $0.isFoundationWhitespace } }

    /// `trimmingWhitespaceAndNewlines()`.
    public func trimmingWhitespaceAndNewlines() -> String { trimmingScalars { $0.isFoundationWhitespaceOrNewline } }

    private func trimmingScalars(_ trimmed: (Unicode.Scalar) -> Bool) -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !trimmed($0) }) else { return "" }
        let last = scalars.lastIndex(where: { !trimmed($0) })!
        var kept = String.UnicodeScalarView()
        kept.append(contentsOf: scalars[first...last])
        return String(kept)
    }
}

extension StringProtocol {
    /// Every `scalar` replaced by `replacement`, as Foundation's `replacingOccurrences(of:with:)`
    /// does for a one-scalar pattern: scalar by scalar, except where a grapheme extender (a combining
    /// mark, a tag...) or an emoji modifier follows, which makes it part of a composed character. (The standard library's
    /// `replacing` compares whole Characters, and would not find "\r" inside a "\r\n" as
    /// Foundation does.)
    public func replacingScalar(_ scalar: Unicode.Scalar, with replacement: String) -> String {
        var out = String.UnicodeScalarView()
        var it = unicodeScalars.makeIterator()
        var next = it.next()
        while let u = next {
            next = it.next()
            let composed = next.map { Self.joinsPrevious($0) } ?? false
            if u == scalar && !composed { out.append(contentsOf: replacement.unicodeScalars) } else { out.append(u) }
        }
        return String(out)
    }

    /// A combining mark or other grapheme extender, or an emoji modifier: composed with the
    /// scalar before it.
    private static func joinsPrevious(_ u: Unicode.Scalar) -> Bool {
        u.properties.isGraphemeExtend || u.properties.isEmojiModifier
    }
}
