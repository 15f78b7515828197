import XCTest
@testable import OGPUScript

final class LexerTests: XCTestCase {
    func kinds(_ s: String) -> [Token.Kind] {
        var l = Lexer(s, file: "t")
        return l.tokenize().map(\.kind)
    }

    func testLiterals() {
        XCTAssertEqual(kinds("42 1_000 0x2a 0.01 1.5e3 500ms 1.5h"),
                       [.int("42"), .int("1000"), .int("0x2a"), .dec("0.01"), .dec("1.5e3"),
                        .duration("500", unit: "ms"), .duration("1.5", unit: "h"), .eof])
        XCTAssertEqual(kinds("0x4f1477e0a1da8340e964d01e32dff302f3cb203a"), [.address("0x4f1477e0a1da8340e964d01e32dff302f3cb203a"), .eof])
        XCTAssertEqual(kinds("0..5 0..=5"), [.int("0"), .op(".."), .int("5"), .int("0"), .op("..="), .int("5"), .eof])
    }

    func testStringsEscapesAndInterpolation() {
        XCTAssertEqual(kinds(#""a\n\t\"\\ \u{1F680} \{""#), [.string([.text("a\n\t\"\\ 🚀 {")]), .eof])
        guard case .string(let parts) = kinds(#""hi {name}!""#)[0] else { return XCTFail() }
        XCTAssertEqual(parts.count, 3)
        if case .code(let code, let loc, _) = parts[1] {
            XCTAssertEqual(code, "name")
            XCTAssertEqual(loc.column, 6)
        } else { XCTFail() }
    }

    func testShebangAndComments() {
        XCTAssertEqual(kinds("#!/usr/bin/env ogpu\nx # comment\n"), [.newline, .identifier("x"), .newline, .eof])
    }

    func testColumnsCountCharacters() {
        var l = Lexer("let é = ü", file: "t")
        let toks = l.tokenize()
        XCTAssertEqual(toks.map(\.location.column), [1, 5, 7, 9, 10])
    }

    func testBadCharacterIsLocated() {
        var l = Lexer("x = 1 & 2", file: "f.ogpu")
        _ = l.tokenize()
        XCTAssertEqual(l.diagnostics.first?.location.column, 7)
        XCTAssertEqual(l.diagnostics.first?.hint, "use `and`")
    }
}

final class ParserTests: XCTestCase {
    func parse(_ s: String) -> (stmts: [Stmt], diagnostics: [Diagnostic]) {
        var p = Parser(source: s, file: "t.ogpu")
        let stmts = p.parseProgram()
        return (stmts, p.diagnostics)
    }

    func testNewlinesInsideBracketsAndAfterOperators() {
        let (stmts, d) = parse("let x = f(1,\n  2)\nlet y = [1,\n2,\n]\nlet z = 1 +\n 2\nlet m = {a: 1,\n b: 2}\nlet p = x\n  |> g\n")
        XCTAssertEqual(d, [])
        XCTAssertEqual(stmts.count, 5)
    }

    func testBlockVersusMapAtStatementStart() {
        let (stmts, d) = parse("{ print(1) }\nlet m = {print: 1}")
        XCTAssertEqual(d, [])
        guard case .block = stmts[0].kind else { return XCTFail() }
    }

    func testCommandCallRules() {
        func callArgs(_ s: String) -> Int? {
            let (stmts, d) = parse(s)
            guard d.isEmpty, case .expression(let e) = stmts[0].kind, case .call(_, let args) = e.kind else { return nil }
            return args.count
        }
        XCTAssertEqual(callArgs("print \"hi\", x"), 2)
        XCTAssertEqual(callArgs("print -2"), 1)
        XCTAssertEqual(callArgs("print (1 + 2) * 3"), 1)
        // `x - 1` is subtraction, not a command call.
        let (s, _) = parse("x - 1")
        guard case .expression(let e) = s[0].kind, case .binary("-", _, _) = e.kind else { return XCTFail() }
    }

    func testHeadBraceOpensBody() {
        let (stmts, d) = parse("for x in xs { print(x) }\nif f { 1 }")
        XCTAssertEqual(d, [])
        guard case .forLoop(_, _, let it, let body) = stmts[0].kind, case .name("xs") = it.kind else { return XCTFail() }
        XCTAssertEqual(body.count, 1)
    }

    func testEverySyntaxErrorIsReported() {
        let (_, d) = parse("let = 1\nprint(1\nlet ok = 2\nx = = 3\nfn (a { }\n")
        XCTAssertGreaterThanOrEqual(d.count, 4, "\(d)")
        XCTAssertEqual(d.first?.location.line, 1)
        XCTAssertTrue(d.contains { $0.location.line == 4 })
    }

    func testChainedComparisonIsAnError() {
        let (_, d) = parse("let b = 1 < 2 < 3")
        XCTAssertEqual(d.first?.message, "comparisons cannot be chained")
    }

    func testMisnamedKeywordHint() {
        let (_, d) = parse("const x = 1")
        XCTAssertEqual(d.first?.hint, "did you mean `let`?")
    }

    func testBadChecksumAddressIsSyntaxError() {
        let (_, ok) = parse("let a = 0x4F1477E0a1DA8340E964D01e32Dff302F3CB203A")
        XCTAssertEqual(ok, [])
        let (_, bad) = parse("let a = 0x4F1477E0a1DA8340E964D01e32Dff302F3CB203a")
        XCTAssertEqual(bad.count, 1)
        XCTAssertTrue(bad[0].message.contains("checksum"))
    }

    func testKeywordsAsMemberLabelAndKey() {
        let (_, d) = parse("let t = task(fn: \"x\")\nprint(t.fn, {fn: 1, if: 2})")
        XCTAssertEqual(d, [])
    }

    func testDeepNestingDoesNotCrash() {
        let deep = String(repeating: "(", count: 5000) + "1" + String(repeating: ")", count: 5000)
        let d = ScriptSession.check(source: "let x = \(deep)", path: "t.ogpu")
        XCTAssertTrue(d.contains { $0.message.contains("nested too deeply") } || d.isEmpty)
    }

    func testIncompleteInput() {
        XCTAssertTrue(ScriptSession.inputIsIncomplete("fn f() {"))
        XCTAssertTrue(ScriptSession.inputIsIncomplete("let x = [1,"))
        XCTAssertTrue(ScriptSession.inputIsIncomplete("x |>"))
        XCTAssertTrue(ScriptSession.inputIsIncomplete("let x ="))
        XCTAssertTrue(ScriptSession.inputIsIncomplete("let s = \"\"\"\nabc"))
        XCTAssertFalse(ScriptSession.inputIsIncomplete("print(1)"))
        XCTAssertFalse(ScriptSession.inputIsIncomplete("let s = \"abc\""))
    }
}

final class ResolverTests: XCTestCase {
    func testResolveErrorsCountAsSyntaxErrors() {
        let d = syntaxErrors("""
        let x = 1
        x = 2
        break
        return 1
        fn f(a, a) { a = 1 }
        let xs = [1]
        push(xs, 2)
        xs[0] = 5
        fn g() { while true { fn h() { break } } }
        """)
        let lines = d.map(\.location.line)
        XCTAssertEqual(lines, [2, 3, 4, 5, 5, 7, 8, 9], "\(d)")
        XCTAssertEqual(d[0].hint, "did you mean `var`? Declare it with `var x = …` to change it")
    }

    func testNothingRunsWhenThereAreResolveErrors() {
        let (out, outcome) = runScript("print(\"ran\")\nlet x = 1\nx = 2")
        XCTAssertEqual(out, "")
        guard case .syntaxErrors = outcome else { return XCTFail() }
    }

    func testCheckWarnsAboutNamesDefinedNowhere() {
        let d = ScriptSession.check(source: "fn f() { prnt(later) }\nlet later = 1\nprint(undefined_x)", path: "c.ogpu")
        XCTAssertEqual(d.filter { $0.severity == .warning }.map(\.message),
                       ["`prnt` is not defined anywhere", "`undefined_x` is not defined anywhere"])
        XCTAssertEqual(d.first?.hint, "did you mean `print`?")
    }
}

final class DiagnosticRenderTests: XCTestCase {
    func testRenderMatchesSection7Format() {
        let src = "let t = task(\n  payment: ogpu(0),\n)"
        let d = Diagnostic(.error, kind: "value", "payment must be greater than 0",
                           at: SourceLocation(file: "haiku.ogpu", line: 2, column: 12, length: 7))
        XCTAssertEqual(d.render(source: src, color: false), """
        error[value]: payment must be greater than 0
          --> haiku.ogpu:2:12
           |
         2 |   payment: ogpu(0),
           |            ^^^^^^^

        """)
    }

    func testRuntimeErrorRendersWithCaret() {
        let src = "let xs = [1]\nprint(xs[3])"
        guard case .runtimeError(let e) = runScript(src, file: "r.ogpu").outcome else { return XCTFail() }
        let text = e.render(source: src, color: false)
        XCTAssertTrue(text.hasPrefix("error[value]: index 3 is out of range"), text)
        XCTAssertTrue(text.contains("r.ogpu:2:7"), text)
        XCTAssertEqual(e.exitCode, 70)
    }

    func testHintLine() {
        let d = Diagnostic(.error, kind: "syntax", "m", at: SourceLocation(file: "f", line: 1, column: 1), hint: "did you mean `var`?")
        XCTAssertTrue(d.render(source: "x", color: false).hasSuffix("   = help: did you mean `var`?\n"))
    }
}
