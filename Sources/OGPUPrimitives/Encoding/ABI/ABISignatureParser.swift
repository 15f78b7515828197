/// Parses ABI type strings and human-readable signatures:
///
///     uint256   (address,string,uint256)[]   bytes32[2][]
///     publishTask((address,string,uint256,uint256))
///     function balanceOf(address owner) view returns (uint256)
///     event Transfer(address indexed from, address indexed to, uint256 value)
///     error InsufficientBalance(uint256 available, uint256 required)
///
/// Names, `indexed`, data locations and mutability words are accepted where Solidity writes them.
enum ABISignatureParser {
    struct Signature {
        var keyword: String?
        var name: String
        var inputs: [ABIParameter]
        var outputs: [ABIParameter]
        var modifiers: [String]
    }

    static func parseType(_ text: String) throws -> ABIType {
        var parser = Parser(text: text)
        let type = try parser.parseType()
        try parser.expectEnd()
        try parser.validate(type)
        return type
    }

    static func parseSignature(_ text: String) throws -> Signature {
        var parser = Parser(text: text)
        let signature = try parser.parseSignature()
        for parameter in signature.inputs + signature.outputs { try parser.validate(parameter.type) }
        return signature
    }

    /// Types in order, aliases resolved: `uint` → `uint256`.
    static func elementaryType(_ word: String) -> ABIType? {
        switch word {
        case "address": return .address
        case "bool": return .bool
        case "string": return .string
        case "bytes": return .bytes
        case "uint": return .uint(256)
        case "int": return .int(256)
        default: break
        }
        for (prefix, make) in [("uint", ABIType.uint), ("int", ABIType.int)] where word.hasPrefix(prefix) {
            guard let bits = decimal(word.dropFirst(prefix.count)), bits % 8 == 0, (8...256).contains(bits) else {
                return nil
            }
            return make(bits)
        }
        if word.hasPrefix("bytes"), let n = decimal(word.dropFirst(5)), (1...32).contains(n) {
            return .fixedBytes(n)
        }
        return nil
    }

    /// A plain decimal without sign or leading zeros, small enough to be a size.
    static func decimal(_ digits: Substring) -> Int? {
        guard !digits.isEmpty, digits.count <= 18, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        if digits.count > 1 && digits.first == "0" { return nil }
        return Int(digits)
    }

    private static let locationWords: Set<String> = ["memory", "calldata", "storage", "payable"]
    private static let modifierWords: Set<String> = [
        "view", "pure", "payable", "nonpayable", "constant", "external", "public", "anonymous",
    ]

    private struct Token {
        enum Kind: Equatable { case word(String), punct(Character), end }
        let kind: Kind
        let offset: Int
    }

    private struct Parser {
        let text: String
        let tokens: [Token]
        var index = 0
        /// Tuples currently open; bounded so hostile input cannot recurse the parser off the stack.
        var nesting = 0

        init(text: String) {
            self.text = text
            var tokens: [Token] = []
            var current = ""
            var start = 0
            for (offset, ch) in text.enumerated() {
                if ch.isLetter || ch.isNumber || ch == "_" || ch == "$" {
                    if current.isEmpty { start = offset }
                    current.append(ch)
                    continue
                }
                if !current.isEmpty { tokens.append(Token(kind: .word(current), offset: start)); current = "" }
                if !ch.isWhitespace { tokens.append(Token(kind: .punct(ch), offset: offset)) }
            }
            if !current.isEmpty { tokens.append(Token(kind: .word(current), offset: start)) }
            tokens.append(Token(kind: .end, offset: text.count))
            self.tokens = tokens
        }

        var peek: Token { tokens[index] }

        mutating func advance() -> Token {
            let token = tokens[index]
            if index < tokens.count - 1 { index += 1 }
            return token
        }

        func error(_ message: String, at token: Token? = nil) -> ABIParseError {
            ABIParseError(input: text, offset: (token ?? peek).offset, message: message)
        }

        func describe(_ token: Token) -> String {
            switch token.kind {
            case .word(let w): return "'\(w)'"
            case .punct(let c): return "'\(c)'"
            case .end: return "end of input"
            }
        }

        mutating func expect(_ ch: Character) throws {
            guard case .punct(ch) = peek.kind else { throw error("expected '\(ch)', found \(describe(peek))") }
            _ = advance()
        }

        mutating func accept(_ ch: Character) -> Bool {
            guard case .punct(ch) = peek.kind else { return false }
            _ = advance()
            return true
        }

        /// Re-checks a finished type against every limit (depth, sizes), reporting it against the whole input.
        func validate(_ type: ABIType) throws {
            do {
                try type.validate()
            } catch let error as ABIParseError {
                throw ABIParseError(input: text, offset: nil, message: error.message)
            }
        }

        func expectEnd() throws {
            guard case .end = peek.kind else { throw error("unexpected \(describe(peek))") }
        }

        mutating func parseSignature() throws -> Signature {
            var keyword: String?
            guard case .word(var name) = advance().kind else { throw error("expected a name", at: tokens[0]) }
            if ["function", "event", "error", "constructor"].contains(name) {
                keyword = name
                if name == "constructor", case .punct("(") = peek.kind {
                    name = "constructor"
                } else {
                    guard case .word(let n) = peek.kind else { throw error("expected a name after '\(name)'") }
                    name = n
                    _ = advance()
                }
            }
            guard name.first.map({ $0.isLetter || $0 == "_" || $0 == "$" }) == true else {
                throw error("'\(name)' is not a valid name", at: tokens[keyword == nil ? 0 : 1])
            }
            let inputs = try parseParameterList()
            var outputs: [ABIParameter] = []
            var modifiers: [String] = []
            while case .word(let word) = peek.kind {
                _ = advance()
                if word == "returns" {
                    outputs = try parseParameterList()
                } else if ABISignatureParser.modifierWords.contains(word) {
                    modifiers.append(word)
                } else {
                    throw error("unexpected '\(word)' after the parameter list", at: tokens[index - 1])
                }
            }
            try expectEnd()
            return Signature(keyword: keyword, name: name, inputs: inputs, outputs: outputs, modifiers: modifiers)
        }

        mutating func parseParameterList() throws -> [ABIParameter] {
            try expect("(")
            var params: [ABIParameter] = []
            if accept(")") { return params }
            repeat {
                params.append(try parseParameter())
            } while accept(",")
            try expect(")")
            return params
        }

        mutating func parseParameter() throws -> ABIParameter {
            let type = try parseType()
            var name = ""
            var indexed = false
            while case .word(let word) = peek.kind {
                let token = advance()
                if word == "indexed" {
                    indexed = true
                } else if ABISignatureParser.locationWords.contains(word) {
                    continue
                } else if name.isEmpty {
                    name = word
                } else {
                    throw error("unexpected '\(word)' after parameter '\(name)'", at: token)
                }
            }
            return ABIParameter(name: name, type: type, indexed: indexed)
        }

        mutating func parseType() throws -> ABIType {
            var type: ABIType
            let start = peek
            switch start.kind {
            case .word("tuple") where tokens[index + 1].kind == .punct("("):
                _ = advance()
                type = try parseTupleBody()
            case .punct("("):
                type = try parseTupleBody()
            case .word(let word):
                _ = advance()
                guard let elementary = ABISignatureParser.elementaryType(word) else {
                    throw error("unknown type '\(word)'" + ABISignatureParser.hint(for: word), at: start)
                }
                type = elementary
            default:
                throw error("expected a type, found \(describe(start))")
            }
            var suffixes = 0
            while case .punct("[") = peek.kind {
                let open = advance()
                suffixes += 1
                if suffixes > ABIType.maxNestingDepth {
                    throw error("nested more than \(ABIType.maxNestingDepth) levels deep", at: open)
                }
                if accept("]") {
                    type = .array(type)
                    continue
                }
                guard case .word(let digits) = peek.kind, let k = ABISignatureParser.decimal(Substring(digits)), k > 0
                else { throw error("array size must be a positive decimal number", at: peek) }
                _ = advance()
                try expect("]")
                // Dynamic elements still take one offset word each, so bound those too.
                let elementSize = type.isDynamic ? 32 : type.headSize
                let (size, overflow) = elementSize.multipliedReportingOverflow(by: k)
                if overflow || size > ABIType.maxHeadSize { throw error("fixed array is too large", at: open) }
                type = .fixedArray(type, k)
            }
            return type
        }

        mutating func parseTupleBody() throws -> ABIType {
            let open = peek
            nesting += 1
            defer { nesting -= 1 }
            if nesting > ABIType.maxNestingDepth {
                throw error("nested more than \(ABIType.maxNestingDepth) levels deep", at: open)
            }
            let params = try parseParameterList()
            // Solidity has no empty structs, and a zero-size type would let `()[n]` claim any n for free.
            if params.isEmpty { throw error("empty tuple '()' is not a valid ABI type", at: open) }
            let types = params.map(\.type)
            let names = params.map(\.name)
            if params.contains(where: \.indexed) { throw error("'indexed' is only allowed on event parameters", at: open) }
            if types.reduce(0, { $0 + ($1.isDynamic ? 32 : $1.headSize) }) > ABIType.maxHeadSize {
                throw error("tuple is too large", at: open)
            }
            return .tuple(types, names: names.contains(where: { !$0.isEmpty }) ? names : nil)
        }
    }

    static func hint(for word: String) -> String {
        if word.hasPrefix("fixed") || word.hasPrefix("ufixed") { return " (fixed-point types are not supported)" }
        if word == "function" { return " (function types are not supported)" }
        if word.hasPrefix("uint") || word.hasPrefix("int") { return " (bit size must be a multiple of 8 from 8 to 256)" }
        if word.hasPrefix("bytes") { return " (bytesN needs N from 1 to 32)" }
        return ""
    }
}
