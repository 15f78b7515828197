import XCTest
@testable import OGPUScript

/// `for i in lo..hi` runs in `Compiler.loopOverRange`, with its own loop for one variable in a
/// slot. The same loops over a list literal of the same numbers (the general loop) must print
/// the same: every bound shape, `break`, `continue`, `return`, an error inside, a captured loop
/// variable (a cell), the two-variable form, and Int's limits.
final class RangeLoopTests: XCTestCase {
    func testRangeLoopsAgreeWithListLoops() {
        let bounds: [(Int, Int)] = [(0, 0), (0, 1), (0, 5), (3, 9), (-4, 3), (5, 2), (7, 7),
                                    (Int.max - 3, Int.max), (Int.min, Int.min + 3)]
        let bodies = [
            "print(i)",
            "if i % 3 == 0 { continue }\nprint(i)",
            "if i >= 4 { break }\nprint(i)",
            "if i == 2 { return \"ret {i}\" }\nprint(i)",
            "if i == 1 { let z = 1 / 0 }\nprint(i)",
            "fns = fns + [fn() { i }]\nprint(i)",
        ]
        var checked = 0
        for (lo, hi) in bounds {
            for inclusive in [false, true] {
                let upper = inclusive ? hi : hi - (hi == Int.min ? 0 : 1)
                let numbers = lo <= upper && !(hi == Int.min && !inclusive) ? Array(lo...upper) : []
                let list = "[" + numbers.map(String.init).joined(separator: ", ") + "]"
                for two in [false, true] {
                    for body in bodies {
                        func program(_ seq: String) -> String {
                            let head = two ? "for k, i in \(seq) {\nprint(k)" : "for i in \(seq) {"
                            return "fn f() {\nvar fns = []\n\(head)\n\(body)\n}\nprint(len(fns))\nfor g in fns { print(g()) }\n\"done\"\n}\nprint(f())\n"
                        }
                        let range = "\(lo)..\(inclusive ? "=" : "")\(hi)"
                        let r = outcomeText(program(range), place: .line)
                        XCTAssertEqual(r, outcomeText(program(list), place: .line), "\(range) two: \(two) body: \(body)")
                        XCTAssertFalse(r.contains("syntax") || r.contains("error name"), r)
                        checked += 1
                    }
                }
            }
        }
        XCTAssertEqual(checked, bounds.count * 2 * 2 * bodies.count)
    }
}
