import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
import Glibc
#else
import Foundation
#endif
import OGPUScript
import OGPUKit
import OGPUPrimitives

/// `ogpu journal`: what the send journal holds, and recovery after an interrupted session.
///
/// Every transaction ogpu signs is written to the journal (and fsync'd) before it is sent. After a
/// Ctrl-C, crash or lost connection, `ogpu journal` lists what may be on chain; `--check` asks the
/// network about each unresolved one by hash and records the outcome — mined (with the task a
/// publish created), reverted, still pending, or superseded by another transaction with its nonce;
/// `--rebroadcast` sends a transaction no node knows again as the *same signed bytes* (same hash),
/// so it lands at most once. Nothing here signs anything. A maintenance command, so it talks to
/// OGPUKit directly rather than through a script.
struct JournalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "journal",
        abstract: "List the send journal; settle transactions an interrupted session left unresolved.",
        usage: """
            ogpu journal [--all]                              list (offline)
            ogpu journal --check [--rebroadcast] [--network NAME|URL] [--rpc-url URL]
            """,
        discussion: """
            The journal (~/.ogpu/journal.jsonl, or OGPU_JOURNAL) records every signed transaction before it is
            sent. Without --check nothing touches the network: the list shows each transaction's last known
            state, and by default only the unresolved ones plus the 10 most recent.

            --check looks up each unresolved transaction of the network's chain by hash and records what
            happened: mined (and, for a publish, the task address from its TaskPublished log), reverted,
            pending (the node has it), superseded (its nonce was used by another transaction: it can never
            be mined), or unknown (no node has it and its nonce is free). --rebroadcast sends an unknown one
            again as the same signed bytes — the same hash, never a new transaction.

            Exit status: 0 when nothing is left unresolved, 1 when something still is, 64 usage error,
            66 unreadable journal, 70 network error.
            """)

    @Flag(name: .long, help: "List every journaled transaction, not only the unresolved and the 10 most recent.")
    var all = false

    @Flag(name: .long, help: "Look up each unresolved transaction on the network and record its outcome.")
    var check = false

    @Flag(name: .long, help: "With --check: send a transaction no node knows again (the same signed bytes).")
    var rebroadcast = false

    @Option(name: .long, help: ArgumentHelp("Journal file (env OGPU_JOURNAL; default ~/.ogpu/journal.jsonl).", valueName: "file"))
    var journal: String?

    /// The global options every subcommand takes; --check uses the network ones (nothing here signs).
    @OptionGroup var options: GlobalOptions

    func validate() throws {
        if rebroadcast && !check { throw ValidationError("--rebroadcast only works with --check") }
    }

    func run() throws {
        let env = ProcessInfo.processInfo.environment
        let color = !options.noColor && (env["NO_COLOR"] ?? "").isEmpty && Terminal.stdoutIsTerminal
        let style = Style(enabled: color)
        let sendJournal = SendJournal(path: journal ?? SendJournal.defaultPath)
        let entries: [SendJournal.Entry]
        do {
            entries = try sendJournal.entries()
            for d in try sendJournal.records().damaged { Terminal.writeError("ogpu: warning: \(d)\n") }
        } catch {
            Terminal.writeError("ogpu: cannot read the send journal \(sendJournal.path): \(error)\n")
            throw ExitCode(ExitStatus.fileNotFound)
        }
        if !check {
            list(entries, journal: sendJournal.path, style: style)
            throw ExitCode(entries.contains { $0.latest.isUnresolved } ? 1 : 0)
        }
        let unresolvedAfter: Int
        do {
            let client = try OpenGPUClient(network: resolveNetwork(env), journal: sendJournal)
            let results = try client.checkJournal(rebroadcast: rebroadcast)
            report(results, chainId: client.network.chainId, journal: sendJournal.path, style: style)
            unresolvedAfter = results.filter {
                switch $0.outcome {
                case .mined, .reverted, .superseded: return false
                case .pending, .unknown, .rebroadcast, .refused: return true
                }
            }.count
        } catch let failure as CommandFailure {
            Terminal.writeError("ogpu: \(failure.message)\n")
            throw ExitCode(failure.exitCode)
        } catch {
            Terminal.writeError("ogpu: journal check failed: \(error)\n")
            throw ExitCode(ExitStatus.runtimeError)
        }
        throw ExitCode(unresolvedAfter > 0 ? 1 : 0)
    }

    private func resolveNetwork(_ env: [String: String]) throws -> Network {
        let name = options.network ?? env["OGPU_NETWORK"].flatMap { $0.isEmpty ? nil : $0 } ?? "local"
        let parsed = try CLIConfiguration.parseNetwork(name)
        let override = options.rpcURL ?? env["OGPU_RPC_URL"].flatMap { $0.isEmpty ? nil : $0 }
        if let override, !CLIConfiguration.isHTTPURL(override) {
            throw CommandFailure(message: "--rpc-url must be an http:// or https:// URL, not '\(override)'", exitCode: ExitStatus.usage)
        }
        if parsed == .named("local") { return try NetworkDiscovery.local(url: override ?? Network.localDefaultRPC) }
        return try NetworkDiscovery.resolve(parsed.argument, rpcOverride: override)
    }

    // MARK: - Session start

    /// One line on stderr when a session starts and the journal holds transactions on this
    /// network's chain with no known outcome — at once, however recent: a Ctrl-C and an
    /// immediate re-run is exactly when it matters (publish then settles such a transaction
    /// instead of signing the same draft again). Offline: the chain is known for mainnet and
    /// testnet; for `local` and URLs every chain but those two counts. Silent when there is no
    /// journal.
    static func startupHint(network: CLIConfiguration.Network) -> String? {
        let journal = SendJournal(path: SendJournal.defaultPath)
        guard let counts = try? journal.unresolvedCountsByChain(), !counts.isEmpty else { return nil }
        let known: Set<UInt64> = [Network.mainnetChainId, Network.testnetChainId]
        let chain: UInt64?
        switch network {
        case .named(let name): chain = Network.named(name)?.chainId
        case .url: chain = nil
        }
        let n = counts.filter { c, _ in chain.map { $0 == c } ?? !known.contains(c) }.values.reduce(0, +)
        guard n > 0 else { return nil }
        return "ogpu: the send journal has \(n) transaction\(n == 1 ? "" : "s") from an earlier session with no known outcome "
            + "on this network (publishing the same draft settles it instead of sending again); "
            + "`ogpu journal --check` looks \(n == 1 ? "it" : "them") up\n"
    }

    // MARK: - Output

    private func list(_ entries: [SendJournal.Entry], journal path: String, style: Style) {
        let unresolved = entries.filter { $0.latest.isUnresolved }
        let recent = Set(entries.suffix(10).map(\.hash))
        let shown = all ? entries : entries.filter { $0.latest.isUnresolved || recent.contains($0.hash) }
        Terminal.write("send journal \(path): \(entries.count) transaction\(entries.count == 1 ? "" : "s"), "
                       + "\(unresolved.count) unresolved\n")
        for e in shown { Terminal.write(line(e, style: style) + "\n") }
        if shown.count < entries.count {
            Terminal.write(style.dim("(\(entries.count - shown.count) older resolved transactions not shown; --all lists them)") + "\n")
        }
        if !unresolved.isEmpty {
            Terminal.write("unresolved transactions may still be mined: `ogpu journal --check` looks them up by hash\n")
        }
    }

    private func line(_ e: SendJournal.Entry, style: Style) -> String {
        let time = ClockText.utc(e.signed.time)
        var parts = [time, "chain \(e.chainId.map(String.init) ?? "?")", "nonce \(e.signed.nonce.map(String.init) ?? "?")",
                     Self.inert(e.label ?? "?"), Self.inert(e.hash)]
        let state: String
        switch e.latest {
        case .mined: state = style.green("mined") + (e.block.map { " in block \($0)" } ?? "")
        case .reverted: state = style.red("reverted") + (e.block.map { " in block \($0)" } ?? "")
        case .rejected: state = "rejected" + (e.reason.map { " (\(Self.inert($0)))" } ?? "")
        case .signed: state = style.yellow("signed, not known to be sent")
        case .sent: state = style.yellow("sent, no receipt seen")
        case .unconfirmed: state = style.yellow("unconfirmed") + (e.reason.map { " (\(Self.inert($0)))" } ?? "")
        }
        parts.append(state)
        if let task = e.task { parts.append("task " + Self.inert(task)) }
        return parts.joined(separator: "  ")
    }

    private func report(_ results: [OpenGPUClient.JournalCheck], chainId: UInt64, journal path: String, style: Style) {
        if results.isEmpty {
            Terminal.write("send journal \(path): nothing unresolved on chain \(chainId)\n")
            return
        }
        for r in results {
            let what: String
            switch r.outcome {
            case .mined(let block):
                what = style.green("mined") + " in block \(block)" + (r.task.map { ", task \($0.checksummed)" } ?? "")
            case .reverted(let block): what = style.red("reverted") + " in block \(block)"
            case .pending: what = style.yellow("pending") + ": the node has it, not mined yet; check again later"
            case .rebroadcast: what = style.yellow("rebroadcast") + ": sent again as the same signed bytes; check again later"
            case .superseded: what = "superseded: its nonce was used by another transaction; it can never be mined"
            case .refused(let message):
                what = style.red("refused") + ": the node would not take it again (\(Self.inert(message))); nothing was sent"
            case .unknown:
                what = style.yellow("unknown") + ": no node has it and its nonce is still free; "
                    + "--rebroadcast sends the same signed bytes again"
            }
            let nonce = r.nonce.map { "nonce \($0)  " } ?? ""
            Terminal.write("\(r.hash)  \(Self.inert(r.label ?? "?"))  \(nonce)\(what)\n")
        }
    }

    /// Journal fields come from a file and node messages from the node: shown escaped (TerminalText).
    private static func inert(_ text: String) -> String { TerminalText.escape(text, lineBreaks: false) }
}
