/// Recognises the common command lines that use no option — `ogpu FILE [ARGS...]` and
/// `ogpu -e CODE [ARGS...]` — so that they run without ArgumentParser, whose parse reflects over
/// every option type at run time and was 30% of the instructions of `ogpu -e 1`.
///
/// It must read each line it accepts exactly as `OGPUCommand`'s ArgumentParser definition does, so it
/// accepts only what it can read with certainty and returns nil for everything else (any other
/// option, `-`, `--`, subcommand names, help and completion requests, no arguments), which then goes
/// the ArgumentParser way. What ArgumentParser does, and so what this mirrors:
/// - `scriptArguments` captures for passthrough: parsing stops at the first positional word, which
///   is FILE (or, after `-e CODE`, the first of `args`); every word after it belongs to the script,
///   even words that look like options.
/// - But before parsing, every word up to a `--` is split into options, and a few shapes make that
///   fail (`---x`, `-=x`) or are acted on wherever they stand (`--generate-completion-script`).
///   A line holding one of those is left to ArgumentParser.
enum PlainCommandLine {
    /// The options for `arguments` (the command line without the program name), or nil when
    /// ArgumentParser has to read it.
    static func parse(_ arguments: [String]) -> CommandOptions? {
        guard let first = arguments.first else { return nil }   // REPL or stdin
        var options = CommandOptions()
        var rest = arguments[...]
        if first == "-e" {
            guard arguments.count >= 2, !arguments[1].hasPrefix("-") else { return nil }
            options.code = arguments[1]
            rest = arguments.dropFirst(2)
            if let next = rest.first, !isPlainWord(next) { return nil }
        } else {
            guard isPlainWord(first), !subcommandNames.contains(first) else { return nil }
        }
        guard let script = rest.first else { return options }
        let scriptArguments = rest.dropFirst()
        guard splitsCleanly(scriptArguments) else { return nil }
        options.script = script
        options.scriptArguments = Array(scriptArguments)
        return options
    }

    /// The words that name a subcommand in first place (an array: three comparisons, no hashing).
    private static let subcommandNames = ["check", "journal", "help"]

    /// A word that is certainly a positional value: not empty, no leading dash (that includes `-`
    /// for stdin and the `--` terminator, left to ArgumentParser).
    private static func isPlainWord(_ word: String) -> Bool {
        !word.isEmpty && !word.hasPrefix("-")
    }

    /// Whether ArgumentParser's up-front split of the words (up to a `--`) neither fails nor finds a
    /// completion-script request among them.
    private static func splitsCleanly(_ words: ArraySlice<String>) -> Bool {
        for word in words {
            if word == "--" { return true }          // the rest are values, never split
            guard word.hasPrefix("-"), word != "-" else { continue }
            if word.hasPrefix("---") || word.hasPrefix("-=") { return false }
            if word.contains("generate-completion-script") { return false }
        }
        return true
    }
}
