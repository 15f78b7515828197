import OGPUScript

/// The REPL's own commands, written with a leading `:` so they never clash with ogpu code.
struct MetaCommand {
    let name: String
    let aliases: [String]
    let usage: String
    let summary: String

    static let all: [MetaCommand] = [
        MetaCommand(name: ":help", aliases: [":h", ":?"], usage: ":help [name]",
                    summary: "this list, or the documentation of a built-in, keyword or command"),
        MetaCommand(name: ":vars", aliases: [], usage: ":vars", summary: "the names this session has defined, with their values"),
        MetaCommand(name: ":load", aliases: [], usage: ":load FILE", summary: "run a script file in this session, keeping its names"),
        MetaCommand(name: ":save", aliases: [], usage: ":save FILE",
                    summary: "write this session's successful inputs as a script, owner-only (lines with secrets are left out)"),
        MetaCommand(name: ":reset", aliases: [], usage: ":reset", summary: "forget every name defined in this session"),
        MetaCommand(name: ":network", aliases: [], usage: ":network [name|url]",
                    summary: "show the network, or switch to mainnet, testnet, local or an RPC URL"),
        MetaCommand(name: ":quit", aliases: [":q", ":exit"], usage: ":quit", summary: "leave the REPL (Ctrl-D does too)"),
    ]

    static var allNames: [String] { all.map(\.name) }

    static func find(_ word: String) -> MetaCommand? {
        all.first { $0.name == word || $0.aliases.contains(word) }
    }

    /// The known command nearest to a mistyped one, when it is near enough to be a typo.
    static func closest(to word: String) -> MetaCommand? {
        let scored = all.map { ($0, editDistance(word, $0.name)) }.min { $0.1 < $1.1 }
        guard let (command, distance) = scored, distance <= max(2, word.count / 2) else { return nil }
        return command
    }

    static func helpText(style: Style) -> String {
        var lines = [style.bold("Commands")]
        let width = all.map(\.usage.count).max() ?? 0
        for c in all { lines.append("  " + c.usage.padded(to: width + 2) + c.summary) }
        lines += [
            "",
            style.bold("Keys"),
            "  Tab        complete keywords, built-ins, names, and properties after `.`",
            "  Ctrl-R     search history            Up/Down   previous/next input",
            "  Ctrl-C     discard the line, or interrupt a running evaluation (a wait, a loop)",
            "  Ctrl-D     leave (on an empty line)",
            "",
            "An unfinished line (open bracket or string, trailing operator or comma) continues on a `...` line.",
            "Lines starting with a space, and lines holding a key or password, are not saved in history.",
            "Type an expression to see its value; `help(\"publish\")` or `:help publish` documents a built-in.",
        ]
        return lines.joined(separator: "\n") + "\n"
    }
}
