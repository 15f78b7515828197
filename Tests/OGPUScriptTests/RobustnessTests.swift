import XCTest
@testable import OGPUScript

/// Bad input never crashes (TEAM.md): thousands of broken and random programs go through
/// lex → parse → resolve → evaluate with a step budget. A crash or hang fails the whole test
/// run; every run must end in an outcome, and errors must carry a location.
final class RobustnessTests: XCTestCase {
    /// Built-ins that cannot sleep, touch the network/files, or build huge values from small input.
    static let safeBuiltins: Set<String> = [
        "print", "len", "type", "str", "int", "dec", "bool", "keys", "values", "push", "abs", "round",
        "split", "upper", "lower", "trim", "starts_with", "ends_with", "json", "parse_json",
        "address", "now", "time", "error", "help", "ogpu", "gwei", "wei", "estimate_payment", "task",
    ]

    final class NullHost: ScriptHost {
        var written = 0
        func write(_ text: String) { written += text.utf8.count }
        func writeError(_ text: String) {}
        var isTerminal: Bool { false }
    }

    func sandboxedRun(_ source: String, _ name: String) -> ScriptOutcome {
        let builtins = Builtins.all.filter { RobustnessTests.safeBuiltins.contains($0.name) }
        let session = ScriptSession(host: NullHost(), arguments: [], builtins: builtins)
        session.sandbox(steps: 20_000, depth: 300)
        _ = ScriptSession.check(source: source, path: name)
        _ = ScriptSession.inputIsIncomplete(source)
        return session.runFile(source: source, path: name)
    }

    // Sizes capped as the fuzzer caps them: a mutation like `p = p ** 10` in a loop must fail
    // fast, not spend minutes multiplying million-bit numbers in a debug build.
    override func setUp() {
        Operators.maxStringBytes = 1 << 20
        Operators.maxListCount = 1 << 16
        Operators.maxIntegerBits = 1 << 16
    }

    override func tearDown() {
        Operators.maxStringBytes = 1 << 30
        Operators.maxListCount = 1 << 27
        Operators.maxIntegerBits = 64_000_000
    }

    func corpus() throws -> [String] {
        var out: [String] = []
        let root = Repository.root
        for dir in ["Tests/Scripts", "examples"] {
            guard let e = FileManager.default.enumerator(at: root.appendingPathComponent(dir), includingPropertiesForKeys: nil) else { continue }
            for case let f as URL in e where f.pathExtension == "ogpu" {
                let text = try String(contentsOf: f, encoding: .utf8)
                // Programs that sleep or need the network are not run here.
                if text.contains("sleep") || text.contains("publish") || text.contains("wait") { continue }
                out.append(text)
            }
        }
        return out
    }

    func testMutatedCorpusNeverCrashes() throws {
        let files = try corpus()
        guard !files.isEmpty else { return }
        var rng = SplitMix64(seed: 0xF022)
        let pieces = ["(", ")", "[", "]", "{", "}", "\"", "\"\"\"", "{x}", "|>", "=>", ",", ":", "\n", ";", "-", "**",
                      "let ", "var ", "fn ", "if ", "else ", "for ", "in ", "while ", "try ", "catch ", "throw ", "return ",
                      "break", "continue", "0x", "1e", "9999999999999999999999", "..", "..=", "\\", "\\u{", "é", "🚀", "#", "x", " "]
        var outcomes = [0, 0, 0]
        for i in 0..<1500 {
            var text = Array(files[rng.below(files.count)])
            for _ in 0..<(1 + rng.below(4)) {
                let at = text.isEmpty ? 0 : rng.below(text.count + 1)
                switch rng.below(3) {
                case 0: text.insert(contentsOf: pieces[rng.below(pieces.count)], at: at)
                case 1: if at < text.count { text.removeSubrange(at..<min(text.count, at + 1 + rng.below(8))) }
                default: // splice a chunk of another program
                    let other = Array(files[rng.below(files.count)])
                    if !other.isEmpty {
                        let s = rng.below(other.count)
                        text.insert(contentsOf: other[s..<min(other.count, s + rng.below(80))], at: at)
                    }
                }
            }
            switch sandboxedRun(String(text), "m\(i).ogpu") {
            case .ok: outcomes[0] += 1
            case .syntaxErrors(let d):
                outcomes[1] += 1
                XCTAssertFalse(d.isEmpty)
                for x in d { XCTAssertGreaterThanOrEqual(x.location.line, 1) }
            case .runtimeError: outcomes[2] += 1
            }
        }
        print("Robustness: 1500 mutated programs → ok \(outcomes[0]), syntax errors \(outcomes[1]), runtime errors \(outcomes[2])")
    }

    func testDerivedProgramsRunWithinBudget() throws {
        let g = try EBNF.ogpu()
        var rng = SplitMix64(seed: 0x5EED)
        for i in 0..<400 {
            var gen = ProgramGenerator(grammar: g, rng: rng)
            let program = gen.program()
            rng = gen.rng
            if case .syntaxErrors(let d) = sandboxedRun(program, "g\(i).ogpu") {
                // Only resolve errors are possible here (the parser accepts every derived program).
                XCTAssertTrue(d.allSatisfy { !$0.message.hasPrefix("expected") }, "\(d)")
            }
        }
    }

    func testHostileInputs() {
        let cases = [
            String(repeating: "(", count: 100_000),
            String(repeating: "[", count: 50_000) + String(repeating: "]", count: 50_000),
            String(repeating: "-", count: 100_000) + "1",
            String(repeating: "not ", count: 50_000) + "true",
            String(repeating: "{", count: 20_000),
            "\"" + String(repeating: "{", count: 10_000),
            "fn f() { f() }\nf()",
            "var s = \"ab\"\nwhile true { s = s + s }",
            "var xs = [1]\nwhile true { xs = xs + xs }",
            "let x = 2 ** 99999999999",
            "for i in 0..9223372036854775807 { }",
            "for i in -9223372036854775807 - 1..-9223372036854775807 - 1 { print i }",
            "print 9223372036854775807 * 9223372036854775807 // -1 % 7",
            "print -9223372036854775807 - 1 // -1",
            "while true { }",
            "\u{0}\u{1}\u{FEFF}",
        ]
        for (i, c) in cases.enumerated() {
            _ = sandboxedRun(c, "hostile\(i).ogpu")
        }
    }
    // MARK: Findings of scripts/fuzz (libFuzzer over Sandbox.run)

    /// A list or map that holds itself twice at each of 60 levels is small in memory but 2^60
    /// elements when walked. Printing, `str`, `json` and the REPL echo stop at the size cap with
    /// an error; equality and ordering answer without walking every element.
    func testValuesThatHoldThemselvesStayCheap() {
        let out = output("""
            var a = [1]
            var b = [1]
            var m = {k: 1}
            for i in 0..60 {
              a = [a, a]
              b = [b, b]
              m = {x: m, y: m}
            }
            print a == a, a == b, m == m, [a, 1] < [b, 2], contains([b], a)
            try { str(a) } catch e { print e.kind, e.message }
            try { json(m) } catch e { print e.kind, e.message }
            try { print "{a}" } catch e { print e.kind }
            try { join([a, a], "") } catch e { print e.kind }
            """)
        XCTAssertEqual(out, """
            true true true true true
            value string too long (over 1048576 bytes)
            value json(): text too long (over 1048576 bytes)
            value
            value

            """)
        var a = Value.list([.int(1)])
        for _ in 0..<60 { a = .list([a, a]) }
        let echo = ValueFormat.pretty(.list([a]), width: 80)
        XCTAssertLessThan(echo.utf8.count, 2 << 20)
        XCTAssertTrue(echo.contains("…"), String(echo.suffix(40)))
    }

    /// The REPL echo of a list nested 20,000 deep: deeper than the width the rest stays on one
    /// line (indenting every level would be 400 million spaces; fits checks were quadratic).
    func testDeeplyNestedEchoIsLinear() {
        var v = Value.list([])
        for _ in 0..<20_000 { v = .list([v]) }
        let echo = BigStack.run { ValueFormat.pretty(v, width: 80) }
        XCTAssertLessThan(echo.utf8.count, 200_000)
        XCTAssertTrue(echo.hasPrefix("[\n  [\n    ["), String(echo.prefix(20)))
    }

    /// `replace`, `join`, `range` and loops over ranges respect the size caps instead of
    /// building gigabytes from a short program.
    func testBuiltinsRespectSizeCaps() {
        for (source, kind) in [
            ("let s = join(map(0..4000, x => \"a\"), \"\")\nlet big = join(map(0..1000, x => \"bbbbbbbbbb\"), \"\")\nprint len(replace(s, \"a\", big))", "value"),
            ("print len(range(100000))", "value"),
            ("print len(map(0..100000, x => x))", "value"),
        ] {
            guard case .runtimeError(let e) = sandboxedRunAll(source) else { XCTFail(source); continue }
            XCTAssertEqual(e.kind, kind, "\(source): \(e.message)")
        }
    }

    /// Squaring loops and huge powers stop at the integer-size cap with a "value" error instead
    /// of computing (and printing) numbers of millions of bits for minutes.
    func testNumberSizesAreCapped() {
        Operators.maxIntegerBits = 1 << 16
        defer { Operators.maxIntegerBits = 64_000_000 }
        for source in ["var x = 3\nfor i in 0..30 { x = x * x }", "print 7 ** 100000", "print 10 ** 5000000 % 7",
                       "var d = 1.5\nfor i in 0..40 { d = d * d }", "print 1.5 ** 100000"] {
            guard case .runtimeError(let e) = sandboxedRunAll(source) else { XCTFail(source); continue }
            XCTAssertEqual(e.kind, "value", "\(source): \(e.message)")
        }
        XCTAssertEqual(output("print 3 ** 100 * 3 ** 100 == 9 ** 100"), "true\n")
    }

    /// Sandboxed runs never wait: `sleep` and `retry`'s backoff cost a step instead of time.
    func testSandboxedPausesTakeNoTime() {
        let start = Date()
        let (outcome, _) = Sandbox.run("sleep 1h\nretry(3, backoff: 1h) { throw error(\"x\", \"y\") }")
        XCTAssertLessThan(Date().timeIntervalSince(start), 5)
        guard case .runtimeError(let e) = outcome else { return XCTFail("\(outcome)") }
        XCTAssertEqual(e.kind, "x")
    }

    /// Reference cycles (a local function calling itself, mutual recursion, a closure stored in
    /// the map it captures, top-level functions and their global cells) are freed when the
    /// session ends; before the cycle breaker every one of them leaked (LeakSanitizer found them).
    func testFinishedSessionFreesReferenceCycles() {
        weak var local: Closure?, global: Closure?, inMap: Closure?
        do {
            let session = ScriptSession(host: CapturingHost())
            let outcome = session.runREPLInput("""
                fn top() { 1 }
                fn outer() {
                  fn count(k) { if k == 0 { return 0 }; return 1 + count(k - 1) }
                  count(3)
                  return count
                }
                fn holder() {
                  var m = {}
                  m.f = fn() { m }
                  return m
                }
                var keep = [outer(), holder()]
                """)
            guard case .ok = outcome else { return XCTFail("\(outcome)") }
            guard case .list(let kept)? = session.globals.cell("keep").value,
                  case .closure(let c) = kept[0], case .map(let m) = kept[1], case .closure(let f)? = m["f"],
                  case .closure(let t)? = session.globals.cell("top").value else { return XCTFail("no values") }
            local = c; inMap = f; global = t
            // Dropping the last reference from the script leaves the cycles alive until the end.
            _ = session.runREPLInput("keep = nil")
            XCTAssertNotNil(local)
            XCTAssertNotNil(inMap)
        }
        XCTAssertNil(local, "a local recursive function outlived its session")
        XCTAssertNil(inMap, "a closure stored in the map it captures outlived its session")
        XCTAssertNil(global, "a top-level function outlived its session")
    }

    /// Runs `source` the way the fuzzer does (every built-in but `env`, no gateway or imports).
    func sandboxedRunAll(_ source: String) -> ScriptOutcome { Sandbox.run(source).outcome }
}
