import BigInt
import XCTest
@testable import OGPUScript

/// `WordArithmetic` (the module's own big-integer multiply and divide) against the BigInt library's
/// results, on random operands of many sizes and on the cases algorithm D gets wrong most easily:
/// a divisor whose top word is all ones or needs no normalising shift, quotient words of B-1, and
/// the rare add-back step.
final class BigWordArithmeticTests: XCTestCase {
    private var generator = SystemRandomNumberGenerator()

    private func random(words: Int) -> BigInt {
        if words == 0 { return 0 }
        var ws = (0..<words).map { _ in UInt.random(in: 0...UInt.max, using: &generator) }
        // Skew some words to the extremes, where carries and estimates go wrong.
        for i in ws.indices where Int.random(in: 0..<4, using: &generator) == 0 {
            ws[i] = Bool.random(using: &generator) ? UInt.max : 0
        }
        if ws[words - 1] == 0 { ws[words - 1] = 1 }
        let m = BigInt(sign: .plus, magnitude: BigUInt(words: ws))
        return Bool.random(using: &generator) ? -m : m
    }

    private func check(_ x: BigInt, _ y: BigInt, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(x.times(y), x * y, "\(x) * \(y)", file: file, line: line)
        guard !y.isZero else { return }
        let (q, r) = x.dividedTruncating(by: y)
        let (eq, er) = x.quotientAndRemainder(dividingBy: y)
        XCTAssertEqual(q, eq, "\(x) / \(y)", file: file, line: line)
        XCTAssertEqual(r, er, "\(x) % \(y)", file: file, line: line)
    }

    func testRandomOperandsAgreeWithTheLibrary() {
        for _ in 0..<3000 {
            let x = random(words: Int.random(in: 0...12, using: &generator))
            let y = random(words: Int.random(in: 0...8, using: &generator))
            check(x, y)
        }
    }

    func testEdgeCasesOfAlgorithmD() {
        let b = BigInt(1) << 64
        let cases: [(BigInt, BigInt)] = [
            ((b << 128) - 1, (b << 64) - 1),                 // all ones by all ones
            (b << 192, (b << 64) - 1),                       // quotient words of B-1
            ((b << 128) + 5, (BigInt(1) << 127) + 1),        // top bit already set: no shift
            (BigInt(0x7fff_ffff_ffff_ffff) << 192, (BigInt(1) << 127) + 1),
            ((b - 1) * (b << 64) + (b - 1) * b, (b - 1) * b + 1),
            // Hacker's Delight's add-back case (divmnu: u = {0, 0, 0x8000, 0x7fff}, v = {1, 0, 0x8000}
            // in 16-bit digits), in 64-bit words: the estimate is one too large and v is added back.
            ((BigInt(0x7fff_ffff_ffff_ffff) << 192) + (BigInt(1) << 191), (BigInt(1) << 191) + 1),
            (BigInt(3) << 64, (BigInt(3) << 64) + 1),         // dividend smaller than divisor
            (BigInt(12345) << 100, BigInt(12345) << 100),     // equal
            (-(b << 70), b + 7), (b << 70, -(b + 7)),         // signs
        ]
        for (x, y) in cases { check(x, y); check(y, x) }
    }

    func testScriptOperatorsUseIt() throws {
        // 2^200 // (2^100 + 1) and the floor-style remainder with a negative divisor.
        let q = try Operators.floorDivide(.bigInt(BigInt(1) << 200), .bigInt((BigInt(1) << 100) + 1))
        XCTAssertEqual(q.bigIntValue, (BigInt(1) << 200) / ((BigInt(1) << 100) + 1))
        let r = try Operators.remainder(.bigInt(BigInt(1) << 200), .bigInt(-((BigInt(1) << 100) + 1)))
        let (_, tr) = (BigInt(1) << 200).quotientAndRemainder(dividingBy: -((BigInt(1) << 100) + 1))
        XCTAssertEqual(r.bigIntValue, tr.isZero ? 0 : tr - ((BigInt(1) << 100) + 1))
    }
}
