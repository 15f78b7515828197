#if canImport(FoundationEssentials)
import FoundationEssentials
import Glibc
#else
import Foundation
#endif
import OGPUPrimitives

/// The process's standard streams, written through C stdio so that `print`-style output, errors and
/// prompts stay in order. Everything the CLI and REPL show goes through here.
package enum Terminal {
    static var stdinIsTerminal: Bool { isatty(STDIN_FILENO) == 1 }
    static var stdoutIsTerminal: Bool { isatty(STDOUT_FILENO) == 1 }
    static var stderrIsTerminal: Bool { isatty(STDERR_FILENO) == 1 }

    /// The terminal's width in columns (80 when stdout is not a terminal or does not say).
    static var columns: Int {
        var size = winsize()
        if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
        return 80
    }

    static func write(_ text: String) {
        fputs(text, stdout)
        if stdoutIsTerminal { fflush(stdout) }
    }

    package static func writeError(_ text: String) {
        fflush(stdout)  // keep stdout and stderr in the order they were produced
        fputs(text, stderr)
        fflush(stderr)
    }

    static func flush() { fflush(stdout); fflush(stderr) }

    /// `$HOME` when set (so tests and sandboxes can move it), else the account's home directory.
    static var homeDirectory: String {
        if let home = environment("HOME"), !home.isEmpty { return home }
        return PathName.accountHome(nil) ?? "/"
    }

    static func environment(_ name: String) -> String? {
        guard let value = getenv(name) else { return nil }
        return String(cString: value)
    }
}

/// ANSI styling that disappears entirely when color is off.
struct Style {
    let enabled: Bool

    func bold(_ s: String) -> String { wrap(s, "1") }
    func dim(_ s: String) -> String { wrap(s, "2") }
    func red(_ s: String) -> String { wrap(s, "31") }
    func green(_ s: String) -> String { wrap(s, "32") }
    func yellow(_ s: String) -> String { wrap(s, "33") }
    func cyan(_ s: String) -> String { wrap(s, "36") }

    private func wrap(_ s: String, _ code: String) -> String {
        enabled ? "\u{1B}[\(code)m\(s)\u{1B}[0m" : s
    }
}
