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

    override func setUp() {
        Operators.maxStringBytes = 1 << 20
        Operators.maxListCount = 1 << 16
    }

    override func tearDown() {
        Operators.maxStringBytes = 1 << 30
        Operators.maxListCount = 1 << 27
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
}
