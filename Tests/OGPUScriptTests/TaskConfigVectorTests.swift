import BigInt
import Foundation
import XCTest
@testable import OGPUScript

/// The task config `publish` uploads must be byte-identical to what the official Python SDK
/// uploads for the same TaskInput (vectors: ../shared/vectors/reference/ogpu_sdk.json).
final class TaskConfigVectorTests: XCTestCase {
    func testConfigJSONMatchesThePythonSDKByteForByte() throws {
        let url = Repository.shared.appendingPathComponent("vectors/reference/ogpu_sdk.json")
        let text = try String(contentsOf: url, encoding: .utf8)
        guard case .map(let root) = try JSONParser.parse(text), case .list(let configs)? = root["task_configs"] else {
            return XCTFail("ogpu_sdk.json has no task_configs")
        }
        XCTAssertGreaterThan(configs.count, 3)
        var checked = 0
        for case .map(let v) in configs {
            guard case .string(let fn)? = v["function_name"], case .map(let data)? = v["data"],
                  case .string(let expected)? = v["uploaded_json"] else { XCTFail("malformed vector \(v)"); continue }
            var given: [String: Value] = [
                "source": .string("0x2318ab575c687c170aaccd13624821bee612f165"), "fn": .string(fn), "data": .map(data),
            ]
            given["payment"] = .amount(BigUInt(10).power(16))
            var extras: [(String, Value)] = []
            if case .map(let e)? = v["extra"] { extras = Array(e.pairs) }
            if data.isEmpty { continue } // our drafts require non-empty data (§6); the SDK does not
            let draft = try TaskBuiltins.draft(given, extras: extras)
            XCTAssertEqual(try TaskBuiltins.request(from: .map(draft)).input.configText, expected, "function_name \(fn)")
            checked += 1
        }
        XCTAssertGreaterThan(checked, 3)
        print("task config vectors: \(checked) checked")
    }

    func testRequestCarriesSourcePaymentAndExpiry() throws {
        var m = OrderedMap()
        m["source"] = .string("0x2318ab575c687c170aaccd13624821bee612f165")
        m["fn"] = .string("predict")
        m["data"] = .map(OrderedMap([("text", .string("héllo")), ("n", .int(1))]))
        m["priority"] = .string("high")
        let r = try TaskBuiltins.request(from: .map(m))
        XCTAssertEqual(r.payment, BigUInt(10).power(16))
        XCTAssertEqual(r.expiry, .after(seconds: 3600))
        XCTAssertEqual(r.input.configText, #"{"function_name": "predict", "data": {"text": "h\u00e9llo", "n": 1}, "priority": "high"}"#)
    }

    func testValidationOrderNamesTheFirstBadField() {
        func message(_ given: [String: Value]) -> String {
            do { _ = try TaskBuiltins.draft(given, extras: []); return "ok" } catch let e as ScriptError {
                XCTAssertEqual(e.kind, "value")
                return e.message
            } catch { return "\(error)" }
        }
        let good: [String: Value] = ["source": .string("0x2318ab575c687c170aaccd13624821bee612f165"), "fn": .string("f"),
                                     "data": .map(OrderedMap([("a", .int(1))]))]
        XCTAssertEqual(message(good), "ok")
        var g = good; g["source"] = .string("nope"); g["fn"] = .string("")
        XCTAssertTrue(message(g).contains("source"))
        g = good; g["fn"] = .string(""); g["data"] = .map(OrderedMap())
        XCTAssertTrue(message(g).hasPrefix("fn"))
        g = good; g["data"] = .list([]); g["payment"] = .amount(0)
        XCTAssertTrue(message(g).hasPrefix("data"))
        g = good; g["payment"] = .amount(0); g["expiry"] = .duration(Dec(-1))
        XCTAssertEqual(message(g), "payment must be greater than 0")
        g = good; g["expiry"] = .time(Dec(0))
        XCTAssertTrue(message(g).hasPrefix("expiry"))
    }
}
