import XCTest
@testable import OGPUScript

/// The word-number paths of the compiled `+ - *` (`WordNumber`, `IntArithmetic.words`,
/// `amountWords`): a constant taken apart at compile time, a slot read in place, a computed
/// value, against the same operator on two local slots (which has no word-number path and goes
/// to `Operators` for anything but two ints). Results, types and error messages must agree.
final class WordNumberTests: XCTestCase {
    private let operands = [
        "0", "3", "-7", "9223372036854775807", "-9223372036854775808", "100000000000000000000000",
        "1.05", "0.0005", "-2.5", "0.01", "1.5", "9223372036854775.807", "0.000000000000000001",
        "1s", "250ms", "0s", "-3s", "1.5s", "9223372036854775807ms", "-9223372036854775808ms", "wei(5)", "gwei(3)", "wei(0)", "ogpu(20)",
        "wei(9223372036854775807)", "2",
        "\"a\"", "nil", "[1]",
    ]

    func testEveryOperandShapeAgreesWithTwoSlots() {
        var checked = 0
        for a in operands {
            for b in operands {
                for op in ["+", "-", "*"] {
                    // The general form first, then: slot op constant, computed op constant,
                    // constant op computed, slot op computed, computed op computed.
                    let shapes = ["x \(op) y", "x \(op) \(b)", "id(x) \(op) \(b)", "\(a) \(op) id(y)",
                                  "x \(op) id(y)", "id(x) \(op) id(y)"]
                    let results = shapes.map { e in
                        outcomeText("fn id(v) { v }\nfn f() {\nvar x = \(a)\nvar y = \(b)\nlet r = \(e)\nprint(\"{r} {type(r)}\")\n}\nf()\n", place: .none)
                    }
                    for (shape, r) in zip(shapes.dropFirst(), results.dropFirst()) {
                        XCTAssertEqual(r, results[0], "\(shape) with x = \(a), y = \(b)")
                    }
                    checked += 1
                }
            }
        }
        XCTAssertEqual(checked, operands.count * operands.count * 3)
    }

    /// `x = x op c`, `x += e` on a local: the in-place update with a word number against the
    /// general assignment (`x = y op z` on two slots, `y` a copy of `x`).
    func testUpdatesAgreeWithTheGeneralAssignment() {
        for a in operands {
            for b in operands {
                for op in ["+", "-", "*"] {
                    func program(_ source: String) -> String {
                        "fn id(v) { v }\nfn f() {\nvar x = \(a)\nvar y = x\nvar z = \(b)\n\(source)\nprint(\"{x} {type(x)}\")\n}\nf()\n"
                    }
                    let general = outcomeText(program("x = y \(op) z"), place: .none)
                    XCTAssertEqual(outcomeText(program("x = x \(op) \(b)"), place: .none), general, "x = x \(op) \(b), x = \(a)")
                    XCTAssertEqual(outcomeText(program("x \(op)= id(\(b))"), place: .none), general, "x \(op)= id(\(b)), x = \(a)")
                }
            }
        }
    }

    /// `let p = …` and `x = …` run again over word numbers, amounts and values that hold
    /// references, in every order: each store sees the right value.
    func testStoresOverWordNumbers() {
        let values = ["3", "1.05", "250ms", "gwei(3)", "ogpu(20)", "100000000000000000000000", "\"text\"", "[1]", "nil",
                      "9223372036854775807ms * 10"]
        let list = values.joined(separator: ", ")
        let source = """
        fn f() {
          var x = 0
          for a in [\(list)] {
            for b in [\(list)] {
              let p = a
              x = p
              let q = b
              x = q
              print("{p} {x}")
            }
          }
        }
        f()
        """
        var expected = ""
        let printed = values.map { v in outcomeText("print(\(v))", place: .none) }
        for a in printed { for b in printed { expected += "\(a.dropLast()) \(b)" } }
        XCTAssertEqual(outcomeText(source, place: .none), expected)
    }

    /// The kinds that combine in words, and the ones left to the general path.
    func testKinds() {
        XCTAssertEqual(WordNumber.sumKind(.dec, .int), .dec)
        XCTAssertEqual(WordNumber.sumKind(.duration, .duration), .duration)
        XCTAssertNil(WordNumber.sumKind(.int, .int))
        XCTAssertNil(WordNumber.sumKind(.duration, .int))
        XCTAssertNil(WordNumber.sumKind(.dec, .duration))
        XCTAssertEqual(WordNumber.productKind(.int, .duration), .duration)
        XCTAssertNil(WordNumber.productKind(.duration, .duration))
        XCTAssertNil(WordNumber.productKind(.int, .int))
    }
}
