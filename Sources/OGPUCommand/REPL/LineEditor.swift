import CEditLine
#if canImport(FoundationEssentials)
import FoundationEssentials
import Glibc
#else
import Foundation
#endif
import OGPUPrimitives
import OGPUScript

/// A line editor on libedit: emacs keys, history with Ctrl-R search, tab completion, and Ctrl-C as
/// "discard this line". libedit calls back through C function pointers, which cannot capture, so
/// the single live editor is reached through `LineEditor.active`.
/// libedit is opened here, on first use (CEditLine's shim.h says why it is not linked).
final class LineEditor {
    enum Input {
        case line(String)
        case cancelled      // Ctrl-C: the line (and any pending continuation) is discarded
        case endOfInput     // Ctrl-D on an empty line
    }

    /// What Tab offers: the word being completed and the full words that may replace it.
    struct Completion {
        var word: String
        var candidates: [String]
    }

    nonisolated(unsafe) private static var active: LineEditor?

    /// libedit's entry points, opened once for the process; or why it could not be opened.
    static let library: Result<UnsafePointer<ogpu_edit>, LibraryMissing> = {
        let table = UnsafeMutablePointer<ogpu_edit>.allocate(capacity: 1)
        table.initialize(to: ogpu_edit())
        if let failure = ogpu_edit_load(table) {
            let reason = String(cString: failure)
            table.deallocate()
            return .failure(LibraryMissing(reason: reason))
        }
        return .success(UnsafePointer(table))
    }()

    struct LibraryMissing: Error { let reason: String }

    private let api: UnsafePointer<ogpu_edit>
    private let editLine: OpaquePointer
    private let history: OpaquePointer
    private let historyPath: String?
    private var promptBuffer: UnsafeMutablePointer<CChar>?
    private var cancelRequested = false
    var completer: ((String) -> Completion)?

    /// Fails when libedit cannot be opened (the REPL then reads plain lines).
    init(historyPath: String?, historySize: Int) throws(LibraryMissing) {
        let api = try LineEditor.library.get()
        setlocale(LC_CTYPE, "")  // multibyte (UTF-8) editing
        self.api = api
        editLine = ogpu_el_init(api, "ogpu")
        history = ogpu_history_init(api)
        self.historyPath = historyPath

        ogpu_history_set_size(api, history, Int32(clamping: historySize))
        ogpu_history_set_unique(api, history, 1)
        if let historyPath { ogpu_history_load(api, history, historyPath) }

        ogpu_el_set_editor(api, editLine, "emacs")
        ogpu_el_set_history(api, editLine, history)
        ogpu_el_set_prompt(api, editLine) { _ in LineEditor.active?.promptBuffer }
        // With ISIG off while editing, Ctrl-C arrives as a key we bind, instead of a signal that
        // would interrupt libedit mid-redraw. During evaluation the terminal is back in normal mode
        // and Ctrl-C is a SIGINT again (see InterruptHandler).
        ogpu_el_set_tty_edit_flag(api, editLine, "-isig")
        ogpu_el_add_function(api, editLine, "ogpu-complete", "complete the word before the cursor") { el, _ in
            LineEditor.active?.complete() ?? UInt8(CC_ERROR)
        }
        ogpu_el_add_function(api, editLine, "ogpu-cancel", "discard the current input") { _, _ in
            guard let editor = LineEditor.active else { return UInt8(CC_ERROR) }
            editor.cancelRequested = true
            return UInt8(CC_NEWLINE)
        }
        // With ISIG off, Ctrl-Z is a key too: leave the editor's terminal mode, stop like any job,
        // and redraw the line when continued (`fg`).
        ogpu_el_add_function(api, editLine, "ogpu-suspend", "suspend ogpu (fg resumes)") { el, _ in
            guard let api = LineEditor.active?.api else { return UInt8(CC_ERROR) }
            ogpu_el_prepare_terminal(api, el, 0)
            kill(0, SIGTSTP)
            ogpu_el_prepare_terminal(api, el, 1)
            return UInt8(CC_REDISPLAY)
        }
        ogpu_el_bind(api, editLine, "^Z", "ogpu-suspend")
        ogpu_el_bind(api, editLine, "^I", "ogpu-complete")
        ogpu_el_bind(api, editLine, "^C", "ogpu-cancel")
        ogpu_el_bind(api, editLine, "^R", "em-inc-search-prev")
        LineEditor.active = self
    }

    deinit {
        if LineEditor.active === self { LineEditor.active = nil }
        ogpu_el_end(api, editLine)
        ogpu_history_end(api, history)
        free(promptBuffer)
    }

    func read(prompt: String) -> Input {
        free(promptBuffer)
        promptBuffer = strdup(prompt)
        cancelRequested = false
        ogpu_el_resize(api, editLine)  // the window may have changed size while code ran
        var count: Int32 = 0
        guard let raw = ogpu_el_gets(api, editLine, &count), count > 0 else {
            if cancelRequested { return .cancelled }
            return .endOfInput
        }
        if cancelRequested { return .cancelled }
        var text = String(cString: raw)
        while text.hasSuffix("\n") || text.hasSuffix("\r") { text.removeLast() }
        return .line(text)
    }

    /// Adds an entry and saves the file at once, so history survives a killed session. The file is
    /// created private (0600): it holds what the user typed.
    func addToHistory(_ entry: String) {
        ogpu_history_enter(api, history, entry)
        guard let historyPath else { return }
        let fd = open(historyPath, O_WRONLY | O_CREAT, 0o600)
        if fd >= 0 { close(fd) }
        ogpu_history_save(api, history, historyPath)
        chmod(historyPath, 0o600)
    }

    private func complete() -> UInt8 {
        guard let completer, let info = ogpu_el_line(api, editLine)?.pointee else { return UInt8(CC_ERROR) }
        let length = info.cursor - info.buffer
        let before = String(decoding: UnsafeRawBufferPointer(start: info.buffer, count: length)
                                .bindMemory(to: UInt8.self), as: UTF8.self)
        if before.allSatisfy({ $0 == " " || $0 == "\t" }) {
            // Tab at the start of a line indents (pasted code keeps its shape).
            ogpu_el_insertstr(api, editLine, "    ")
            return UInt8(CC_REFRESH)
        }
        let completion = completer(before)
        let candidates = completion.candidates
        if candidates.isEmpty { return UInt8(CC_REFRESH_BEEP) }

        let common = Self.commonPrefix(candidates)
        if common.count > completion.word.count {
            ogpu_el_deletestr(api, editLine, Int32(completion.word.utf8.count))
            var insertion = common
            if candidates.count == 1, let c = candidates.first, !c.hasSuffix("/") { insertion = c + Self.suffix(after: c) }
            ogpu_el_insertstr(api, editLine, insertion)
            return UInt8(CC_REFRESH)
        }
        if candidates.count == 1 {
            let suffix = Self.suffix(after: candidates[0])
            if !suffix.isEmpty { ogpu_el_insertstr(api, editLine, suffix) }
            return UInt8(CC_REFRESH)
        }
        Terminal.write("\n" + Self.columns(candidates) + "\n")
        return UInt8(CC_REDISPLAY)
    }

    private static func suffix(after word: String) -> String {
        word.hasPrefix(":") ? " " : ""
    }

    static func commonPrefix(_ words: [String]) -> String {
        guard var prefix = words.first else { return "" }
        for word in words.dropFirst() {
            while !word.hasPrefix(prefix) { prefix.removeLast() }
        }
        return prefix
    }

    /// Candidates laid out in columns across an 80-column terminal, like a shell's listing.
    static func columns(_ words: [String], width: Int = 80) -> String {
        let cell = (words.map(\.count).max() ?? 0) + 2
        let perRow = max(1, width / cell)
        var lines: [String] = []
        var index = 0
        while index < words.count {
            let row = words[index..<min(index + perRow, words.count)]
            lines.append(row.map { $0.padded(to: cell) }.joined()
                            .trimmingWhitespace())
            index += perRow
        }
        return lines.joined(separator: "\n")
    }
}

extension String {
    /// Cut or padded with spaces to `width` characters (completion columns, the command list).
    func padded(to width: Int) -> String {
        count >= width ? String(prefix(width)) : self + String(repeating: " ", count: width - count)
    }
}
