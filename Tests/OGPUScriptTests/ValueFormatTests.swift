import BigInt
import XCTest
@testable import OGPUScript

final class ValueFormatTests: XCTestCase {
    func testDurationsPrintFromTheLargestUnitDown() {
        let cases: [(String, String)] = [
            ("0", "0s"), ("5400", "1h30m"), ("45", "45s"), ("0.5", "500ms"), ("172800", "2d"), ("129600", "1d12h"),
            ("1.5", "1s500ms"), ("-300", "-5m"), ("0.0005", "0.5ms"), ("3661", "1h1m1s"), ("86400.001", "1d1ms"),
            ("1.0005", "1s0.5ms"), ("-0.25", "-250ms"),
        ]
        for (seconds, text) in cases {
            XCTAssertEqual(DurationFormat.format(Dec(parsing: seconds)!), text, seconds)
        }
    }

    func testTimesPrintAsISO8601UTC() {
        XCTAssertEqual(TimeFormat.iso(Dec(0)), "1970-01-01T00:00:00Z")
        XCTAssertEqual(TimeFormat.iso(Dec(1735689600)), "2025-01-01T00:00:00Z")
        XCTAssertEqual(TimeFormat.iso(Dec(951782400)), "2000-02-29T00:00:00Z")
        XCTAssertEqual(TimeFormat.iso(Dec(-1)), "1969-12-31T23:59:59Z")
        XCTAssertEqual(TimeFormat.iso(Dec(parsing: "1.25")!), "1970-01-01T00:00:01.25Z")
        XCTAssertEqual(TimeFormat.iso(Dec(253402300799)), "9999-12-31T23:59:59Z")
    }

    func testCivilDateConversionRoundTripsOverCenturies() {
        for days in stride(from: -800_000, through: 800_000, by: 997) {
            let (y, m, d) = TimeFormat.civil(fromDays: days)
            XCTAssertEqual(TimeFormat.days(fromCivil: y, m, d), days)
        }
    }

    func testISOParsing() {
        XCTAssertEqual(TimeFormat.parse("2025-01-01T00:00:00Z"), Dec(1735689600))
        XCTAssertEqual(TimeFormat.parse("2025-01-01T02:00:00+02:00"), Dec(1735689600))
        XCTAssertEqual(TimeFormat.parse("2025-01-01"), Dec(1735689600))
        XCTAssertEqual(TimeFormat.parse("1970-01-01T00:00:00.5Z"), Dec(parsing: "0.5"))
        for bad in ["", "2025", "2025-13-01", "2025-01-01T25:00:00Z", "2025-01-01T00:00:00", "soon"] {
            XCTAssertNil(TimeFormat.parse(bad), bad)
        }
    }

    func testAmountsPrintAsShortestOGPU() {
        XCTAssertEqual(AmountFormat.format(BigUInt(10).power(16)), "0.01 OGPU")
        XCTAssertEqual(AmountFormat.format(0), "0 OGPU")
        XCTAssertEqual(AmountFormat.format(BigUInt(10).power(18) * 12), "12 OGPU")
        XCTAssertEqual(AmountFormat.format(1), "0.000000000000000001 OGPU")
    }

    func testQuotedFormEscapesLikeLiterals() {
        XCTAssertEqual(ValueFormat.quote("a\"b\\c\nd\te\rf"), #""a\"b\\c\nd\te\rf""#)
        XCTAssertEqual(ValueFormat.quote("\u{1}\u{1B}\u{7F}"), #""\u{1}\u{1B}\u{7F}""#)
        XCTAssertEqual(ValueFormat.quote("héllo 🚀"), "\"héllo 🚀\"")
        XCTAssertEqual(ValueFormat.printed(.string("raw \"text\"")), "raw \"text\"")
    }

    func testMapKeysPrintBareOnlyWhenIdentifierLike() {
        let m = OrderedMap([("role", .string("user")), ("x y", .int(1)), ("fn", .int(2)), ("1a", .int(3)),
                            ("_k9", .null), ("", .int(4)), ("é", .int(5))])
        XCTAssertEqual(ValueFormat.printed(.map(m)), #"{role: "user", "x y": 1, fn: 2, "1a": 3, _k9: nil, "": 4, "é": 5}"#)
        XCTAssertEqual(ValueFormat.printed(.list([.int(1), .string("x"), .list([])])), #"[1, "x", []]"#)
        XCTAssertEqual(ValueFormat.printed(.range(lower: 0, upper: 5, inclusive: true)), "0..=5")
    }

    func testPrettyFormBreaksWideValuesAndColoursOnlyAddressesAmountsHandles() {
        var inner = OrderedMap()
        inner["content"] = .string(String(repeating: "x", count: 70))
        inner["role"] = .string("user")
        let v = Value.map(OrderedMap([("messages", .list([.map(inner)])), ("n", .int(1))]))
        let expected = """
        {
          messages: [
            {
              content: "\(String(repeating: "x", count: 70))",
              role: "user"
            }
          ],
          n: 1
        }
        """
        XCTAssertEqual(ValueFormat.pretty(v), expected)
        XCTAssertEqual(ValueFormat.pretty(.list([.int(1), .int(2)])), "[1, 2]")
        let coloured = ValueFormat.pretty(.list([.amount(BigUInt(10).power(18)), .int(3)]), color: true)
        XCTAssertEqual(coloured, "[\u{1B}[32m1 OGPU\u{1B}[0m, 3]")
        XCTAssertFalse(ValueFormat.pretty(.string("plain"), color: true).contains("\u{1B}"))
    }
}
