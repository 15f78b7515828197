#if canImport(FoundationEssentials)
import FoundationEssentials
import Glibc
#else
import Foundation
#endif
import OGPUKit
import OGPUPrimitives

/// The mainnet confirmation, as a hardware wallet shows it: what will be signed (call, contract,
/// payment, value, maximum fee), then `[y/N]` on the controlling terminal. Only `y`/`yes` signs;
/// Enter, anything else, end of input or Ctrl-C declines.
///
/// Asked only in an interactive session (stdin is a terminal and `/dev/tty` opens): a script run
/// from a pipe or a service has nobody to ask, so `SpendingPolicy` refuses mainnet there unless
/// `--yes` was given.
enum SigningConfirmation {
    /// The prompt for this session, or nil when there is nobody to ask.
    static func prompt(interrupt: InterruptFlag?, color: Bool) -> ((SigningSummary) -> Bool)? {
        guard Terminal.stdinIsTerminal else { return nil }
        let probe = open("/dev/tty", O_RDWR | O_NOCTTY)
        guard probe >= 0 else { return nil }
        close(probe)
        return { summary in ask(summary, interrupt: interrupt, color: color) }
    }

    /// The same question for a message signed with the key on mainnet (`sign_message`).
    static func messagePrompt(interrupt: InterruptFlag?, color: Bool) -> (([String]) -> Bool)? {
        guard prompt(interrupt: interrupt, color: color) != nil else { return nil }
        return { lines in ask(lines, question: "Sign this message? [y/N] ", interrupt: interrupt, color: color) }
    }

    static func ask(_ summary: SigningSummary, interrupt: InterruptFlag?, color: Bool) -> Bool {
        ask(summary.lines, question: summary.dryRun ? "Sign this transaction? [y/N] " : "Sign and send this transaction? [y/N] ",
            interrupt: interrupt, color: color)
    }

    static func ask(_ lines: [String], question: String, interrupt: InterruptFlag?, color: Bool) -> Bool {
        let fd = open("/dev/tty", O_RDWR | O_NOCTTY)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        Terminal.flush()
        let style = Style(enabled: color)
        var text = lines.enumerated().map { $0 == 0 ? style.bold($1) : $1 }.joined(separator: "\n")
        text += "\n" + style.yellow(question)
        write(fd, text)
        guard let answer = readLine(fd, interrupt: interrupt) else {
            write(fd, "\n")
            return false
        }
        return ["y", "yes"].contains(answer.trimmingWhitespace().lowercased())
    }

    /// One line from the terminal; nil on end of input or when Ctrl-C raises `interrupt` (the
    /// session's flag stays raised, so the evaluation then stops as interrupted).
    private static func readLine(_ fd: Int32, interrupt: InterruptFlag?) -> String? {
        var bytes: [UInt8] = []
        while true {
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, 100)
            if interrupt?.isRaised == true { return nil }
            if ready < 0 { if errno == EINTR { continue }; return nil }
            if ready == 0 { continue }
            var byte: UInt8 = 0
            let n = read(fd, &byte, 1)
            if n < 0, errno == EINTR { continue }
            if n <= 0 { return nil }
            if byte == UInt8(ascii: "\n") { return String(decoding: bytes, as: UTF8.self) }
            if bytes.count < 64 { bytes.append(byte) }
        }
    }

    private static func write(_ fd: Int32, _ text: String) {
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n <= 0 { if errno == EINTR { continue }; return }
            offset += n
        }
    }
}
