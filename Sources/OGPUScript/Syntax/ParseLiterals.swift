import BigInt
import OGPUKit
import OGPUPrimitives

/// Primary expressions: numbers, durations, addresses, strings with interpolation, lists, maps,
/// names and parenthesised expressions.
extension Parser {
    mutating func primary() throws -> Expr {
        let t = peek
        let loc = t.location
        switch t.kind {
        case .int(let text):
            advance()
            return Expr(kind: .literal(Parser.intValue(text)), location: loc)
        case .dec(let text):
            advance()
            guard let d = Dec(parsing: text) else { throw error("invalid number `\(text)`", at: loc) }
            return Expr(kind: .literal(.dec(d)), location: loc)
        case .duration(let text, let unit):
            advance()
            guard let d = Dec(parsing: text) else { throw error("invalid duration `\(text)\(unit)`", at: loc) }
            return Expr(kind: .literal(.duration(Parser.seconds(d, unit))), location: loc)
        case .address(let text):
            advance()
            if let problem = Parser.addressProblem(text) {
                report(problem, at: loc, hint: "use all lowercase to skip the checksum, or copy the address exactly")
            }
            return Expr(kind: .literal(.address(Parser.address(text))), location: loc)
        case .string(let parts):
            advance()
            return try stringLiteral(parts, loc)
        case .keyword(.true): advance(); return Expr(kind: .literal(.bool(true)), location: loc)
        case .keyword(.false): advance(); return Expr(kind: .literal(.bool(false)), location: loc)
        case .keyword(.nil): advance(); return Expr(kind: .literal(.null), location: loc)
        case .keyword(.fn):
            return Expr(kind: .function(try functionLiteral()), location: loc)
        case .identifier(let name):
            advance()
            if peek.isOp("=>") {
                advance(); skipNewlinesRaw()
                return try arrowBody([Parameter(name: name, defaultValue: nil, location: loc)], loc)
            }
            return Expr(kind: .name(name), location: loc)
        case .op("("):
            if arrowAfterParen() {
                let params = try parameterList()
                advance() // =>
                skipNewlinesRaw()
                return try arrowBody(params, loc)
            }
            advance()
            let inner = try bracketedExpression(closing: ")", "`)` to close `(`", opened: loc)
            return Expr(kind: inner.kind, location: inner.location)
        case .op("["):
            advance()
            ignoreNewlines.append(true)
            defer { ignoreNewlines.removeLast() }
            var items: [Expr] = []
            while !peek.isOp("]") {
                try checkStillInside("]", opened: loc)
                items.append(try withoutHead { try $0.expression() })
                if peek.isOp(",") { advance(); continue }
                guard peek.isOp("]") else {
                    throw error("expected `,` or `]` in list, found \(peek.kind.display)", at: peek.location, hint: unclosed("]", opened: loc))
                }
            }
            advance()
            return Expr(kind: .list(items), location: loc)
        case .op("{"):
            return try mapLiteral()
        case .newline, .eof:
            throw error("expected an expression, found \(t.kind.display)", at: loc)
        case .keyword(let k):
            throw error("`\(k.rawValue)` is a keyword and cannot be used as a value here", at: loc,
                        hint: [.let, .var, .if, .while, .for, .return].contains(k) ? "statements cannot appear inside expressions" : nil)
        default:
            throw error("expected an expression, found \(t.kind.display)", at: loc)
        }
    }

    private mutating func mapLiteral() throws -> Expr {
        let loc = peek.location
        advance() // {
        ignoreNewlines.append(true)
        defer { ignoreNewlines.removeLast() }
        var entries: [(key: String, value: Expr)] = []
        while !peek.isOp("}") {
            try checkStillInside("}", opened: loc)
            let key: String
            switch peek.kind {
            case .identifier(let n): key = n
            case .keyword(let k): key = k.rawValue
            case .string(let parts):
                var s = ""
                for p in parts {
                    guard case .text(let x) = p else { throw error("a map key cannot use interpolation", at: peek.location) }
                    s += x
                }
                key = s
            default:
                throw error("expected a map key (a name or a string), found \(peek.kind.display)", at: peek.location)
            }
            advance()
            try expectOp(":", "`:` after the map key")
            entries.append((key, try withoutHead { try $0.expression() }))
            if peek.isOp(",") { advance(); continue }
            guard peek.isOp("}") else {
                throw error("expected `,` or `}` in map, found \(peek.kind.display)", at: peek.location, hint: unclosed("}", opened: loc))
            }
        }
        advance()
        return Expr(kind: .map(entries), location: loc)
    }

    private mutating func stringLiteral(_ parts: [StringPart], _ loc: SourceLocation) throws -> Expr {
        var out: [InterpolationPart] = []
        for p in parts {
            switch p {
            case .text(let s): out.append(.text(s))
            case .lineJoin: break // applied by the lexer
            case .code(let code, let at, _):
                var sub = Parser(fragment: code, file: file, location: at)
                let e = try? sub.expression()
                if let e, sub.peek.kind == .eof, sub.diagnostics.isEmpty {
                    out.append(.expr(e))
                } else {
                    if sub.diagnostics.isEmpty {
                        sub.report("invalid expression in string interpolation", at: sub.peek.location, hint: "write `\\{` for a literal brace")
                    }
                    diagnostics += sub.diagnostics
                }
            }
        }
        if out.isEmpty { return Expr(kind: .literal(.string("")), location: loc) }
        if out.count == 1, case .text(let s) = out[0] { return Expr(kind: .literal(.string(s)), location: loc) }
        return Expr(kind: .interpolation(out), location: loc)
    }

    // MARK: - Literal helpers

    static func intValue(_ text: String) -> Value {
        if text.hasPrefix("0x") {
            let digits = String(text.dropFirst(2))
            if let i = Int(digits, radix: 16) { return .int(i) }
            return Value.integer(BigInt(digits, radix: 16) ?? 0)
        }
        if let i = Int(text) { return .int(i) }
        return Value.integer(BigInt(text) ?? 0)
    }

    static func seconds(_ d: Dec, _ unit: String) -> Dec {
        switch unit {
        case "ms": return Dec.divide(d, Dec(1000)) ?? d
        case "m": return d * Dec(60)
        case "h": return d * Dec(3600)
        case "d": return d * Dec(86400)
        default: return d
        }
    }

    static func address(_ text: String) -> Address {
        (try? Address(hex: text.lowercased())) ?? Address.zero
    }

    /// EIP-55 check for mixed-case address literals (§2); nil when fine.
    static func addressProblem(_ text: String) -> String? {
        AddressChecksum.problem(text)
    }
}
