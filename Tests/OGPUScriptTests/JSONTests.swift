import BigInt
import Foundation
import XCTest
@testable import OGPUScript

final class JSONTests: XCTestCase {
    func testEncodesCompactlyInKeyOrderWithExactNumbers() throws {
        let m = OrderedMap([("b", .int(1)), ("a", .list([.dec(Dec(parsing: "0.30")!), .null, .bool(true)])),
                            ("big", .bigInt(BigInt(2).power(70))), ("s", .string("q\"\\\n\u{1}é"))])
        XCTAssertEqual(try JSONWriter.encode(.map(m)), #"{"b":1,"a":[0.3,null,true],"big":1180591620717411303424,"s":"q\"\\\n\u0001é"}"#)
        XCTAssertEqual(try JSONWriter.encode(.amount(BigUInt(10).power(16))), #""10000000000000000""#)
        XCTAssertEqual(try JSONWriter.encode(.duration(Dec(parsing: "0.5")!)), "0.5")
        XCTAssertEqual(try JSONWriter.encode(.time(Dec(0))), #""1970-01-01T00:00:00Z""#)
        XCTAssertEqual(try JSONWriter.encode(.range(lower: 1, upper: 3, inclusive: true)), "[1,2,3]")
    }

    func testPythonStyleMatchesJsonDumpsDefaults() throws {
        let m = OrderedMap([("t", .string("h\u{e9}llo \u{1F680}")), ("n", .list([.int(1), .dec(Dec(parsing: "0.7")!)]))])
        XCTAssertEqual(try JSONWriter.encodePythonStyle(.map(m)), #"{"t": "h\u00e9llo \ud83d\ude80", "n": [1, 0.7]}"#)
        // ensure_ascii escapes DEL too: json.dumps("\x7f~") == '"\\u007f~"'.
        XCTAssertEqual(try JSONWriter.encodePythonStyle(.string("\u{7F}~")), #""\u007f~""#)
    }

    func testParsesNumbersExactly() throws {
        XCTAssertEqual(ValueFormat.printed(try JSONParser.parse("[1, -0, 1.0, 1e2, 2.50E-1, 123456789012345678901234567890]")),
                       "[1, 0, 1, 100, 0.25, 123456789012345678901234567890]")
        guard case .dec = try JSONParser.parse("1.0") else { return XCTFail("1.0 must be a dec") }
        guard case .int = try JSONParser.parse("-12") else { return XCTFail("-12 must be an int") }
    }

    func testRejectsInvalidJSONWithPosition() {
        let bad = ["", " ", "{", "[1,]", "{\"a\":1,}", "NaN", "Infinity", "'a'", "01", "-", "1.", ".5", "1e", "[1 2]",
                   "{\"a\" 1}", "{a:1}", "tru", "nul", "\"\\x\"", "\"\\ud83d\"", "\"\\ude80\"", "\"a\nb\"", "[1] 2", "\"open"]
        for text in bad {
            XCTAssertThrowsError(try JSONParser.parse(text), text) { error in
                guard let e = error as? ScriptError else { return XCTFail("not a ScriptError") }
                XCTAssertEqual(e.kind, "value")
                XCTAssertTrue(e.message.contains("line "), e.message)
            }
        }
        XCTAssertThrowsError(try JSONParser.parse("[1,\n  2,\n]")) { error in
            XCTAssertTrue((error as! ScriptError).message.contains("line 3, column 1"), "\(error)")
        }
    }

    func testDeepNestingIsAnErrorNotACrash() {
        let deep = String(repeating: "[", count: 200_000) + String(repeating: "]", count: 200_000)
        XCTAssertThrowsError(try JSONParser.parse(deep))
        let ok = String(repeating: "[", count: 500) + String(repeating: "]", count: 500)
        XCTAssertNoThrow(try JSONParser.parse(ok))
    }

    /// Differential check: every input Python's strict `json.loads` accepts, we accept with the
    /// same value (compared through Python re-encoding our output), and vice versa.
    func testAgreesWithPythonJsonOnEdgeCases() throws {
        guard let python = DecTests.findPython() else { throw XCTSkip("python3 not found") }
        let inputs = [
            #"{"a": [1, 2.5, -0.0, 1E+2, 1e-2, true, false, null], "b": {"c": "d"}}"#, #""\u00e9\ud83d\ude80\/\b\f\n\r\t""#,
            "[]", "{}", " [ ] ", "0", "-1", "1.5e300", "[[[[[]]]]]", #"{"a":1,"a":2}"#, #""\u0000""#,
            "[1,]", "01", "[NaN]", "\"\t\"", "[1 2]", "{\"a\"}", "\"\\ud800\"", "1.", "+1", "[-]", "\u{FEFF}[]",
        ]
        let program = """
        import sys, json
        from decimal import Decimal
        for line in sys.stdin.read().split("\\n\\u0001\\n"):
            try:
                v = json.loads(line, parse_float=Decimal, parse_constant=lambda c: (_ for _ in ()).throw(ValueError(c)))
                s = json.dumps(v, separators=(",", ":"), ensure_ascii=False, default=str)
                if "\\\\ud800" in line: raise ValueError("lone surrogate")
                print("ok", json.dumps(s))
            except Exception:
                print("error")
        """
        let output = try DecTests.run(python, ["-c", program], input: inputs.joined(separator: "\n\u{1}\n"))
        let verdicts = output.split(separator: "\n").map(String.init)
        XCTAssertEqual(verdicts.count, inputs.count)
        for (input, verdict) in zip(inputs, verdicts) {
            let ours = try? JSONParser.parse(input)
            if verdict == "error" {
                XCTAssertNil(ours, "we accept what Python rejects: \(input)")
            } else {
                XCTAssertNotNil(ours, "we reject what Python accepts: \(input)")
            }
        }
    }
}
