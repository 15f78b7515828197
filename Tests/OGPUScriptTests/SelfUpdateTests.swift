import XCTest
@testable import OGPUScript

/// `x = x + e` (`-`, `*`) on a local is compiled to one in-place update of the slot (see
/// `Compiler.selfUpdateSlot`). Differential: every operand shape gives what the same
/// expression gives when it does not read the target (`x = y + e`, with `y` a copy of `x` and
/// the same columns), results, types, error messages and locations included.
final class SelfUpdateTests: XCTestCase {
    private let operands = [
        "0", "7", "-3", "9223372036854775807", "-9223372036854775808", "1.25", "0.01", "-0.0005",
        "2s", "250ms", "wei(5)", "gwei(3)", "ogpu(0.01)", "\"a\"", "[1]", "nil", "true",
        "100000000000000000000000",
    ]


    func testSelfUpdateAgreesWithTheGeneralAssignment() {
        var checked = 0
        for a in operands {
            for b in operands {
                for op in ["+", "-", "*"] {
                    // The right operand as a constant, a local and a computed value.
                    for (setup, rhs) in [("", b), ("let b = \(b)\n", "b"), ("", "(\(b))")] {
                        func program(_ source: String) -> String {
                            "fn f() {\nvar x = \(a)\nvar y = x\n\(setup)\(source)\nprint(\"{x} {type(x)}\")\n}\nf()\n"
                        }
                        let fused = outcomeText(program("x = x \(op) \(rhs)"))
                        let general = outcomeText(program("x = y \(op) \(rhs)"))
                        XCTAssertEqual(fused, general, "\(a) \(op) \(rhs)")
                        checked += 1
                    }
                }
            }
        }
        XCTAssertEqual(checked, operands.count * operands.count * 9)
    }

    /// A constant stays a constant: the update is not taken and the error is the assignment's.
    func testSelfUpdateOfAConstantIsStillRejected() {
        let errors = syntaxErrors("fn f() {\nlet x = 1\nx = x + 1\n}\n")
        XCTAssertEqual(errors.count, 1)
        XCTAssertEqual(errors.first?.message, "cannot assign to `x`: it is a constant")
    }
}
