import Foundation

/// Everything the command line and environment say about how to reach the network and how to sign
/// (docs/language.md §8), validated once at startup. The built-ins layer receives it through the engine.
struct CLIConfiguration: CustomStringConvertible {
    enum Network: Equatable {
        case named(String)   // "mainnet", "testnet", "local"
        case url(String)

        /// The short form the REPL prompt shows: the name, or host[:port] of a URL.
        var promptLabel: String {
            switch self {
            case .named(let name): return name
            case .url(let url):
                let withoutScheme = url.split(separator: "/", omittingEmptySubsequences: true)
                return withoutScheme.count > 1 ? String(withoutScheme[1]) : url
            }
        }

        var argument: String {
            switch self { case .named(let n): return n; case .url(let u): return u }
        }
    }

    enum Signer: CustomStringConvertible {
        /// No key given: on `local` the devnet's funded client account signs; elsewhere signing is a "key" error.
        case none
        case privateKey(Secret, origin: String)
        case keystore(path: String, password: Secret)

        var description: String {
            switch self {
            case .none: return "none"
            case .privateKey(_, let origin): return "private key (from \(origin))"
            case .keystore(let path, _): return "keystore \(path)"
            }
        }
    }

    static let networkNames = ["mainnet", "testnet", "local"]

    var network: Network = .named("local")
    var rpcURL: String? = nil
    var signer: Signer = .none
    var dryRun = false
    var json = false
    var color = false

    var description: String {
        "network: \(network.argument), rpc: \(rpcURL ?? "default"), signer: \(signer), dry-run: \(dryRun), json: \(json)"
    }

    static func parseNetwork(_ text: String) throws -> Network {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if networkNames.contains(trimmed.lowercased()) { return .named(trimmed.lowercased()) }
        if isHTTPURL(trimmed) { return .url(trimmed) }
        throw CommandFailure(
            message: "unknown network '\(trimmed)': use mainnet, testnet, local, or an http(s):// RPC URL",
            exitCode: ExitStatus.usage)
    }

    static func isHTTPURL(_ text: String) -> Bool {
        let lower = text.lowercased()
        for scheme in ["http://", "https://"] where lower.hasPrefix(scheme) {
            return lower.count > scheme.count && !lower.contains(" ")
        }
        return false
    }

    /// A private key is 32 bytes of hex, with or without `0x`. The message never repeats the input.
    static func validatePrivateKey(_ text: String, origin: String) throws -> Secret {
        var hex = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if hex.hasPrefix("0x") || hex.hasPrefix("0X") { hex.removeFirst(2) }
        guard hex.count == 64, hex.allSatisfy({ $0.isHexDigit }) else {
            throw CommandFailure(
                message: "the private key from \(origin) is not 32 bytes of hex (64 hex digits, optional 0x); it is not shown here",
                exitCode: ExitStatus.usage)
        }
        return Secret("0x" + hex.lowercased())
    }
}

