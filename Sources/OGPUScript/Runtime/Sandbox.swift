/// Sandboxed runs of untrusted text: the libFuzzer target (`Fuzz/OGPUScriptFuzz`) and the
/// robustness tests push arbitrary bytes through lex → parse → resolve → evaluate with this.
///
/// A sandboxed run prints nothing and touches no file, network or environment:
/// - output goes to a host that only counts bytes;
/// - `import` is off, no network gateway is installed (the OpenGPU built-ins raise `"rpc"`), and
///   `env` is left out;
/// - `sleep`, `retry` backoff and other pauses take no time: each costs one step instead;
/// - every run is bounded: at most `steps` safe points (loop iterations and calls), calls
///   nested at most `depth` deep, and strings/lists no larger than `limitValueSizes` allows;
/// - reference cycles are collected every three closures that capture.
public enum Sandbox {
    /// `CallContext.storage` key whose presence makes pauses virtual (see `SystemBuiltins.pause`).
    static let storageKey = "ogpu.sandbox"

    /// Built-ins a sandboxed run may call: every one except those that read the machine's state.
    static let builtins: [BuiltinFunction] = Builtins.all.filter { $0.name != "env" }

    /// Lowers the process-wide caps on string, list and number sizes (`Operators.maxStringBytes`,
    /// `maxListCount`, `maxIntegerBits`) so that doubling and squaring loops fail fast instead
    /// of exhausting memory or time. Affects every session in the process: call once at the
    /// start of a fuzzing process.
    /// An entry into the language like a run (`LanguageThread`): no session may be running then.
    public static func limitValueSizes(stringBytes: Int, listCount: Int, integerBits: Int) {
        LanguageThread.entry("Sandbox.limitValueSizes") {
            Operators.maxStringBytes = stringBytes
            Operators.maxListCount = listCount
            Operators.maxIntegerBits = integerBits
        }
    }

    /// Runs `body` on a thread with a 1 GiB stack, as sessions run scripts. Sessions used inside
    /// it run in place instead of starting a thread of their own for each run: a fuzzer calls
    /// its driver in here, which makes thousands of runs a second cheaper.
    public static func onLargeStack<T>(_ body: () -> T) -> T { BigStack.run(body) }

    /// Checks, parses, resolves and runs `source` in a fresh sandboxed session, renders whatever
    /// came out (diagnostics, the error, or the value) as the CLI would, and ends the session.
    /// Returns the outcome and the rendered text.
    @discardableResult
    public static func run(_ source: String, file: String = "fuzz.ogpu", steps: Int = 20_000,
                           depth: Int = 300) -> (outcome: ScriptOutcome, rendered: String) {
        _ = ScriptSession.inputIsIncomplete(source)
        var rendered = ScriptSession.check(source: source, path: file)
            .map { $0.render(source: source, color: false) }.joined()
        let session = ScriptSession(host: NullHost(), arguments: ["fuzz"], builtins: builtins)
        session.context.storage[storageKey] = NullHost()
        session.sandbox(steps: steps, depth: depth)
        // Collect cycles every few closures (a run's own schedule waits for 10,000), so fuzzed
        // programs exercise the collector, and debug builds its self-checks.
        session.context.cycles.fixedBudget = 3
        let outcome = session.runFile(source: source, path: file)
        switch outcome {
        case .ok(let value?): rendered += session.render(value, color: true)
        case .ok(nil): break
        case .syntaxErrors(let ds): rendered += ds.map { $0.render(source: source, color: true) }.joined()
        case .runtimeError(let e): rendered += e.render(source: source, color: true)
        }
        return (outcome, rendered)
    }

    /// Output of a sandboxed run: counted, never written anywhere.
    final class NullHost: ScriptHost {
        var written = 0
        func write(_ text: String) { written &+= text.utf8.count }
        func writeError(_ text: String) { written &+= text.utf8.count }
        var isTerminal: Bool { false }
    }
}
