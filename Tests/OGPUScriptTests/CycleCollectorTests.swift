import XCTest
@testable import OGPUScript

/// The cycle collector (CycleCollector, CycleScan): cycles are freed while a session runs, never a
/// value something still reaches; a constant's replaced functions are freed at the end of the run
/// that replaced them; and a finished session frees everything.
final class CycleCollectorTests: XCTestCase {
    private func closure(_ outcome: ScriptOutcome) -> Closure? {
        guard case .ok(let v?) = outcome, case .closure(let c) = v else { return nil }
        return c
    }

    /// A session that collects after every `every` closures with captures (never when nil).
    private func session(collectingEvery every: Int?) -> (ScriptSession, CapturingHost) {
        let host = CapturingHost()
        let s = ScriptSession(host: host)
        s.context.cycles.fixedBudget = every ?? Int.max
        return (s, host)
    }

    private func rendered(_ outcome: ScriptOutcome, _ s: ScriptSession, file: StaticString = #filePath, line: UInt = #line) -> String? {
        switch outcome {
        case .ok(let v): return v.map { s.render($0, color: false) } ?? ""
        case .syntaxErrors(let d): XCTFail("syntax errors: \(d)", file: file, line: line)
        case .runtimeError(let e): XCTFail("\(e.kind): \(e.message) at \(e.location?.description ?? "?")", file: file, line: line)
        }
        return nil
    }

    // MARK: - While the session runs

    /// The cycle programs of the corpus (Tests/Scripts/closures/cycles_*.ogpu: cycles of every
    /// shape made in loops, recursion, built-in callbacks, error paths and iterators, then used)
    /// print what they expect when the collector runs at every closure, every few, and never; and
    /// when it runs often it does free cycles (so the comparison is not between two idle runs).
    func testCycleProgramsGiveTheSameAnswerWhateverTheCollectionSchedule() throws {
        let folder = Repository.root.appendingPathComponent("Tests/Scripts/closures")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .filter { $0.hasPrefix("cycles_") && $0.hasSuffix(".ogpu") }.sorted()
        XCTAssertGreaterThanOrEqual(files.count, 6)
        for name in files {
            let path = folder.appendingPathComponent(name).path
            let source = try String(contentsOfFile: path, encoding: .utf8)
            let expected = source.split(separator: "\n").filter { $0.hasPrefix("# expect: ") }
                .map { $0.dropFirst("# expect: ".count) + "\n" }.joined()
            // The large program once at every closure would scan its kept values 50,000 times.
            let schedules: [Int?] = name == "cycles_many.ogpu" ? [97, nil] : [1, 2, 7, nil]
            for every in schedules {
                let (s, host) = session(collectingEvery: every)
                let outcome = s.runFile(source: source, path: path)
                guard case .ok = outcome else {
                    XCTFail("\(name), collecting every \(every.map(String.init) ?? "never"): \(outcome)")
                    continue
                }
                XCTAssertEqual(host.out, expected, "\(name), collecting every \(every.map(String.init) ?? "never")")
                if every != nil {
                    XCTAssertGreaterThan(s.context.cycles.collections, 0, name)
                    XCTAssertGreaterThan(s.context.cycles.freedObjects, 0, "\(name): no cycle was freed")
                } else {
                    XCTAssertEqual(s.context.cycles.collections, 0, name)
                }
            }
        }
    }

    #if DEBUG
    /// Making 20,000 cycles leaves about as many closures alive as the collector's budget, not
    /// 20,000 (and without collections it would: the second half of the test shows the count
    /// can tell the difference).
    func testCyclesAreFreedWhileTheSessionRuns() {
        let program = """
        fn recursive(m) {
          fn again(n) { n == 0 ? m.f() : again(n - 1) }
          again
        }
        fn make(i) {
          var m = {i: i}
          m.f = fn() { m.i }
          m.again = recursive(m)
          m
        }
        var total = 0
        for i in 0..10000 { total += make(i).again(2) }
        total
        """
        for (every, bound) in [(500, 1_000), (nil, 20_000)] as [(Int?, Int)] {
            let (s, _) = session(collectingEvery: every)
            let before = Closure.liveCount
            XCTAssertEqual(rendered(s.runREPLInput(program), s), "49995000")
            let alive = Closure.liveCount - before
            if every != nil {
                XCTAssertLessThan(alive, bound, "cycles were not freed while the session ran")
                XCTAssertGreaterThanOrEqual(s.context.cycles.freedObjects, 19_000)
            } else {
                XCTAssertGreaterThanOrEqual(alive, bound, "without collections every cycle stays")
            }
        }
    }

    /// With the run's own schedule, 80,000 cycles leave at most about `minimumBudget` closures
    /// waiting: the budget follows what stays live, not what each scan found (garbage included),
    /// which once let it grow by half at every scan, and memory with it.
    func testTheDefaultScheduleKeepsGarbageBounded() {
        let s = ScriptSession(host: CapturingHost())
        XCTAssertNil(s.context.cycles.fixedBudget)
        let before = Closure.liveCount
        let program = "fn make(k) {\n var m = {k: k}\n m.get = fn() { m.k }\n m\n}\nvar t = 0\nfor i in 0..80000 { t += make(i).get() }\nt"
        XCTAssertEqual(rendered(s.runREPLInput(program), s), "3199960000")
        XCTAssertGreaterThanOrEqual(s.context.cycles.collections, 7)
        XCTAssertLessThanOrEqual(Closure.liveCount - before, CycleCollector.minimumBudget + 10)
    }

    /// A REPL redefinition frees the function it replaced (at the end of that input), whether it
    /// captured anything or not, while a value that still holds the old function keeps it working.
    func testReplacedFunctionsAreFreedWhenReplaced() {
        let (s, _) = session(collectingEvery: nil)
        XCTAssertEqual(rendered(s.runREPLInput("fn f(x) { x + 1 }\nlet keep = f\nkeep(1)"), s), "2")
        let before = Closure.liveCount
        for i in 0..<200 {
            _ = rendered(s.runREPLInput("fn f(x) { x + \(i) }"), s)
            _ = rendered(s.runREPLInput("let g = (fn(k) { x => x * k })(\(i))"), s)
            _ = rendered(s.runREPLInput("fn h() { var n = \(i)\n let inc = fn() { n += 1 }\n inc }"), s)
        }
        XCTAssertLessThanOrEqual(Closure.liveCount - before, 3, "replaced functions were kept")
        XCTAssertEqual(rendered(s.runREPLInput("[f(1), g(2), keep(1)]"), s), "[200, 398, 2]")
    }
    #endif

    /// A value that only the caller holds (a REPL result kept by the host, as the REPL's echo
    /// does) survives collections that run while other inputs make cycles.
    func testAValueHeldOnlyByTheHostSurvivesCollections() throws {
        let (s, _) = session(collectingEvery: 1)
        XCTAssertNotNil(rendered(s.runREPLInput("fn make(i) {\n var m = {i: i}\n m.f = fn() { m.i }\n m\n}"), s))
        guard case .ok(let kept?) = s.runREPLInput("make(41)"), case .map(let m) = kept, let f = m["f"] else {
            return XCTFail("no map")
        }
        XCTAssertEqual(rendered(s.runREPLInput("var t = 0\nfor i in 0..300 { t += make(i).f() }\nt"), s), "44850")
        XCTAssertGreaterThan(s.context.cycles.collections, 250)
        let v = try s.context.call(f, [])
        XCTAssertEqual(s.render(v, color: false), "41")
    }

    /// Closures a native built-in holds mid-call (the callback of `map`, the list it is building)
    /// survive a collection at every closure made inside the callback.
    func testValuesHeldByABuiltInMidCallSurvive() {
        let (s, _) = session(collectingEvery: 1)
        let program = """
        fn cell(v) {
          var c = {v: v}
          c.get = fn() { c.v }
          c
        }
        let outer = cell(1000)
        let made = map(range(0, 100), i => { let c = cell(i)
          let pick = fn() { outer.get() + c.get() + cell(0).get() }
          [c, pick] })
        sum(map(made, p => p[1]() - p[0].get()))
        """
        XCTAssertEqual(rendered(s.runREPLInput(program), s), "100000")
        XCTAssertGreaterThan(s.context.cycles.freedObjects, 0)
    }

    // MARK: - When the session ends

    func testCyclesAreFreedWhenTheSessionEnds() {
        weak var recursive: Closure?
        weak var inMap: Closure?
        weak var topLevel: Closure?
        do {
            let (s, _) = session(collectingEvery: nil)
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
