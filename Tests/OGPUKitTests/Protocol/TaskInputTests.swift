import XCTest
@testable import OGPUKit
@testable import OGPUPrimitives

/// The pinned config must be byte-identical to the official SDK's upload for the same input.
final class TaskInputTests: XCTestCase {
    func testConfigBytesMatchOfficialSDK() throws {
        let data = try SharedVectors.data("reference/ogpu_sdk.json")
        let vectors = try JSONParser.parse([UInt8](data))
        let configs = try XCTUnwrap(vectors["task_configs"]?.arrayValue)
        XCTAssertGreaterThanOrEqual(configs.count, 6)
        for (i, c) in configs.enumerated() {
            let input = try TaskInput(functionName: try XCTUnwrap(c["function_name"]?.stringValue),
                                      data: try XCTUnwrap(c["data"]), extras: try XCTUnwrap(c["extra"]?.objectValue))
            XCTAssertEqual(input.configText, try XCTUnwrap(c["uploaded_json"]?.stringValue), "vector \(i)")
            // And it reads back to the same input.
            XCTAssertEqual(try TaskInput(config: JSONParser.parse(input.configBytes)), input)
        }
    }

    func testExtrasCannotShadowReservedKeys() {
        XCTAssertThrowsError(try TaskInput(functionName: "f", data: .object([]), extras: [("data", 1)])) {
            XCTAssertEqual($0 as? TaskInput.Invalid, .reservedExtra("data"))
        }
        XCTAssertThrowsError(try TaskInput(functionName: "f", data: .null, extras: [("a", 1), ("a", 2)]))
        XCTAssertThrowsError(try TaskInput(functionName: "", data: .null))
    }

    func testPythonStyleEscapesControlAndDEL() {
        let input = try! TaskInput(functionName: "f", data: .string("\u{1}\u{7f}é\u{10FFFF}"))
        XCTAssertEqual(input.configText, #"{"function_name": "f", "data": "\u0001\u007f\u00e9\udbff\udfff"}"#)
    }
}
