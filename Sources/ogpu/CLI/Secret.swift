/// A private key or password. It prints as `<redacted>` in every form Swift can print it
/// (interpolation, `print`, `dump`, debugger descriptions), so it cannot leak through a log line or
/// an error message by accident; only `reveal()` hands the text to the code that signs with it.
struct Secret: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable, Equatable {
    private let value: String

    init(_ value: String) { self.value = value }

    func reveal() -> String { value }

    var description: String { "<redacted>" }
    var debugDescription: String { "<redacted>" }
    var customMirror: Mirror { Mirror(self, children: [:]) }
}

/// Recognises input that carries a secret, so it is kept out of the REPL history and `:save` files.
enum SecretDetector {
    /// Words that introduce a secret in ogpu code or in a pasted shell line.
    private static let markers = ["private_key", "privatekey", "private-key", "password", "passwd",
                                  "passphrase", "mnemonic", "secret", "client_private_key", "ogpu_password"]

    /// True when the text holds a 32-byte hex string (a private key's shape, with or without `0x`)
    /// or names a key or password. Transaction hashes share the shape and are skipped too: losing a
    /// history line is cheap, storing a key is not.
    static func containsSecret(_ text: String) -> Bool {
        let lower = text.lowercased()
        if markers.contains(where: { lower.contains($0) }) { return true }
        var run = 0
        for scalar in lower.unicodeScalars {
            if ("0"..."9").contains(scalar) || ("a"..."f").contains(scalar) {
                run += 1
                if run >= 64 { return true }
            } else {
                run = 0
            }
        }
        return false
    }
}
