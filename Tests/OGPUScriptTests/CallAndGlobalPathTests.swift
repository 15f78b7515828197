import XCTest
@testable import OGPUScript

/// The fast paths of script calls (arguments moved into reused frames, `if c { return e }` bodies)
/// and of top-level variables (`i += 1`, `total = …` on a cell in place) behave exactly as the
/// general paths: same values, same errors at the same places.
final class CallAndGlobalPathTests: XCTestCase {
    func testReusedFrameStartsEveryCallWithNilSlots() {
        // `a`'s default reads `b` before `b` is bound: nil, even right after a call that bound `b`.
        XCTAssertEqual(output("""
        fn f(a = b, b = 1) { [a, b] }
        print(f(1, 2))
        print(f())
        fn g(x, y, z) { if x > 0 { return [x, y, z] }
          let w = "local"
          [w, y, z] }
        print(g(1, "s", [2]), g(0, nil, 3), g(2, 3, 4))
        """), "[1, 2]\n[nil, 1]\n[1, \"s\", [2]] [\"local\", nil, 3] [2, 3, 4]\n")
    }

    func testErrorInALaterArgumentLeavesTheFrameClean() {
        XCTAssertEqual(output("""
        fn three(a, b, c) { [a, b, c] }
        fn boom() { throw "no" }
        var caught = 0
        for i in 0..40 {
          try { three([i], "x", boom()) } catch e { caught += 1 }
        }
        print(caught, three(1, 2, 3))
        """), "40 [1, 2, 3]\n")
        let e = runtimeError("fn three(a, b, c) { a }\nfn boom() { throw \"no\" }\nthree(1, 2, boom())")
        XCTAssertEqual(e?.message, "no")
        XCTAssertEqual(e?.location.map { [$0.line, $0.column] }, [2, 19])
    }

    func testErrorsInsideAnEarlyReturnBodyKeepTheirPlaces() {
        let cond = runtimeError("fn f(x) {\n  if x < \"a\" { return 1 }\n  2\n}\nf(1)")
        XCTAssertEqual(cond?.kind, "type")
        XCTAssertEqual(cond?.location?.line, 2)
        let tail = runtimeError("fn f(x) {\n  if x > 5 { return 1 }\n  x + \"a\"\n}\nf(1)")
        XCTAssertEqual(tail?.kind, "type")
        XCTAssertEqual(tail?.location?.line, 3)
        let deep = runtimeError("fn down(n) {\n  if n == 0 { return 0 }\n  down(n - 1) + 1\n}\ndown(100000)")
        XCTAssertEqual(deep?.kind, "overflow")
        XCTAssertEqual(deep?.message, "recursion deeper than 20000 calls")
        XCTAssertEqual(deep?.location?.line, 3)
    }

    func testTopLevelCompoundAssignmentKeepsTheGeneralRules() {
        XCTAssertEqual(output("""
        var big = 9223372036854775807
        big += 1
        var s = "a"
        s += "b"
        var n = 10
        n -= 3
        n += n * 2
        var d = 1
        d += 0.5
        print(big, s, n, d)
        """), "9223372036854775808 ab 21 1.5\n")
        let e = runtimeError("var s = \"a\"\ns += 1")
        XCTAssertEqual(e?.kind, "type")
        XCTAssertEqual(e?.location.map { [$0.line, $0.column] }, [2, 1])
        let early = runtimeError("count += 1\nvar count = 0")
        XCTAssertEqual(early?.kind, "name")
        XCTAssertEqual(early?.message, "`count` is read before its definition on line 2 has run")
        let read = runtimeError("print(total * 2)\nvar total = 1")
        XCTAssertEqual(read?.message, "`total` is read before its definition on line 2 has run")
    }

    func testTopLevelVariableSwitchingBetweenFunctionsAndData() {
        // The cell's bookkeeping of the function it holds (borrowed calls, quick built-ins) follows
        // every assignment, plain data included.
        XCTAssertEqual(output("""
        var f = len
        print(f("abc"))
        f = 3
        f += 1
        print(f)
        f = upper
        print(f("abc"))
        f = fn(x) { x * 2 }
        print(f(4))
        f = 0
        try { f(1) } catch e { print(e.message) }
        """), "3\n4\nABC\n8\ncannot call an int\n")
    }
}
