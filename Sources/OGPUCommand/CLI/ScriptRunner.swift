import OGPUScript

/// Runs a script file, `-e` code or stdin once and turns the outcome into an exit status (§7).
struct ScriptRunner {
    let configuration: CLIConfiguration
    let style: Style

    func runFile(path: String, arguments: [String]) -> Int32 {
        guard let source = SourceFile.read(path) else {
            var message = "ogpu: cannot open '\(path)': no such readable file\n"
            // `ogpu chek x.ogpu` reads as a script named "chek": point at the subcommand.
            if !path.contains("/"), !path.contains("."), editDistance(path, "check") <= 2 {
                message += "ogpu: did you mean `ogpu check`?\n"
            }
            Terminal.writeError(message)
            return ExitStatus.fileNotFound
        }
        return run(source: source, path: path, arguments: arguments)
    }

    func run(source: String, path: String, arguments: [String]) -> Int32 {
        ScriptHeap.tune()
        let engine = ScriptEngine(configuration: configuration, arguments: arguments, style: style)
        InterruptHandler.shared.install()
        let result = InterruptHandler.shared.whileRunning(onInterrupt: engine.interrupt) {
            engine.runFile(source: source, path: path)
        }
        Terminal.flush()
        switch result {
        case .success(let echo?): Terminal.write(echo + "\n")
        case .success(nil): break
        case .failure(let message, _): Terminal.writeError(message)
        }
        // The process exits right after (`OGPUCommand.main`): the session is kept, not torn down.
        // Its end frees every value the script left and breaks their cycles, on a thread of its
        // own (freeing recurses as deep as values nest), only for the kernel to drop the whole
        // heap a moment later. Nothing in it is visible: output is flushed above, and a send is
        // journaled when it is made, not at the end.
        ScriptRunner.finishedEngine = engine
        return result.exitCode
    }

    /// The last run's engine, kept until the process exits (see `run`).
    nonisolated(unsafe) private static var finishedEngine: ScriptEngine?
}
