import XCTest
@testable import OGPUScript

/// Bad input never crashes: thousands of broken and random programs go through
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
        /// The first few kilobytes written, for tests that check the output.
        var text = ""
        func write(_ text: String) {
            if written < 4096 { self.text += text }
            written += text.utf8.count
        }
        func writeError(_ text: String) {}
        var isTerminal: Bool { false }
    }

    func sandboxedRun(_ source: String, _ name: String, host: NullHost = NullHost()) -> ScriptOutcome {
        let builtins = Builtins.all.filter { RobustnessTests.safeBuiltins.contains($0.name) }
        let session = ScriptSession(host: host, arguments: [], builtins: builtins)
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
            case .runtimeError(let e):
                outcomes[2] += 1
                XCTAssertNotNil(e.location, "a runtime error without a place: \(e.kind): \(e.message)")
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

    /// Each hostile input ends in the outcome a user should see: a syntax error or a runtime error
    /// of the right kind at a place in the source, or the right output — never a crash or a hang.
    func testHostileInputs() {
        enum Expected {
            case output(String)
            case syntax(String)          // the first diagnostic's message starts with this
            case runtime(String, String) // kind, message prefix
        }
        let cases: [(String, Expected)] = [
            (String(repeating: "(", count: 100_000), .syntax("expression nested too deeply (more than 200 levels)")),
            (String(repeating: "[", count: 50_000) + String(repeating: "]", count: 50_000), .syntax("expression nested too deeply")),
            (String(repeating: "-", count: 100_000) + "1", .syntax("expression nested too deeply")),
            (String(repeating: "not ", count: 50_000) + "true", .syntax("expression nested too deeply")),
            (String(repeating: "{", count: 20_000), .syntax("expected `}` to close this block")),
            ("\"" + String(repeating: "{", count: 10_000), .syntax("unclosed `{` in string interpolation")),
            ("fn f() { f() }\nf()", .runtime("overflow", "recursion deeper than 300 calls")),
            ("var s = \"ab\"\nwhile true { s = s + s }", .runtime("value", "string too long")),
            ("var xs = [1]\nwhile true { xs = xs + xs }", .runtime("value", "list too long")),
            ("let x = 2 ** 99999999999", .runtime("value", "`**` result too large")),
            ("for i in 0..9223372036854775807 { }", .runtime("interrupted", "step budget exhausted")),
            ("for i in -9223372036854775807 - 1..-9223372036854775807 - 1 { print i }", .output("")),
            ("print 9223372036854775807 * 9223372036854775807 // -1 % 7", .output("0\n")),
            ("print -9223372036854775807 - 1 // -1", .output("-9223372036854775806\n")),
            ("while true { }", .runtime("interrupted", "step budget exhausted")),
            ("\u{0}\u{1}\u{FEFF}", .syntax("unexpected character")),
        ]
        for (i, (source, expected)) in cases.enumerated() {
            let host = NullHost()
            let outcome = sandboxedRun(source, "hostile\(i).ogpu", host: host)
            let what = "case \(i) (\(source.prefix(40))…)"
            switch (outcome, expected) {
            case (.ok, .output(let text)):
                XCTAssertEqual(host.text, text, what)
            case (.syntaxErrors(let d), .syntax(let message)):
                XCTAssertTrue(d.first?.message.hasPrefix(message) == true, "\(what): \(d.first?.message ?? "none")")
                XCTAssertTrue(d.allSatisfy { $0.location.file == "hostile\(i).ogpu" && $0.location.line >= 1 }, what)
            case (.runtimeError(let e), .runtime(let kind, let message)):
                XCTAssertEqual(e.kind, kind, what)
                XCTAssertTrue(e.message.hasPrefix(message), "\(what): \(e.message)")
                XCTAssertEqual(e.location?.file, "hostile\(i).ogpu", what)
            default:
                XCTFail("\(what): expected \(expected), got \(outcome)")
            }
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
