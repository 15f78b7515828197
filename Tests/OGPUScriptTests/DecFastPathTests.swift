import BigInt
import XCTest
@testable import OGPUScript

/// The machine-word paths of `Dec` `+`, `-`, `*` (which skip the trailing-zero strip where it
/// cannot find anything) and the quick operator shapes (`NumberOps.quickAdd` …, inlined into the
/// compiled operators) against slow references: the BigInt arithmetic of `Dec(mantissa:scale:)`,
/// which normalises by dividing by ten until it cannot, and `NumberOps.binary`. Operands cluster
/// where word arithmetic goes wrong: around Int.max and Int.min, at powers of ten, with scales
/// that differ by 18 and 19 (the last power of ten that fits a word) and scales near the caps.
final class DecFastPathTests: XCTestCase {
    private var rng = SplitMix64(seed: 0x0DEC_FA57)

    private func mantissa() -> Int {
        switch rng.below(8) {
        case 0: return rng.below(2001) - 1000
        case 1: return Int(bitPattern: UInt(rng.next()))
        case 2: return [Int.max, Int.min, Int.max - 1, Int.min + 1, 0, 1, -1][rng.below(7)]
        case 3: return (rng.chance(50) ? Int.max : Int.min) / Dec.smallPowers[rng.below(19)] &- (rng.below(3) - 1)
        case 4: return (rng.chance(50) ? 1 : -1) * Dec.smallPowers[rng.below(19)]
        case 5: return (rng.below(2_000_001) - 1_000_000) * Dec.smallPowers[rng.below(12)]
        case 6: return Int(bitPattern: UInt(rng.next())) >> rng.below(64)
        default: return rng.below(20_000_001) - 10_000_000
        }
    }

    /// Scales near the caps come in pairs (`band`), since aligning 10^-1000000 with 1 would
    /// build a million-digit number in the reference.
    private var band = 0

    private func scale() -> Int {
        band + (rng.chance(30) ? 17 + rng.below(4) : rng.below(12))
    }

    private func newBand() {
        switch rng.below(10) {
        case 0: band = 1_000_000
        case 1: band = Dec.maxScale / 2 - 20
        default: band = 0
        }
    }

    /// A canonical operand: word mantissas mostly, sometimes one past a word.
    private func operand() -> Dec {
        let d: Dec
        if rng.chance(5) {
            d = Dec(mantissa: BigInt(mantissa()) * BigInt(Int.max) + BigInt(rng.below(1000)), scale: scale())
        } else {
            d = Dec(small: mantissa(), scale: scale())
        }
        // Zero has scale 0 wherever it comes from: beside a scale near the caps it too would
        // build a huge number in the reference.
        return d.isZero && band > 0 ? Dec(small: 7, scale: band + 1) : d
    }

    private func assertCanonical(_ d: Dec, _ what: @autoclosure () -> String, line: UInt = #line) {
        switch d.mantissa {
        case .small(let m):
            XCTAssertTrue(d.scale == 0 || m % 10 != 0, "\(what()): trailing zero at scale \(d.scale)", line: line)
        case .big(let b):
            XCTAssertNil(Int(exactly: b), "\(what()): a word mantissa stored as .big", line: line)
            XCTAssertTrue(d.scale == 0 || !(b % 10).isZero, "\(what()): trailing zero at scale \(d.scale)", line: line)
        }
        XCTAssertGreaterThanOrEqual(d.scale, 0, what(), line: line)
    }

    func testWordPathsAgreeWithBigIntArithmetic() {
        for _ in 0..<8_000 {
            newBand()
            let x = operand(), y = operand()
            let (p, q, s) = Dec.aligned(x, y)
            let cases: [(String, Dec, Dec)] = [
                ("+", x + y, Dec(mantissa: p + q, scale: s)),
                ("-", x - y, Dec(mantissa: p - q, scale: s)),
            ] + (x.scale + y.scale <= Dec.maxScale
                ? [("*", x * y, Dec(mantissa: x.bigMantissa * y.bigMantissa, scale: x.scale + y.scale))] : [])
            for (op, fast, reference) in cases {
                // Compared and reported as mantissa and scale: `description` writes every zero.
                let what = "\(x.bigMantissa)e-\(x.scale) \(op) \(y.bigMantissa)e-\(y.scale)"
                XCTAssertTrue(fast == reference, "\(what): \(fast.bigMantissa)e-\(fast.scale), expected \(reference.bigMantissa)e-\(reference.scale)")
                XCTAssertEqual(fast.hashValue, reference.hashValue, what)
                assertCanonical(fast, what)
            }
        }
    }

    func testCancellingDigitsAndProductsEndingInZerosAreStripped() {
        let d = { (s: String) in try! Dec(validating: s) }
        XCTAssertEqual((d("0.15") + d("0.05")).description, "0.2")
        XCTAssertEqual(d("0.15") + d("0.05"), d("0.2"))
        XCTAssertEqual(d("1.25") - d("0.25"), Dec(1))
        XCTAssertEqual(d("0.5") * d("0.2"), d("0.1"))
        XCTAssertEqual(d("2.5") * Dec(4), Dec(10))
        XCTAssertEqual(d("0.001") + d("-0.001"), Dec.zero)
        XCTAssertEqual((d("0.001") + d("-0.001")).scale, 0)
        // Different scales never cancel the finer operand's last digit.
        XCTAssertEqual((d("0.1") + d("0.09")).description, "0.19")
        XCTAssertEqual((Dec(Int.max) + d("0.5")).description, "9223372036854775807.5")
    }

    private func value() -> Value {
        switch rng.below(6) {
        case 0: return .int(mantissa())
        case 1: return .amount(Wei(UInt(bitPattern: mantissa())))
        case 2: return .duration(operand())
        case 3: return .time(operand())
        default: return .dec(operand())
        }
    }

    private func printed(_ r: Result<Value, Error>) -> String {
        switch r {
        case .success(let v): return "\(v.typeName) \(ValueFormat.printed(v))"
        case .failure(let e): return "error \(e)"
        }
    }

    /// Every shape the quick paths take gives what the general path gives, type included.
    func testQuickShapesAgreeWithTheGeneralPath() {
        let ops: [(ArithmeticOperator, (Value, Value) -> Value?)] = [
            (.add, NumberOps.quickAdd), (.sub, NumberOps.quickSubtract), (.mul, NumberOps.quickMultiply),
        ]
        var quick = 0
        for _ in 0..<20_000 {
            let a = value(), b = value()  // scale band 0: an int beside 10^-1000000 would take long
            for (op, q) in ops {
                guard let fast = q(a, b) else { continue }
                quick += 1
                let general = Result { try NumberOps.binary(op, a, b) }
                XCTAssertEqual("\(fast.typeName) \(ValueFormat.printed(fast))", printed(general),
                               "\(ValueFormat.printed(a)) \(op.rawValue) \(ValueFormat.printed(b))")
                if case .dec(let d) = fast { assertCanonical(d, "\(a) \(op.rawValue) \(b)") }
                if case .duration(let d) = fast { assertCanonical(d, "\(a) \(op.rawValue) \(b)") }
            }
        }
        XCTAssertGreaterThan(quick, 10_000, "the random shapes reach the quick paths")
    }

    /// The compiled operators' word paths (`WordNumber`, `amountWords`) on random operands give
    /// what the general path gives, type included.
    func testWordNumbersAgreeWithTheGeneralPath() {
        func check<Op: IntArithmetic>(_: Op.Type, _ op: ArithmeticOperator, _ a: Value, _ b: Value) -> Bool {
            var fast: Value? = nil
            if let x = a.wordNumber, let y = b.wordNumber { fast = Op.words(x, y) }
            if case .amount(.small(let p)) = a, case .amount(.small(let q)) = b, let w = Op.amountWords(p, q) {
                fast = .amount(.small(w))
            }
            if case .amount(.small(let p)) = a, case .int(let k) = b, let w = Op.amountAndInt(p, k) {
                fast = .amount(.small(w))
            }
            guard let fast else { return false }
            let general = Result { try NumberOps.binary(op, a, b) }
            XCTAssertEqual("\(fast.typeName) \(ValueFormat.printed(fast))", printed(general),
                           "\(ValueFormat.printed(a)) \(op.rawValue) \(ValueFormat.printed(b))")
            if case .dec(let d) = fast { assertCanonical(d, "\(a) \(op.rawValue) \(b)") }
            if case .duration(let d) = fast { assertCanonical(d, "\(a) \(op.rawValue) \(b)") }
            return true
        }
        var fast = 0
        for _ in 0..<20_000 {
            let a = value(), b = value()
            if check(AddOperator.self, .add, a, b) { fast += 1 }
            if check(SubtractOperator.self, .sub, a, b) { fast += 1 }
            if check(MultiplyOperator.self, .mul, a, b) { fast += 1 }
        }
        XCTAssertGreaterThan(fast, 10_000, "the random shapes reach the word paths")
    }
}
