import XCTest
@testable import OGPUScript

/// Values nested a million deep print, encode, compare and free without overflowing a stack
/// (issue 14, item 6). Every walk here runs on the test's main thread, whose 8 MiB stack held
/// about 20,000 levels of the recursive walkers these replaced; only freeing the values is done
/// on the interpreter's big stack (as the CLI does), because freeing recurses in Swift's runtime.
final class DeepValueTests: XCTestCase {
    static let depth = 1_000_000

    /// `[[[…[leaf]…]]]`, `depth` lists deep.
    static func nested(_ depth: Int = depth, leaf: Value = .list([])) -> Value {
        var v = leaf
        for _ in 0..<depth { v = .list([v]) }
        return v
    }

    static func nestedMap(_ depth: Int = depth) -> Value {
        var v = Value.map(OrderedMap())
        for _ in 0..<depth { v = .map(OrderedMap([("k", v)])) }
        return v
    }

    /// Frees `values` on the big stack (freeing recurses once per level).
    func free(_ values: inout [Value]) {
        var held = values
        values = []
        ScriptSession.onBigStack { held = [] }
        XCTAssertTrue(held.isEmpty)
    }

    func testPrintedAndQuotedFormsOfAMillionDeepList() {
        var values = [Self.nested()]
        let text = ValueFormat.printed(values[0])
        XCTAssertEqual(text.utf8.count, 2 * (Self.depth + 1))
        XCTAssertTrue(text.hasPrefix("[[[[") && text.hasSuffix("]]]]"))
        XCTAssertEqual(ValueFormat.quoted(values[0]), text)
        free(&values)
    }

    func testMapsNestedAMillionDeepPrint() {
        var values = [Self.nestedMap()]
        let text = ValueFormat.printed(values[0])
        XCTAssertTrue(text.hasPrefix("{k: {k: {k: "))
        XCTAssertTrue(text.contains("{k: {}}}}"))
        XCTAssertTrue(text.hasSuffix(String(repeating: "}", count: 100)))
        free(&values)
    }

    func testREPLEchoOfAMillionDeepValue() {
        var values = [Self.nested(), Self.nestedMap()]
        for width in [80, 5_000] { // a huge terminal width must not deepen the recursion
            let echo = ValueFormat.pretty(values[0], color: true, width: width)
            XCTAssertTrue(echo.hasPrefix("[\n  [\n    ["))
            XCTAssertTrue(echo.contains("[[[[[["))
            XCTAssertTrue(ValueFormat.pretty(values[1], width: width).hasPrefix("{\n  k: {\n"))
        }
        free(&values)
    }

    func testTruncatedFormStaysBalanced() {
        var values = [Self.nested(leaf: .list(Array(repeating: .string("x"), count: 100)))]
        var out = ""
        ValueFormat.write(values[0], into: &out, limit: 50)
        XCTAssertTrue(out.contains("[…]]]]"))
        XCTAssertEqual(out.filter { $0 == "[" }.count, out.filter { $0 == "]" }.count)
        free(&values)
    }

    func testJSONOfAMillionDeepValue() throws {
        var values = [Self.nested(), Self.nestedMap(),
                      .error(ScriptError(.value, "outer", data: Self.nested(1000)))]
        XCTAssertEqual(try JSONWriter.encode(values[0]).utf8.count, 2 * (Self.depth + 1))
        XCTAssertTrue(try JSONWriter.encodePythonStyle(values[1]).hasPrefix("{\"k\": {\"k\": "))
        let error = try JSONWriter.encode(values[2])
        XCTAssertTrue(error.hasPrefix("{\"kind\":\"value\",\"message\":\"outer\",\"data\":[[[["))
        XCTAssertTrue(error.hasSuffix("]]]}"))
        free(&values)
    }

    func testEqualityAndOrderOfMillionDeepValues() throws {
        var values = [Self.nested(), Self.nested(), Self.nested(leaf: .list([.int(1)])),
                      Self.nestedMap(), Self.nestedMap()]
        XCTAssertTrue(Operators.equal(values[0], values[1])) // separate storage at every level
        XCTAssertFalse(Operators.equal(values[0], values[2]))
        XCTAssertTrue(Operators.equal(values[3], values[4]))
        XCTAssertEqual(try Operators.compare(values[0], values[2]), -1)
        XCTAssertEqual(try Operators.compare(values[2], values[0]), 1)
        XCTAssertEqual(try Operators.compare(values[0], values[1]), 0)
        free(&values)
    }

    func testErrorsWhoseDataIsAnErrorAMillionDeep() {
        var a = Value.null, b = Value.null
        for _ in 0..<Self.depth {
            a = .error(ScriptError(.value, "m", data: a))
            b = .error(ScriptError(.value, "m", data: b))
        }
        var values = [a, b]
        a = .null; b = .null
        XCTAssertTrue(Operators.equal(values[0], values[1]))
        XCTAssertEqual(ValueFormat.printed(values[0]), "error: m")
        free(&values)
    }

    /// The whole path through a session: built by a script, then echoed, encoded, compared and
    /// freed, with parse_json of a deep document a clean `"value"` error.
    func testScriptPathsOnDeepValues() {
        let session = ScriptSession(host: RobustnessTests.NullHost())
        let source = """
            var x = []
            for i in 0..1000000 { x = [x] }
            var y = []
            for i in 0..1000000 { y = [y] }
            let same = x == y
            let n = len(str(x)) + len(json(x))
            x = nil
            y = nil
            var caught = ""
            var brackets = "["
            for i in 0..18 { brackets = brackets + brackets }
            try { parse_json(brackets) } catch e { caught = e.kind }
            [same, n, caught]
            """
        let outcome = session.runFile(source: source, path: "deep.ogpu")
        guard case .ok(let value?) = outcome else { return XCTFail("\(outcome)") }
        XCTAssertEqual(ValueFormat.quoted(value), "[true, 4000004, \"value\"]")
    }
}
