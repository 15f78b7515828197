import XCTest
@testable import OGPUKit
@testable import OGPUPrimitives

final class JSONTests: XCTestCase {
    func testParseKeepsKeyOrderAndNumberText() throws {
        let v = try JSONParser.parse(#"{"z": 1, "a": [0.7, -2e+3, 18446744073709551617], "m": {"y": null, "b": true}}"#)
        XCTAssertEqual(v.objectValue?.map(\.0), ["z", "a", "m"])
        XCTAssertEqual(v["a"], .array([.number("0.7"), .number("-2e+3"), .number("18446744073709551617")]))
        XCTAssertEqual(JSONWriter.string(v), #"{"z":1,"a":[0.7,-2e+3,18446744073709551617],"m":{"y":null,"b":true}}"#)
    }

    func testStringEscapesRoundTrip() throws {
        let v = try JSONParser.parse(#"["h\u00e9llo \ud83d\ude80 \"q\"\n\t\\/"]"#)
        XCTAssertEqual(v, .array([.string("héllo 🚀 \"q\"\n\t\\/")]))
        XCTAssertEqual(JSONWriter.string(v, style: .python), #"["h\u00e9llo \ud83d\ude80 \"q\"\n\t\\/"]"#)
        XCTAssertEqual(JSONWriter.string(v), "[\"héllo 🚀 \\\"q\\\"\\n\\t\\\\/\"]")
    }

    func testRejectsMalformedWithOffset() {
        let cases: [(String, Int)] = [
            (#"{"a": 1"#, 7), (#"{"a" 1}"#, 5), ("[1,]", 3), ("01", 1), (#""\ud800""#, 7), ("[1] x", 4),
            ("", 0), ("nul", 0), (#"{"a":"#, 5), ("\"abc", 4), ("-", 1),
        ]
        for (text, offset) in cases {
            XCTAssertThrowsError(try JSONParser.parse(text), text) { error in
                XCTAssertEqual((error as? JSONParser.ParseError)?.offset, offset, "\(text): \(error)")
            }
        }
    }

    func testDepthIsBounded() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        XCTAssertThrowsError(try JSONParser.parse(deep))
    }

    func testDoubleFormattingMatchesPythonRepr() {
        XCTAssertEqual(JSONWriter.string(.double(0.7)), "0.7")
        XCTAssertEqual(JSONWriter.string(.double(1.0)), "1.0")
        XCTAssertEqual(JSONWriter.string(.double(1e-05)), "1e-05")
        XCTAssertEqual(JSONWriter.string(.double(1e16)), "1e+16")
        XCTAssertEqual(JSONWriter.string(.double(123456.789)), "123456.789")
    }
}
