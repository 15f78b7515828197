import XCTest
@testable import OGPUScript

/// A finished session frees what its runs made, reference cycles included (CycleBreaker), and a
/// closure without a cycle is freed as soon as the script drops it, while the session still runs.
final class CycleBreakerTests: XCTestCase {
    private func closure(_ outcome: ScriptOutcome) -> Closure? {
        guard case .ok(let v?) = outcome, case .closure(let c) = v else { return nil }
        return c
    }

    func testCyclesAreFreedWhenTheSessionEnds() {
        weak var recursive: Closure?
        weak var inMap: Closure?
        weak var topLevel: Closure?
        do {
            let s = ScriptSession(host: CapturingHost())
            // A local function that calls itself captures the box holding it.
            recursive = closure(s.runREPLInput("fn outer() { fn f(n) { if n == 0 { return 0 }\n f(n - 1) }\n f }\nouter()"))
            // A map holding a closure that captures the map.
            inMap = closure(s.runREPLInput("fn make() { var m = {}\n m.f = fn() { m }\n m.f }\nmake()"))
            // A top-level function: its code holds the global cell that holds it.
            topLevel = closure(s.runREPLInput("fn top(n) { if n > 0 { top(n - 1) } else { 0 } }\ntop"))
            XCTAssertNotNil(recursive)
            XCTAssertNotNil(inMap)
            XCTAssertNotNil(topLevel)
        }
        XCTAssertNil(recursive, "a self-recursive local function outlived its session")
        XCTAssertNil(inMap, "a map/closure cycle outlived its session")
        XCTAssertNil(topLevel, "a top-level function outlived its session")
    }

    func testAClosureWithoutACycleIsFreedWhileTheSessionRuns() {
        let s = ScriptSession(host: CapturingHost())
        weak var adder: Closure?
        var held = closure(s.runREPLInput("fn make_adder(k) { x => x + k }\nmake_adder(2)"))
        adder = held
        XCTAssertNotNil(adder)
        held = nil
        XCTAssertNil(adder, "a dropped closure stayed alive until the session ended")
        guard case .ok(let v?) = s.runREPLInput("make_adder(40)(2)") else { return XCTFail("session broken") }
        XCTAssertEqual(s.render(v, color: false), "42")
    }

    func testAValueKeptAfterTheSessionStaysUsable() {
        var kept: Closure?
        do {
            let s = ScriptSession(host: CapturingHost())
            kept = closure(s.runREPLInput("fn make_adder(k) { x => x + k }\nmake_adder(2)"))
        }
        // The session is gone; freeing the closure must not touch its (freed) list.
        XCTAssertNotNil(kept)
        kept = nil
    }
}
