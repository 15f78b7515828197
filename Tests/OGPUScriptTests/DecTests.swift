import BigInt
import Foundation
import XCTest
@testable import OGPUScript

final class DecTests: XCTestCase {
    private func d(_ s: String) -> Dec { try! Dec(validating: s) }

    func testPrintsShortestExactFormWithoutExponent() throws {
        XCTAssertEqual(d("0.01").description, "0.01")
        XCTAssertEqual(d("1.5e3").description, "1500")
        XCTAssertEqual(d("1.0").description, "1")
        XCTAssertEqual(d("-0.50").description, "-0.5")
        XCTAssertEqual(d("0.000").description, "0")
        XCTAssertEqual(d("-0").description, "0")
        XCTAssertEqual(d("2E-4").description, "0.0002")
        XCTAssertEqual(d("1_000.25").description, "1000.25")
        XCTAssertEqual(d("123456789012345678901234567890.5").description, "123456789012345678901234567890.5")
    }

    func testRejectsMalformedText() {
        for bad in ["", ".", "1.2.3", "1e", "e5", "1_", "_1", "1__0", "abc", "1e+", "--1", "1e99999999"] {
            XCTAssertThrowsError(try Dec(validating: bad), bad)
        }
    }

    func testExactSums() {
        XCTAssertEqual(d("0.1") + d("0.2"), d("0.3"))
        XCTAssertEqual((d("0.1") + d("0.2")).description, "0.3")
        XCTAssertEqual(d("1.10") - d("0.1"), Dec(1))
        XCTAssertEqual(d("1.5") * d("2"), Dec(3))
    }

    func testSmallArithmeticPromotesInsteadOfOverflowing() {
        let max = Dec(Int.max)
        XCTAssertEqual((max + Dec(1)).description, "9223372036854775808")
        XCTAssertEqual((Dec(Int.min) - Dec(1)).description, "-9223372036854775809")
        XCTAssertEqual((-Dec(Int.min)).description, "9223372036854775808")
        XCTAssertEqual((max * max).description, "85070591730234615847396907784232501249")
        // Back down into the small range again compares equal to a small value.
        XCTAssertEqual(max + Dec(1) - Dec(1), max)
        XCTAssertEqual((max + Dec(1) - Dec(1)).hashValue, max.hashValue)
    }

    func testDivisionIsExactWhenItTerminatesElseHalfEvenAt30Digits() throws {
        XCTAssertEqual(try Dec.quotient(Dec(6), Dec(2)).description, "3")
        XCTAssertEqual(try Dec.quotient(Dec(1), Dec(8)).description, "0.125")
        XCTAssertEqual(try Dec.quotient(Dec(1), Dec(3)).description, "0.333333333333333333333333333333")
        XCTAssertEqual(try Dec.quotient(Dec(2), Dec(3)).description, "0.666666666666666666666666666667")
        XCTAssertEqual(try Dec.quotient(Dec(-2), Dec(3)).description, "-0.666666666666666666666666666667")
        // Exact even past 30 digits when it terminates: 1 / 2^40.
        XCTAssertEqual(try Dec.quotient(Dec(1), Dec(1 << 40)).description, "0.0000000000009094947017729282379150390625")
        XCTAssertThrowsError(try Dec.quotient(Dec(1), Dec(0))) { XCTAssertEqual($0 as? DecError, .divisionByZero) }
    }

    func testFloorDivisionAndRemainderFollowPython() throws {
        let cases: [(Int, Int, Int, Int)] = [(7, 2, 3, 1), (-7, 2, -4, 1), (7, -2, -4, -1), (-7, -2, 3, -1), (6, 3, 2, 0)]
        for (a, b, q, r) in cases {
            XCTAssertEqual(try Dec.floorDivide(Dec(a), Dec(b)), Dec(q), "\(a)//\(b)")
            XCTAssertEqual(try Dec.remainder(Dec(a), Dec(b)), Dec(r), "\(a)%\(b)")
        }
        XCTAssertEqual(try Dec.floorDivide(d("7.5"), Dec(2)), Dec(3))
        XCTAssertEqual(try Dec.remainder(d("7.5"), Dec(2)), d("1.5"))
        XCTAssertEqual(try Dec.remainder(d("-0.5"), d("0.2")), d("0.1"))
        XCTAssertEqual(try Dec.floorDivide(Dec(Int.min), Dec(-1)).description, "9223372036854775808")
        XCTAssertEqual(try Dec.remainder(Dec(Int.min), Dec(-1)), Dec(0))
    }

    func testPower() throws {
        XCTAssertEqual(try Dec.power(Dec(2), 10), Dec(1024))
        XCTAssertEqual(try Dec.power(Dec(2), 256).description,
                       "115792089237316195423570985008687907853269984665640564039457584007913129639936")
        XCTAssertEqual(try Dec.power(d("0.1"), 3).description, "0.001")
        XCTAssertEqual(try Dec.power(Dec(2), -2).description, "0.25")
        XCTAssertEqual(try Dec.power(Dec(0), 0), Dec(1))
        XCTAssertThrowsError(try Dec.power(Dec(0), -1))
        XCTAssertThrowsError(try Dec.power(Dec(3), 100_000_000))
    }

    func testRoundingIsHalfEven() {
        XCTAssertEqual(d("2.5").rounded(digits: 0), Dec(2))
        XCTAssertEqual(d("3.5").rounded(digits: 0), Dec(4))
        XCTAssertEqual(d("-2.5").rounded(digits: 0), Dec(-2))
        XCTAssertEqual(d("0.125").rounded(digits: 2), d("0.12"))
        XCTAssertEqual(d("0.135").rounded(digits: 2), d("0.14"))
        XCTAssertEqual(d("1.2345").rounded(digits: 10), d("1.2345"))
        XCTAssertEqual(Dec(1250).rounded(digits: -2), Dec(1200))
        XCTAssertEqual(Dec(1350).rounded(digits: -2), Dec(1400))
    }

    func testEqualityOrderAndHashAreByValue() {
        XCTAssertEqual(d("1.0"), Dec(1))
        XCTAssertEqual(d("1.0").hashValue, Dec(1).hashValue)
        var h = Hasher(); h.combine(1)
        var h2 = Hasher(); Dec(1).hash(into: &h2)
        XCTAssertEqual(h.finalize(), h2.finalize(), "an integral Dec hashes as the Int")
        XCTAssertLessThan(d("0.1"), d("0.11"))
        XCTAssertLessThan(d("-1"), d("0.5"))
        XCTAssertLessThan(Dec(Int.max), Dec(Int.max) + Dec(1))
        XCTAssertTrue(d("3.000").isInteger)
        XCTAssertFalse(d("3.5").isInteger)
        XCTAssertEqual(d("-3.9").truncatedInteger, BigInt(-3))
        XCTAssertEqual(d("-3.1").floorInteger, BigInt(-4))
    }

    /// Differential check against Python's exact `fractions`/`decimal` on pseudo-random operands.
    func testAgreesWithPythonOnRandomOperands() throws {
        guard let python = Self.findPython() else { throw XCTSkip("python3 not found") }
        var rng = SplitMix64(seed: 20261126)
        var lines: [String] = []
        var ours: [String] = []
        for _ in 0..<400 {
            let a = Self.randomDecText(&rng)
            var b = Self.randomDecText(&rng)
            if (try? Dec(validating: b).isZero) == true { b = "7" }
            let x = try Dec(validating: a), y = try Dec(validating: b)
            lines.append("\(a) \(b)")
            let e = Int(rng.next() % 7)
            ours.append([
                (x + y).description, (x - y).description, (x * y).description,
                try Dec.quotient(x, y).description, try Dec.floorDivide(x, y).description,
                try Dec.remainder(x, y).description, x.rounded(digits: 2).description,
                try Dec.power(y, e).description, String(Dec.compare(x, y)),
            ].joined(separator: " ") + " \(e)")
        }
        let program = """
        import sys
        from fractions import Fraction as F
        from decimal import Decimal as D, getcontext, ROUND_HALF_EVEN
        getcontext().prec = 400
        def s(fr):
            d = D(fr.numerator) / D(fr.denominator)
            t = format(d.normalize(), 'f')
            return '0' if t in ('-0', '0') else t
        def div(a, b):
            q = a / b
            den = q.denominator
            while den % 2 == 0: den //= 2
            while den % 5 == 0: den //= 5
            if den == 1: return s(q)
            d = (D(q.numerator) / D(q.denominator)).quantize(D('1e-30'), rounding=ROUND_HALF_EVEN)
            return s(F(d))
        def rnd(a):
            d = (D(a.numerator) / D(a.denominator)).quantize(D('0.01'), rounding=ROUND_HALF_EVEN)
            return s(F(d))
        for line in sys.stdin:
            a_t, b_t, e = line.split()
            a, b, e = F(D(a_t)), F(D(b_t)), int(e)
            fl = a // b
            print(' '.join([s(a + b), s(a - b), s(a * b), div(a, b), s(F(fl)), s(a - b * fl), rnd(a),
                            s(b ** e), str((a > b) - (a < b)), str(e)]))
        """
        let input = zip(lines, ours).map { "\($0.0) \($0.1.split(separator: " ").last!)" }.joined(separator: "\n") + "\n"
        let expected = try Self.run(python, ["-c", program], input: input).split(separator: "\n").map(String.init)
        XCTAssertEqual(expected.count, ours.count)
        for (i, (mine, theirs)) in zip(ours, expected).enumerated() where mine != theirs {
            XCTFail("case \(i) [\(lines[i])]: ours \(mine) vs python \(theirs)")
        }
    }

    static func randomDecText(_ rng: inout SplitMix64) -> String {
        let digits = Int(rng.next() % 40) + 1
        var s = (rng.next() % 3 == 0) ? "-" : ""
        for i in 0..<digits { s += String((i == 0 && digits > 1) ? rng.next() % 9 + 1 : rng.next() % 10) }
        let point = Int(rng.next() % UInt64(digits + 1))
        if point > 0 && point < digits {
            let idx = s.index(s.endIndex, offsetBy: -point)
            s.insert(".", at: idx)
        }
        return s
    }

    static func findPython() -> String? {
        for p in ["/usr/bin/python3", "/usr/local/bin/python3"] where FileManager.default.isExecutableFile(atPath: p) {
            return p
        }
        return nil
    }

    static func run(_ exe: String, _ args: [String], input: String) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: exe)
        p.arguments = args
        let inPipe = Pipe(), outPipe = Pipe()
        p.standardInput = inPipe
        p.standardOutput = outPipe
        try p.run()
        inPipe.fileHandleForWriting.write(input.data(using: .utf8)!)
        try inPipe.fileHandleForWriting.close()
        let data = outPipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}
