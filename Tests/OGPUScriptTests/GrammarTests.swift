import XCTest
@testable import OGPUScript

/// Keeps `grammar/ogpu.ebnf` and the parser in agreement: programs derived at random from the
/// EBNF must parse; mutations that break bracket balance or put a keyword where a name must be
/// must be rejected with a located error. Also parses every test program and example.
final class GrammarTests: XCTestCase {
    func testGrammarDefinesEveryRuleItUses() throws {
        let g = try EBNF.ogpu()
        let tokens: Set<String> = ["IDENT", "KEYWORD", "INT", "DEC", "DURATION", "ADDRESS", "STRING", "NEWLINE"]
        for (name, rule) in g.rules {
            for ref in rule.references() where !tokens.contains(ref) {
                XCTAssertNotNil(g.rules[ref], "rule `\(name)` uses undefined `\(ref)`")
            }
        }
        XCTAssertNotNil(g.rules["program"])
        // Every operator the lexer knows appears in the grammar, and vice versa.
        let ops: Set<String> = ["+", "-", "*", "/", "//", "%", "**", "==", "!=", "<", "<=", ">", ">=", "..", "..=",
                                "|>", "=>", "=", "+=", "-=", "*=", "/=", "(", ")", "[", "]", "{", "}", ",", ".", ":", ";", "?"]
        let literals = g.rules.values.reduce(into: Set<String>()) { $0.formUnion($1.literals()) }
        let keywords = Set(Keyword.allCases.map(\.rawValue))
        XCTAssertEqual(literals.subtracting(keywords), ops)
        XCTAssertEqual(literals.intersection(keywords), keywords.subtracting([]))
    }

    func testDerivedProgramsParse() throws {
        var accepted = 0
        try forEachDerivedProgram(400, seed: 0x0615) { i, tokens, _ in
            let program = ProgramGenerator.join(tokens)
            if let d = diagnostics(program, file: "gen\(i).ogpu").first {
                XCTFail("derived program \(i) rejected: \(d)\n---\n\(program)\n---")
                return false
            }
            accepted += 1
            return true
        }
        XCTAssertEqual(accepted, 400)
    }

    func testMutatedProgramsAreRejectedWithALocation() throws {
        var checked = 0
        try forEachDerivedProgram(300, seed: 0xBAD) { i, tokens, rng in
            guard let mutated = Mutation.apply(tokens, &rng) else { return true }
            let source = ProgramGenerator.join(mutated)
            let lines = source.split(separator: "\n", omittingEmptySubsequences: false).count
            guard let d = diagnostics(source, file: "mut\(i).ogpu").first else {
                XCTFail("mutation \(i) accepted:\n\(source)")
                return false
            }
            XCTAssertTrue(d.location.line >= 1 && d.location.line <= lines && d.location.column >= 1, "\(d)")
            checked += 1
            return true
        }
        XCTAssertGreaterThan(checked, 200)
    }

    /// Derives `count` programs from the grammar with one seeded random stream (so failures reproduce),
    /// handing `body` each program's tokens and the stream; `body` returns false to stop.
    private func forEachDerivedProgram(_ count: Int, seed: UInt64,
                                       _ body: (Int, [String], inout SplitMix64) -> Bool) throws {
        let g = try EBNF.ogpu()
        var rng = SplitMix64(seed: seed)
        for i in 0..<count {
            var gen = ProgramGenerator(grammar: g, rng: rng)
            let tokens = gen.programTokens()
            rng = gen.rng
            if !body(i, tokens, &rng) { return }
        }
    }

    /// The parser's diagnostics for `source` (syntax only; no resolving).
    private func diagnostics(_ source: String, file: String) -> [Diagnostic] {
        var parser = Parser(source: source, file: file)
        _ = parser.parseProgram()
        return parser.diagnostics
    }

    func testEveryTestProgramAndExampleParses() throws {
        let fm = FileManager.default
        var files: [URL] = []
        for dir in ["Tests/Scripts", "examples"] {
            let url = Repository.root.appendingPathComponent(dir)
            guard let e = fm.enumerator(at: url, includingPropertiesForKeys: nil) else { continue }
            for case let f as URL in e where f.pathExtension == "ogpu" { files.append(f) }
        }
        for f in files {
            let source = try String(contentsOf: f, encoding: .utf8)
            let expectsSyntaxError = source.contains("# exit: 65")
            if expectsSyntaxError { // a parse error, or a resolve error (which counts as one, §7)
                let all = ScriptSession.check(source: source, path: f.lastPathComponent).filter { $0.severity == .error }
                XCTAssertFalse(all.isEmpty, "\(f.path) expects a syntax error")
            } else if let d = diagnostics(source, file: f.lastPathComponent).first {
                XCTFail("\(f.path): \(d)")
            }
        }
        print("GrammarTests: parsed \(files.count) .ogpu files")
    }
}
