/// Exit codes of the `ogpu` command (docs/language.md §7), following BSD sysexits where one fits.
enum ExitStatus {
    static let success: Int32 = 0
    static let usage: Int32 = 64          // EX_USAGE: bad command-line usage
    static let syntaxError: Int32 = 65    // EX_DATAERR: the script does not parse or resolve
    static let fileNotFound: Int32 = 66   // EX_NOINPUT: a script or keystore file cannot be opened
    static let runtimeError: Int32 = 70   // EX_SOFTWARE: an uncaught error while running
    static let interrupted: Int32 = 130   // 128 + SIGINT, as shells report it
}

/// A failure that ends the command with a message on stderr and a specific exit code.
struct CommandFailure: Error {
    let message: String
    let exitCode: Int32
}
