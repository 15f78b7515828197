#if canImport(FoundationEssentials)
import FoundationEssentials
import Glibc
#else
import Foundation
#endif
import OGPUScript
import OGPUKit
import OGPUPrimitives

/// The terminal's settings from before the prompt, for the signal handlers (a C function cannot
/// capture): restored on SIGTERM/SIGHUP while the prompt runs, then the signal does its default.
nonisolated(unsafe) private var promptTerminal: Int32 = -1
nonisolated(unsafe) private var promptSavedSettings = termios()

/// Reads a password from the controlling terminal with echo turned off, as `sudo` and `ssh` do,
/// so it works even when stdin carries a script.
///
/// The terminal is put in a mode where each key arrives as a byte and Ctrl-C / Ctrl-\ / Ctrl-Z do
/// not raise signals (ISIG off), so every way out — Enter, Ctrl-C, Ctrl-D, an error — passes
/// through the one place that restores the settings. SIGTERM and SIGHUP from outside restore them
/// in their handler before the process ends.
enum PasswordPrompt {
    static func read(prompt: String) throws -> Secret {
        let fd = open("/dev/tty", O_RDWR | O_NOCTTY)
        guard fd >= 0 else {
            throw CommandFailure(
                message: "--keystore needs a password: no terminal to ask on, so set OGPU_PASSWORD",
                exitCode: ExitStatus.usage)
        }
        defer { close(fd) }
        write(fd, prompt)

        var original = termios()
        let haveTermios = tcgetattr(fd, &original) == 0
        if haveTermios {
            promptSavedSettings = original
            promptTerminal = fd
            let restoreAndDie: @convention(c) (Int32) -> Void = { number in
                // Async-signal-safe calls only: tcsetattr, signal, raise.
                if promptTerminal >= 0 { tcsetattr(promptTerminal, TCSANOW, &promptSavedSettings) }
                signal(number, SIG_DFL)
                raise(number)
            }
            signal(SIGTERM, restoreAndDie)
            signal(SIGHUP, restoreAndDie)
            var silent = original
            silent.c_lflag &= ~tcflag_t(ECHO | ICANON | ISIG | IEXTEN)
            withUnsafeMutablePointer(to: &silent.c_cc) {
                $0.withMemoryRebound(to: cc_t.self, capacity: Int(NCCS)) { cc in
                    cc[Int(VMIN)] = 1
                    cc[Int(VTIME)] = 0
                }
            }
            tcsetattr(fd, TCSAFLUSH, &silent)
        }
        defer {
            if haveTermios {
                tcsetattr(fd, TCSAFLUSH, &original)
                promptTerminal = -1
                signal(SIGTERM, SIG_DFL)
                signal(SIGHUP, SIG_DFL)
            }
        }

        // A fixed buffer, wiped whole at the end: a growing array would leave unwiped copies behind.
        var buffer = [UInt8](repeating: 0, count: 256)
        var length = 0
        defer { buffer.withUnsafeMutableBytes { if let b = $0.baseAddress { explicit_bzero(b, $0.count) } } }
        var byte: UInt8 = 0
        reading: while true {
            let n = Glibc.read(fd, &byte, 1)
            if n < 0, errno == EINTR { continue }
            if n <= 0 { break }
            switch byte {
            case UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                break reading
            case 0x03, 0x1C, 0x1A:  // Ctrl-C, Ctrl-\, Ctrl-Z: give up
                write(fd, "\n")
                throw CommandFailure(message: "interrupted at the password prompt", exitCode: ExitStatus.interrupted)
            case 0x04:  // Ctrl-D: end of input
                if length == 0 {
                    write(fd, "\n")
                    throw CommandFailure(message: "no password given", exitCode: ExitStatus.usage)
                }
                break reading
            case 0x7F, 0x08:  // Backspace: drop the last character (all of its UTF-8 bytes)
                while length > 0 {
                    length -= 1
                    if buffer[length] & 0xC0 != 0x80 { break }
                }
            case 0x15:  // Ctrl-U: start over
                length = 0
            default:
                if length < buffer.count { buffer[length] = byte; length += 1 }
            }
        }
        byte = 0
        write(fd, "\n")
        return Secret(bytes: buffer[0..<length])
    }

    private static func write(_ fd: Int32, _ text: String) {
        _ = text.withCString { Glibc.write(fd, $0, strlen($0)) }
    }
}
