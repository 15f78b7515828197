import Foundation

/// Reads a password from the controlling terminal with echo turned off, as `sudo` and `ssh` do,
/// so it works even when stdin carries a script.
enum PasswordPrompt {
    static func read(prompt: String) throws -> Secret {
        let fd = open("/dev/tty", O_RDWR | O_NOCTTY)
        guard fd >= 0 else {
            throw CommandFailure(
                message: "--keystore needs a password: no terminal to ask on, so set OGPU_PASSWORD",
                exitCode: ExitStatus.usage)
        }
        defer { close(fd) }
        _ = prompt.withCString { Foundation.write(fd, $0, strlen($0)) }

        var original = termios()
        let haveTermios = tcgetattr(fd, &original) == 0
        if haveTermios {
            var silent = original
            silent.c_lflag &= ~tcflag_t(ECHO)
            silent.c_lflag |= tcflag_t(ECHONL)
            tcsetattr(fd, TCSAFLUSH, &silent)
        }
        defer { if haveTermios { tcsetattr(fd, TCSAFLUSH, &original) } }

        var bytes: [UInt8] = []
        var byte: UInt8 = 0
        while Foundation.read(fd, &byte, 1) == 1, byte != UInt8(ascii: "\n") {
            if byte != UInt8(ascii: "\r") { bytes.append(byte) }
        }
        let password = String(decoding: bytes, as: UTF8.self)
        // Overwrite our copy of the bytes; the Secret keeps the only remaining one.
        for i in bytes.indices { bytes[i] = 0 }
        return Secret(password)
    }
}
