/// Recognises input that carries a secret, so it is kept out of the REPL history and `:save` files.
enum SecretDetector {
    /// Words that introduce a secret in ogpu code or in a pasted shell line.
    private static let markers = ["private_key", "privatekey", "private-key", "password", "passwd",
                                  "passphrase", "mnemonic", "secret", "client_private_key", "ogpu_password",
                                  "apikey", "api_key", "api-key", "access_token", "token="]

    /// True when the text holds a 32-byte hex string (a private key's shape, with or without `0x`)
    /// or names a key or password. Transaction hashes share the shape and are skipped too: losing a
    /// history line is cheap, storing a key is not.
    static func containsSecret(_ text: String) -> Bool {
        let lower = text.lowercased()
        if markers.contains(where: { lower.contains($0) }) { return true }
        if hasURLCredentials(lower) { return true }
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

    /// A URL with a user or password in it (`https://user:key@host/…`).
    private static func hasURLCredentials(_ lower: String) -> Bool {
        var rest = lower[...]
        while let scheme = rest.firstRange(of: "://") {
            let authority = rest[scheme.upperBound...].prefix { !"/?#\"' ".contains($0) }
            if authority.contains("@") { return true }
            rest = rest[scheme.upperBound...]
        }
        return false
    }
}
