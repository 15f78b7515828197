import BigInt
import XCTest
@testable import OGPUKit
@testable import OGPUPrimitives

final class UnitsTests: XCTestCase {
    private static let unitDecimals = [
        "wei": 0, "kwei": 3, "mwei": 6, "gwei": 9, "szabo": 12, "finney": 15, "ether": 18, "satoshi": 8,
    ]

    /// ethers/units.json. Two documented differences from ethers: amounts are unsigned here (negative text
    /// is an error; negative formats are checked on the magnitude), and whole numbers format as "1", not "1.0".
    func testEthersVectors() throws {
        let cases = try XCTUnwrap(SharedVectors.json("ethers/units.json") as? [[String: String]])
        var checks = 0
        for c in cases {
            let name = c["name"] ?? "?"
            let weiText = try XCTUnwrap(c["wei"])
            let negative = weiText.hasPrefix("-")
            let wei = try XCTUnwrap(BigUInt(negative ? String(weiText.dropFirst()) : weiText))
            for (key, text) in c where key != "name" && key != "wei" {
                let unit = key.hasSuffix("_format") ? String(key.dropLast("_format".count)) : key
                let decimals = try XCTUnwrap(Self.unitDecimals[unit], "unknown unit \(unit) in \(name)")
                if key.hasSuffix("_format") {
                    var expected = text.hasSuffix(".0") ? String(text.dropLast(2)) : text
                    if negative { expected = String(expected.dropFirst()) }
                    XCTAssertEqual(Units.format(wei, decimals: decimals), expected, "\(name) \(key)")
                } else if negative {
                    XCTAssertThrowsError(try Units.parse(text, decimals: decimals), "\(name) \(key)") {
                        XCTAssertEqual($0 as? Units.ParseError, .negative(text))
                    }
                } else {
                    XCTAssertEqual(try Units.parse(text, decimals: decimals), wei, "\(name) \(key)")
                }
                checks += 1
            }
        }
        print("ethers/units.json: \(cases.count) cases, \(checks) unit checks")
        SharedVectors.report("ethers/units.json", checks)
    }

    func testParseAcceptedForms() throws {
        let ether = BigUInt(10).power(18)
        XCTAssertEqual(try Units.parse("1"), ether)
        XCTAssertEqual(try Units.parse("1."), ether)
        XCTAssertEqual(try Units.parse(".5"), ether / 2)
        XCTAssertEqual(try Units.parse("0"), 0)
        XCTAssertEqual(try Units.parse("0.000000000000000001"), 1)
        XCTAssertEqual(try Units.parse("0.0000000000000000010000"), 1, "trailing zeros beyond decimals are exact")
        XCTAssertEqual(try Units.parse("1.5", decimals: Units.gweiDecimals), 1_500_000_000)
        XCTAssertEqual(try Units.parse("42", decimals: 0), 42)
        let max = Units.maxUInt256
        XCTAssertEqual(try Units.parse(String(max), decimals: 0), max)
        XCTAssertEqual(try Units.parse(Units.format(max)), max)
    }

    func testParseRejectsWithClearMessages() {
        XCTAssertThrowsError(try Units.parse("0.0000000000000000001")) {
            XCTAssertEqual($0 as? Units.ParseError, .tooManyDecimals(text: "0.0000000000000000001", found: 19, allowed: 18))
            XCTAssertEqual("\($0)", "amount '0.0000000000000000001' has 19 decimal places but this unit allows "
                + "at most 18; it cannot be represented exactly")
        }
        XCTAssertThrowsError(try Units.parse("1.0000000001", decimals: 9)) {
            XCTAssertEqual($0 as? Units.ParseError, .tooManyDecimals(text: "1.0000000001", found: 10, allowed: 9))
        }
        XCTAssertThrowsError(try Units.parse("1.5", decimals: 0))
        XCTAssertThrowsError(try Units.parse("-1")) {
            XCTAssertEqual("\($0)", "amount '-1' is negative; amounts must be zero or more")
        }
        XCTAssertThrowsError(try Units.parse("")) { XCTAssertEqual($0 as? Units.ParseError, .empty) }
        XCTAssertThrowsError(try Units.parse("."))
        for (text, bad, offset) in [("1.2.3", ".", 3), ("1e18", "e", 1), (" 1", " ", 0), ("+1", "+", 0),
                                    ("1_000", "_", 1), ("1,5", ",", 1), ("١", "١", 0)] as [(String, Character, Int)] {
            XCTAssertThrowsError(try Units.parse(text), text) {
                XCTAssertEqual($0 as? Units.ParseError, .invalidCharacter(bad, offset: offset, text: text))
            }
        }
        XCTAssertThrowsError(try Units.parse(String(Units.maxUInt256 + 1), decimals: 0)) {
            XCTAssertEqual($0 as? Units.ParseError, .tooLarge(String(Units.maxUInt256 + 1)))
        }
        XCTAssertThrowsError(try Units.parse(String(repeating: "9", count: 100_000)))
        XCTAssertThrowsError(try Units.parse("1", decimals: -1))
    }

    func testFormatShortestExact() {
        XCTAssertEqual(Units.format(0), "0")
        XCTAssertEqual(Units.format(1), "0.000000000000000001")
        XCTAssertEqual(Units.format(BigUInt(10).power(18)), "1")
        XCTAssertEqual(Units.format(BigUInt(10).power(17) * 15), "1.5")
        XCTAssertEqual(Units.format(BigUInt(10).power(16)), "0.01")
        XCTAssertEqual(Units.format(1_500_000_000, decimals: 9), "1.5")
        XCTAssertEqual(Units.format(1_000_000_000, decimals: 9), "1")
        XCTAssertEqual(Units.format(120, decimals: 0), "120")
        XCTAssertEqual(Units.format(Units.maxUInt256),
                       "115792089237316195423570985008687907853269984665640564039457.584007913129639935")
    }

    func testParseFormatRoundTrip() throws {
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<300 {
            let value = BigUInt(UInt64.random(in: 0...UInt64.max, using: &rng)) * BigUInt(Int.random(in: 1...1000))
            for decimals in [0, 6, 9, 18] {
                XCTAssertEqual(try Units.parse(Units.format(value, decimals: decimals), decimals: decimals), value)
            }
        }
    }
}
