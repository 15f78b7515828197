import XCTest
@testable import OGPUScript

final class EvaluatorTests: XCTestCase {
    func testArithmeticAndPrecedence() {
        XCTAssertEqual(output("print(1 + 2 * 3, (1 + 2) * 3, 2 ** 3 ** 2, -2 ** 2, 7 // 2, -7 // 2, -7 % 3, 7 % -3)"),
                       "7 9 512 -4 3 -4 2 -2\n")
    }

    func testIntOverflowPromotesToBigInt() {
        XCTAssertEqual(output("print(9223372036854775807 + 1)\nprint(2 ** 256)\nprint(-9223372036854775807 - 2)"),
                       "9223372036854775808\n115792089237316195423570985008687907853269984665640564039457584007913129639936\n-9223372036854775809\n")
        XCTAssertEqual(output("let x = 3037000500 * 3037000500\nprint(x, x - x == 0)"), "9223372037000250000 true\n")
    }

    func testVariablesAndScopes() {
        XCTAssertEqual(output("""
        var x = 1
        { let x = 2; print(x) }
        print(x)
        x += 5
        print(x)
        """), "2\n1\n6\n")
    }

    func testFunctionsDefaultsNamedAndImplicitReturn() {
        XCTAssertEqual(output("""
        fn add(a, b = 10) { a + b }
        print(add(1), add(1, 2), add(1, b: 3), add(b: 4, a: 1))
        fn early(x) {
          if x > 0 { return "pos" }
          "non-pos"
        }
        print(early(1), early(-1))
        """), "11 3 4 5\npos non-pos\n")
    }

    func testRecursionFib() {
        XCTAssertEqual(output("fn fib(n) { if n < 2 { return n }\n return fib(n - 1) + fib(n - 2) }\nprint(fib(20))"), "6765\n")
    }

    func testClosuresCaptureByReferenceAndFreshLoopVariables() {
        XCTAssertEqual(output("""
        fn counter() {
          var n = 0
          return () => { n += 1
            n }
        }
        let c = counter()
        c(); c()
        print(c())
        var fs = []
        for i in 0..3 { push(fs, () => i) }
        print(fs[0](), fs[1](), fs[2]())
        """), "3\n0 1 2\n")
    }

    func testLoopsBreakContinue() {
        XCTAssertEqual(output("""
        var s = 0
        for i in 0..=10 { if i % 2 == 0 { continue }; if i > 7 { break }; s += i }
        print(s)
        var n = 0
        while true { n += 1; if n == 5 { break } }
        print(n)
        for i, x in ["a", "b"] { print(i, x) }
        for k, v in {a: 1, b: 2} { print(k, v) }
        """), "16\n5\n0 a\n1 b\na 1\nb 2\n")
    }

    func testListsAreValuesCopyOnWrite() {
        XCTAssertEqual(output("""
        var a = [1, 2]
        var b = a
        push(b, 3)
        b[0] = 9
        print(a, b)
        var m = {xs: [1]}
        push(m.xs, 2)
        m.y = "z"
        m["w"] = 1
        print(m)
        """), "[1, 2] [9, 2, 3]\n{xs: [1, 2], y: \"z\", w: 1}\n")
    }

    func testCommandCallsAndPipelines() {
        XCTAssertEqual(output("""
        print "hi", 1
        print (1 + 2) * 3
        print -2
        fn double(x) { x * 2 }
        fn add(x, y) { x + y }
        3 |> double |> print
        3 |> add(4) |> print
        let r = double 21
        print r
        [1, 2, 3] |> map { x => x * 10 } |> print
        """), "hi 1\n9\n-2\n6\n7\n42\n[10, 20, 30]\n")
    }

    func testTrailingBlocksAndArrows() {
        XCTAssertEqual(output("""
        fn twice(f) { f(); f() }
        twice { print "x" }
        print(map([1, 2], (a) => a + 1))
        """), "x\nx\n[2, 3]\n")
    }

    func testStringsAndInterpolation() {
        XCTAssertEqual(output(#"""
        let name = "ogpu"
        print "hi {name}! {1 + 2} \{x\}"
        print "a" + "b", len("héllo"), "héllo"[1]
        """#),
                       "hi ogpu! 3 {x}\nab 5 é\n")
        XCTAssertEqual(output("print \"\"\"\n  line1\n    line2\n  \"\"\""), "line1\n  line2\n")
    }

    func testEqualityAndComparison() {
        XCTAssertEqual(output("print([1, [2]] == [1, [2]], {a: 1} == {a: 1}, 1 == \"1\", nil == nil, \"a\" < \"b\", 1 != 2)"),
                       "true true false true true true\n")
        XCTAssertEqual(runtimeError("print(1 < \"a\")")?.kind, "type")
    }

    func testConditionalAndLogic() {
        XCTAssertEqual(output("print(1 < 2 ? \"yes\" : \"no\", nil or 5, 0 and 7, not nil)"), "yes 5 7 true\n")
    }

    func testTryCatchThrow() {
        XCTAssertEqual(output("""
        try { throw "boom" } catch e { print(e.kind, e.message) }
        try { throw {message: "m", kind: "custom", data: 5} } catch e { print(e.kind, e.message, e.data) }
        try { [1][5] } catch e { print(e.kind) }
        try { undefined_thing } catch e { print(e.kind) }
        try { assert 1 == 2, "nope" } catch e { print(e.kind, e.message) }
        try { 1 + "a" } catch e { print(e.kind) }
        try { nil() } catch e { print(e.kind) }
        """), "user boom\ncustom m 5\nvalue\nname\nassert nope\ntype\ntype\n")
    }

    func testIndexingErrors() {
        XCTAssertEqual(runtimeError("[1, 2][2]")?.kind, "value")
        XCTAssertEqual(runtimeError("[1, 2][\"a\"]")?.kind, "type")
        XCTAssertEqual(runtimeError("let m = {a: 1}\nm[0]")?.kind, "type")
        XCTAssertEqual(output("print([1, 2, 3][-1], {a: 1}.b, {a: 1}[\"a\"])"), "3 nil 1\n")
    }

    func testArgumentErrorsNameTheParameter() {
        let e = runtimeError("fn f(a) { a }\nf(b: 1)")
        XCTAssertEqual(e?.kind, "name")
        XCTAssertTrue(e?.message.contains("`b`") ?? false)
        XCTAssertEqual(runtimeError("fn f(a) { a }\nf(1, a: 2)")?.kind, "name")
        XCTAssertEqual(runtimeError("fn f(a) { a }\nf(a: 1, a: 2)")?.kind, "name")
    }

    func testDeepRecursionRaisesOverflowNotCrash() {
        XCTAssertEqual(output("fn d(n) { if n == 0 { return 0 }\n return 1 + d(n - 1) }\nprint(d(10000))"), "10000\n")
        let e = runtimeError("fn f(n) { f(n + 1) }\nf(0)")
        XCTAssertEqual(e?.kind, "overflow")
    }

    /// An error about one argument carries that argument's place (and length), not the callee's.
    func testArgumentErrorsPointAtTheArgument() {
        var e = runtimeError("fn f(alpha) { alpha }\nf(1,\n  alpah: 2)")
        XCTAssertEqual(e?.kind, "name")
        XCTAssertEqual(e?.location.map { [$0.line, $0.column] }, [3, 3])
        XCTAssertEqual(e?.help, "did you mean `alpha:`?")
        e = runtimeError("let s = join([\"a\"], 5 + 1)")
        XCTAssertEqual(e?.kind, "type")
        XCTAssertEqual(e?.location.map { [$0.line, $0.column, $0.length] }, [1, 21, 5])
        e = runtimeError("print len(1, [2, 3])")
        XCTAssertEqual(e?.location.map { [$0.column, $0.length] }, [14, 6])
        // Inside a built-in's callback, the callback's own call site is not remapped by the outer one.
        e = runtimeError("print map([1], x => len(x))")
        XCTAssertEqual(e?.location.map { [$0.column, $0.length] }, [25, 1])
    }

    /// Every REPL input starts at `<repl>:1:1`: a later input's calls take over those places.
    func testREPLInputsPointAtTheirOwnArguments() {
        let session = ScriptSession(host: CapturingHost())
        _ = session.runREPLInput("print(1)")
        guard case .runtimeError(let e) = session.runREPLInput("round(1.5, digts: 2)") else { return XCTFail("no error") }
        XCTAssertEqual(e.location.map { [$0.line, $0.column] }, [1, 12])
        XCTAssertEqual(e.help, "did you mean `digits:`?")
    }

    func testUnknownNameHint() {
        let e = runtimeError("prnt(1)")
        XCTAssertEqual(e?.kind, "name")
        XCTAssertEqual(e?.message, "unknown name `prnt`")
        XCTAssertEqual(e?.help, "did you mean `print`?")
        XCTAssertEqual(e?.location?.line, 1)
    }

    func testTopLevelFunctionsMayUseLaterNames() {
        XCTAssertEqual(output("fn f() { g() }\nfn g() { later }\nlet later = 4\nprint(f())"), "4\n")
    }

    func testREPLKeepsGlobalsAndEchoesTrailingExpression() {
        let host = CapturingHost()
        let s = ScriptSession(host: host)
        _ = s.runREPLInput("let x = 40")
        guard case .ok(let v) = s.runREPLInput("x + 2"), let v else { return XCTFail() }
        XCTAssertEqual(s.render(v, color: false), "42")
        guard case .ok(let none) = s.runREPLInput("var y = 1") else { return XCTFail() }
        XCTAssertNil(none)
        XCTAssertTrue(s.globalNames.contains("x"))
        XCTAssertTrue(s.globalNames.contains("print"))
        // A runtime error does not lose the session.
        if case .runtimeError = s.runREPLInput("nope") {} else { XCTFail() }
        guard case .ok(let w) = s.runREPLInput("x"), let w else { return XCTFail() }
        XCTAssertEqual(s.render(w, color: false), "40")
    }

    func testInterruptStopsLoop() {
        let host = CapturingHost()
        let s = ScriptSession(host: host)
        // From another thread, as the CLI's signal thread does: raise the flag, never touch the session.
        let flag = s.interruptFlag
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.2) { flag.raise() }
        guard case .runtimeError(let e) = s.runREPLInput("while true { }") else { return XCTFail() }
        XCTAssertEqual(e.kind, "interrupted")
        XCTAssertEqual(e.exitCode, 130)
        // Ctrl-C is not swallowed by try/catch.
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.2) { flag.raise() }
        guard case .runtimeError(let e2) = s.runREPLInput("try { while true { } } catch e { print(\"caught\") }") else { return XCTFail() }
        XCTAssertEqual(e2.kind, "interrupted")
        XCTAssertEqual(host.out, "")
    }

    func testScriptArguments() {
        let host = CapturingHost()
        let s = ScriptSession(host: host, arguments: ["a", "b"])
        _ = s.runFile(source: "print(args)", path: "x.ogpu")
        XCTAssertEqual(host.out, "[\"a\", \"b\"]\n")
    }

    func testImportBindsLetAndFn() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ogpu-import-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try "let k = 7\nvar hidden = 1\nfn sq(x) { x * x }\nprint(\"loaded\")\n".write(to: dir.appendingPathComponent("lib.ogpu"), atomically: true, encoding: .utf8)
        let host = CapturingHost()
        let s = ScriptSession(host: host)
        let out = s.runFile(source: "import \"lib.ogpu\"\nimport \"lib.ogpu\"\nprint(sq(k))\nprint(type(hidden))", path: dir.appendingPathComponent("main.ogpu").path)
        guard case .runtimeError(let e) = out else { return XCTFail("\(out)") }
        XCTAssertEqual(e.kind, "name") // `var`s are not exported
        XCTAssertEqual(host.out, "loaded\n49\n")
    }
}
