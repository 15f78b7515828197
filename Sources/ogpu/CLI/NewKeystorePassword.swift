import OGPUPrimitives
import OGPUScript

/// The password of a keystore `wallet_new` creates, the way `--keystore` gets one: from
/// `OGPU_PASSWORD` when it was set and no `--keystore` uses it, else asked at the terminal without echo — twice, since a
/// mistyped password would lock the new key away for good. Never from the script.
enum NewKeystorePassword {
    static func provider(fromEnvironment environment: Secret?) -> (String) throws -> Secret {
        { prompt in
            // A copy: the gateway wipes the secret it is given once the file is written.
            if let environment { return environment.withBytes { Secret(bytes: $0) } }
            let first: Secret, second: Secret
            do {
                first = try PasswordPrompt.read(prompt: prompt)
                do { second = try PasswordPrompt.read(prompt: "Repeat the password: ") } catch { first.wipe(); throw error }
            } catch let failure as CommandFailure {
                let noTerminal = failure.message.contains("no terminal")
                throw GatewayError(.key, noTerminal ? "wallet_new() needs a password: there is no terminal to ask on, so set OGPU_PASSWORD (with --keystore, that is the signing keystore's and never reused)"
                                                    : "wallet_new(): \(failure.message); nothing was written")
            }
            defer { second.wipe() }
            let same = first.withBytes { a in second.withBytes { b in a.count == b.count && a.elementsEqual(b) } }
            guard same else {
                first.wipe()
                throw GatewayError(.key, "wallet_new(): the two passwords differ; nothing was written")
            }
            return first
        }
    }
}
