/// Exit codes of the `ogpu` command (docs/language.md §7), following BSD sysexits where one fits.
/// The one table: the language's outcomes (syntax error, runtime error, interrupt) and the
/// command's own (usage, unreadable file) are all defined here.
public enum ExitStatus {
    public static let success: Int32 = 0
    public static let usage: Int32 = 64          // EX_USAGE: bad command-line usage
    public static let syntaxError: Int32 = 65    // EX_DATAERR: the script does not parse or resolve
    public static let fileNotFound: Int32 = 66   // EX_NOINPUT: a script or keystore file cannot be opened
    public static let runtimeError: Int32 = 70   // EX_SOFTWARE: an uncaught error while running
    public static let interrupted: Int32 = 130   // 128 + SIGINT, as shells report it
}
