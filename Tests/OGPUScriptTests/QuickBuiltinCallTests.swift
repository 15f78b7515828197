import XCTest
@testable import OGPUScript

/// A one-argument built-in with a quick form, called by its name with a computed argument
/// (`gwei(i % 1000)`: its own closure, the full call out of line) against the same call with the
/// argument in a local (the general quick-call closure): results, errors and their locations.
final class QuickBuiltinCallTests: XCTestCase {
    func testComputedArgumentAgreesWithALocal() {
        let arguments = ["3", "0", "-1", "1.5", "0.0000000001", "\"2.5\"", "\"x\"", "nil", "gwei(1)",
                         "9223372036854775807", "100000000000000000000", "[1]"]
        var checked = 0
        for name in ["gwei", "ogpu", "wei", "len", "str"] {
            for a in arguments {
                func program(_ call: String) -> String {
                    "fn id(v) { v }\nfn f() {\nlet x = \(a)\nlet r = \(call)\nprint(\"{r}\")\n}\nf()\n"
                }
                // Same columns: `id(x)` and `x    ` (padded) start the argument at the same place.
                XCTAssertEqual(outcomeText(program("\(name)(id(x))")), outcomeText(program("\(name)(x    )")), "\(name)(\(a))")
                checked += 1
            }
        }
        XCTAssertEqual(checked, 60)
    }
}
