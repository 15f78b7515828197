import OGPUScript
/// What running some ogpu code came to, already rendered for the terminal, so the CLI and REPL need
/// no knowledge of the language's value and error types.
package enum RunResult {
    /// Ran to the end. `echo` is the REPL's rendering of a trailing expression's value, if any.
    case success(echo: String?)
    /// Did not run (syntax errors, exit 65) or stopped with an uncaught error (70) or an interrupt (130).
    /// `message` is the full report for stderr, ending in a newline.
    case failure(message: String, exitCode: Int32)

    var exitCode: Int32 {
        switch self {
        case .success: return ExitStatus.success
        case .failure(_, let code): return code
        }
    }
}

/// The outcome of `ogpu check` on one file.
struct CheckReport {
    var rendered: String
    var errors: Int
    var warnings: Int
}

/// A notebook cell's outcome: the rendered result, the error's kind and message when it failed,
/// and the kernel's rich rendering of its value.
struct CellOutcome<Display> {
    var result: RunResult
    var errorKind: String? = nil
    var errorMessage: String? = nil
    var display: Display? = nil
}
