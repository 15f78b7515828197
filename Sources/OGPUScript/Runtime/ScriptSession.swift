#if canImport(FoundationEssentials)
import FoundationEssentials
import Glibc
#else
import Foundation
#endif
import OGPUKit
import OGPUPrimitives

public enum ScriptOutcome {
    case ok(Value?)
    case syntaxErrors([Diagnostic])
    case runtimeError(ScriptError)
}


/// One interpreter session: a script run, or a REPL whose globals live across inputs.
/// The CLI's entry point into the language.
public final class ScriptSession {
    let context: CallContext
    let globals: Globals

    public convenience init(host: ScriptHost, arguments: [String] = []) {
        self.init(host: host, arguments: arguments, builtins: Builtins.all)
    }

    /// A session with a chosen set of built-ins (sandboxed runs use a safe subset).
    init(host: ScriptHost, arguments: [String], builtins: [BuiltinFunction]) {
        #if DEBUG
        precondition(LanguageThread.tryEnter(), LanguageThread.violation("a session started"))
        defer { LanguageThread.leave() }
        #endif
        context = CallContext(host: host, arguments: arguments, baseDirectory: FileManager.default.currentDirectoryPath)
        globals = Globals(builtins: builtins, argumentSites: context.argumentSites)
        let args = globals.cell("args")
        args.value = .list(arguments.map { .string($0) })
        args.isDeclared = true
        context.cycles.track(globals)
    }

    /// A finished session frees everything its runs made, reference cycles included.
    deinit {
        let context = self.context
        LanguageThread.entry("a session ended") { BigStack.run { // freeing deeply nested values recurses
            context.cycles.breakCycles()
            context.imported = [:]
        } }
    }

    /// Parses and resolves all of `source` (reporting every syntax and resolve error), then runs it.
    public func runFile(source: String, path: String) -> ScriptOutcome {
        context.baseDirectory = PathName.directory(of: path)
        if context.baseDirectory.isEmpty { context.baseDirectory = FileManager.default.currentDirectoryPath }
        return run(source: source, file: path, directory: context.baseDirectory)
    }

    /// Runs one REPL input, keeping globals between inputs. `.ok` carries the value of a trailing
    /// expression statement (nil otherwise).
    /// `clearingInterrupt: false` keeps an interrupt raised before the run started: a notebook's
    /// interrupt that arrives after the cell was sent but before it began must still stop it (the
    /// kernel lowers the flag itself when the cell is announced). The REPL clears it: a Ctrl-C at
    /// the prompt must not stop the next line.
    public func runREPLInput(_ source: String, clearingInterrupt: Bool = true) -> ScriptOutcome {
        run(source: source, file: "<repl>", directory: FileManager.default.currentDirectoryPath,
            clearingInterrupt: clearingInterrupt)
    }

    /// Calls the built-in `name` with values, as a script's call would: the same argument checks,
    /// network client and guards. For callers holding typed data (the tools of `ogpu mcp`), so no
    /// source code is ever built from it. Clears a stale interrupt first, as each run does.
    public func callBuiltin(_ name: String, _ positional: [Value], named: [(name: String, value: Value)] = []) throws -> Value {
        guard let builtin = Builtins.all.first(where: { $0.name == name }) else {
            throw ScriptError(.name, "no built-in named `\(name)`")
        }
        context.clearInterrupt()
        var arguments = Arguments(callee: name, positional: positional, named: named)
        return try BigStack.run { () -> Result<Value, Error> in
            context.depth = 0
            return Result { try builtin.call(&arguments, context) }
        }.get()
    }

    /// Parse and resolve only: errors and warnings (names defined nowhere).
    public static func check(source: String, path: String) -> [Diagnostic] {
        LanguageThread.entry("a check") { BigStack.run {
            var parser = Parser(source: source, file: path)
            let program = parser.parseProgram()
            let compiler = Compiler(globals: Globals(builtins: Builtins.all), file: path,
                                    directory: PathName.directory(of: path))
            _ = compiler.globals.cell("args").isDeclared = true
            _ = compiler.compileProgram(program)
            let errors = (parser.diagnostics + compiler.diagnostics).sorted(by: Self.byPosition)
            return errors + compiler.undefinedNameWarnings()
        } }
    }

    /// True when a REPL input is unfinished: unclosed brackets or strings, or a trailing
    /// operator, `,`, `|>` or `=`.
    public static func inputIsIncomplete(_ source: String) -> Bool {
        Parser.isIncomplete(source)
    }

    /// Stops the running program at its next safe point with an `interrupted` error.
    /// On the evaluating thread only; another thread (a signal handler's) raises `interruptFlag`.
    public func interrupt() { context.interrupt() }

    /// The flag behind `interrupt()`, for other threads: raising it touches no reference count
    /// (OGPUScript is compiled with non-atomic reference counting). Valid while the session lives.
    public var interruptFlag: InterruptFlag { context.interruptFlag }

    /// Globals and built-ins, for completion.
    public var globalNames: [String] {
        globals.order.filter { globals.cells[$0]?.value != nil }
    }

    /// Runs `body` on a thread with a 1 GiB stack (at once when already on one). Freeing a value
    /// recurses as deep as it is nested, so a caller that may hold the last reference to a value
    /// (the REPL's echo, `--json`) renders and drops it in here.
    public static func onBigStack<T>(_ body: () -> T) -> T { BigStack.run(body) }

    /// REPL echo of a value (strings quoted, as inside lists).
    public func render(_ value: Value, color: Bool) -> String {
        ValueFormat.pretty(value, color: color)
    }

    // MARK: - Running

    static func byPosition(_ a: Diagnostic, _ b: Diagnostic) -> Bool {
        (a.location.line, a.location.column) < (b.location.line, b.location.column)
    }

    /// Bounds every later run: at most `steps` safe points (loop iterations and calls), calls
    /// nested at most `depth` deep, and no `import`. For robustness tests and fuzzing.
    func sandbox(steps: Int, depth: Int) {
        context.stepsLeft = steps
        context.maxDepth = depth
        context.allowImports = false
        sandboxSteps = steps
    }
    private var sandboxSteps: Int? = nil

    private func run(source: String, file: String, directory: String, clearingInterrupt: Bool = true) -> ScriptOutcome {
        LanguageThread.entry("a run") {
            runEntered(source: source, file: file, directory: directory, clearingInterrupt: clearingInterrupt)
        }
    }

    private func runEntered(source: String, file: String, directory: String, clearingInterrupt: Bool) -> ScriptOutcome {
        if clearingInterrupt { context.clearInterrupt() }
        if let sandboxSteps { context.stepsLeft = sandboxSteps }
        return BigStack.run { () -> ScriptOutcome in
            var parser = Parser(source: source, file: file)
            let program = parser.parseProgram()
            let compiler = Compiler(globals: globals, file: file, directory: directory)
            let code = compiler.compileProgram(program)
            let errors = (parser.diagnostics + compiler.diagnostics).filter { $0.severity == .error }
            if !errors.isEmpty { return .syntaxErrors(errors.sorted(by: Self.byPosition)) }
            let frame = Frame(slotCount: compiler.topLevelSlotCount, cellCount: compiler.topLevelCellCount,
                              captures: Frame.noCaptures, context: context)
            context.depth = 0
            // No call runs past the end of its run, so nothing borrows a rebound constant's
            // old function any more (see `GlobalCell.value`).
            defer { context.cycles.releaseRetiredFunctions() }
            do {
                return .ok(try code(frame))
            } catch let e as ScriptError {
                return .runtimeError(e)
            } catch {
                return .runtimeError(ScriptError(.io, "\(error)"))
            }
        }
    }
}

extension CallContext {
    /// `import "path.ogpu"`: runs the file once per session (in its own top-level namespace)
    /// and binds its top-level `let`/`fn` names into the importer.
    func importFile(_ path: String, from directory: String, into target: Globals, at loc: SourceLocation) throws {
        let full = path.hasPrefix("/") ? path : PathName.join(directory, path)
        let key = PathName.standardized(full)
        guard allowImports else { throw ScriptError(.io, "import is disabled in this session", at: loc) }
        let exports: [String: Value]
        if let done = imported[key] {
            exports = done
        } else {
            guard let source = try? String(contentsOfFile: key, encoding: .utf8) else {
                throw ScriptError(.io, "cannot read `\(path)` (looked for \(key))", at: loc)
            }
            imported[key] = [:] // a cycle imports nothing more
            var parser = Parser(source: source, file: path)
            let program = parser.parseProgram()
            let moduleGlobals = Globals(builtins: Builtins.all, argumentSites: argumentSites)
            cycles.track(moduleGlobals)
            let compiler = Compiler(globals: moduleGlobals, file: path, directory: PathName.directory(of: key))
            let code = compiler.compileProgram(program)
            let errors = (parser.diagnostics + compiler.diagnostics).filter { $0.severity == .error }
            if let first = errors.first {
                throw ScriptError(kind: "syntax", message: "in imported file: \(first.message)", location: first.location)
            }
            let frame = Frame(slotCount: compiler.topLevelSlotCount, cellCount: compiler.topLevelCellCount, captures: Frame.noCaptures, context: self)
            _ = try code(frame)
            var names: [String: Value] = [:]
            for s in program {
                switch s.kind {
                case .declaration(let n, true, _): names[n] = moduleGlobals.cell(n).value
                case .function(let d): names[d.name!] = moduleGlobals.cell(d.name!).value
                default: break
                }
            }
            imported[key] = names
            exports = names
        }
        for (n, v) in exports {
            let c = target.cell(n)
            c.value = v
            c.isDeclared = true
        }
    }
}

/// Runs work on a thread with a 1 GiB stack (reserved, not committed), so deep recursion in
/// scripts hits the `overflow` limit long before the native stack runs out.
private final class BigStackJob {
    var work: (() -> Void)?
    let starter: UInt
    init(starter: UInt, _ w: @escaping () -> Void) { self.starter = starter; work = w }
}

enum BigStack {
    static let size = 1 << 30

    /// On the threads `run` makes: the logical thread that started it (never 0), so a nested
    /// `run` goes on in place and `LanguageThread` counts the thread as its starter.
    private static let onBigStack: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key, nil)
        return key
    }()

    /// The thread this one runs for: its starter's when `run` made it, else itself.
    static var logicalThread: UInt {
        if let starter = pthread_getspecific(onBigStack) { return UInt(bitPattern: starter) }
        return UInt(pthread_self())
    }

    static func run<T>(_ body: () -> T) -> T {
        if pthread_getspecific(onBigStack) != nil { return body() }
        return withoutActuallyEscaping(body) { body in
            var result: T? = nil
            let job = BigStackJob(starter: logicalThread) { result = body() }
            let attr = UnsafeMutablePointer<pthread_attr_t>.allocate(capacity: 1)
            defer { attr.deallocate() }
            pthread_attr_init(attr)
            pthread_attr_setstacksize(attr, size)
            var thread = pthread_t()
            let box = Unmanaged.passRetained(job).toOpaque()
            let rc = pthread_create(&thread, attr, { raw in
                let job = Unmanaged<BigStackJob>.fromOpaque(raw!).takeRetainedValue()
                pthread_setspecific(BigStack.onBigStack, UnsafeRawPointer(bitPattern: job.starter))
                job.work?()
                return nil
            }, box)
            pthread_attr_destroy(attr)
            if rc != 0 {
                Unmanaged<BigStackJob>.fromOpaque(box).release()
                return body() // could not make a thread: run here (smaller limit applies)
            }
            pthread_join(thread, nil)
            return result!
        }
    }
}
