#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import OGPUPrimitives
#if canImport(Glibc)
import Glibc
#endif

/// Append-only record of every signed transaction, written and fsync'd *before* the bytes are
/// broadcast, then updated as the transaction progresses. After a crash or a dropped connection the
/// journal says exactly which transactions may be on chain, so an interrupted publish is recovered
/// (look the hash up) instead of repeated. One JSON object per line (`journal.jsonl`).
/// Sendable: every append and read of the file happens under `lock` (and an flock for other processes); `path` is immutable.
public final class SendJournal: @unchecked Sendable {
    public enum State: String, Sendable {
        /// Signed and durably recorded; may or may not have reached a node.
        case signed
        /// A node accepted it (returned the hash, or already knew it).
        case sent
        /// Mined with status 1.
        case mined
        /// Mined with status 0.
        case reverted
        /// Never accepted by a node (rejected, or failed before delivery); the nonce is free again.
        case rejected
        /// Gave up waiting; it may still be mined later — reconcile by hash.
        case unconfirmed

        /// No final outcome yet: the transaction may still land.
        public var isUnresolved: Bool { self == .signed || self == .sent || self == .unconfirmed }
    }

    public struct Record: Sendable {
        public let state: State
        public let hash: String
        public let time: Double
        public let fields: JSONValue

        public var label: String? { fields["label"]?.stringValue }
        public var nonce: UInt64? { fields["nonce"]?.stringValue.flatMap { UInt64($0) } }
        public var raw: String? { fields["raw"]?.stringValue }
        public var from: String? { fields["from"]?.stringValue }
    }

    public struct Damage: Error, CustomStringConvertible {
        public let path: String
        public let line: Int
        public var description: String { "\(path):\(line): unreadable journal line (skipped)" }
    }

    public let path: String
    private let lock = Lock()

    /// `~/.ogpu/journal.jsonl`, or `$OGPU_JOURNAL` when set.
    /// Read with `getenv`: `ProcessInfo.environment` copies the whole environment into a
    /// dictionary on every use (~700,000 instructions each, twice here, on every start).
    public static var defaultPath: String {
        if let p = getenv("OGPU_JOURNAL").map({ String(cString: $0) }), !p.isEmpty { return p }
        let home = getenv("HOME").map { String(cString: $0) } ?? PathName.accountHome(nil) ?? "/"
        return home + "/.ogpu/journal.jsonl"
    }

    public init(path: String = SendJournal.defaultPath) {
        self.path = path
    }

    /// Records a freshly signed transaction. Throws if it cannot be made durable — the caller must
    /// then not broadcast.
    public func recordSigned(hash: String, raw: [UInt8], from: Address, nonce: UInt64, chainId: UInt64,
                             to: Address?, label: String, meta: [(String, JSONValue)] = []) throws {
        try recordSigned([Signed(hash: hash, raw: raw, from: from, nonce: nonce, chainId: chainId, to: to, label: label, meta: meta)])
    }

    /// A freshly signed transaction, as `recordSigned` writes it.
    public struct Signed: Sendable {
        public let hash: String, raw: [UInt8], from: Address, nonce: UInt64, chainId: UInt64, to: Address?, label: String
        public let meta: [(String, JSONValue)]

        public init(hash: String, raw: [UInt8], from: Address, nonce: UInt64, chainId: UInt64, to: Address?, label: String,
                    meta: [(String, JSONValue)] = []) {
            (self.hash, self.raw, self.from, self.nonce, self.chainId, self.to, self.label, self.meta) =
                (hash, raw, from, nonce, chainId, to, label, meta)
        }
    }

    /// Records several freshly signed transactions with one write and ONE fsync (a batch's chunk:
    /// an fsync costs milliseconds, a record's encoding microseconds). Throws if they cannot be made
    /// durable — then none of them may be broadcast. Each is durable before any is broadcast.
    public func recordSigned(_ transactions: [Signed]) throws {
        if transactions.isEmpty { return }
        let lines = transactions.map { t -> [UInt8] in
            var f: [(String, JSONValue)] = [
                ("chainId", .string(String(t.chainId))), ("from", .string(t.from.checksummed)), ("nonce", .string(String(t.nonce))),
                ("to", t.to.map { .string($0.checksummed) } ?? .null), ("label", .string(t.label)), ("raw", .string(Hex.encode(t.raw))),
            ]
            if !t.meta.isEmpty { f.append(("meta", .object(t.meta))) }
            return line(state: .signed, hash: t.hash, fields: f)
        }
        try append(lines.flatMap { $0 }, sync: true)
    }

    /// Records progress. Not fsync'd: losing one of these to a power cut only means the next
    /// reconciliation looks the hash up again, whereas a lost `signed` record could lose a task.
    public func record(_ state: State, hash: String, _ fields: [(String, JSONValue)] = []) throws {
        try append(state: state, hash: hash, fields: fields, sync: false)
    }

    private func append(state: State, hash: String, fields: [(String, JSONValue)], sync: Bool) throws {
        try append(line(state: state, hash: hash, fields: fields), sync: sync)
    }

    /// One record as a journal line, newline included.
    private func line(state: State, hash: String, fields: [(String, JSONValue)]) -> [UInt8] {
        let time = (Date().timeIntervalSince1970 * 1000).rounded() / 1000
        let line = JSONValue.object([("v", 1), ("t", .double(time)), ("state", .string(state.rawValue)), ("hash", .string(hash))] + fields)
        var bytes = JSONWriter.bytes(line)
        bytes.append(0x0a)
        return bytes
    }

    /// Appends whole lines (one write under the locks, fsync'd when `sync`).
    private func append(_ lines: [UInt8], sync: Bool) throws {
        var bytes = lines
        lock.lock(); defer { lock.unlock() }
        try ensureDirectory()
        let fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw JournalError.io(path: path, op: "open", errno: errno) }
        defer { close(fd) }
        // Another ogpu process may append at the same time: whole lines under an exclusive lock.
        flock(fd, LOCK_EX)
        defer { flock(fd, LOCK_UN) }
        // A crash mid-append can leave a torn last line; start on a fresh line so this record survives.
        var st = stat()
        if fstat(fd, &st) == 0, st.st_size > 0 {
            var last: UInt8 = 0
            if pread(fd, &last, 1, st.st_size - 1) == 1, last != 0x0a { bytes.insert(0x0a, at: 0) }
        }
        var off = 0
        while off < bytes.count {
            let n = bytes[off...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if n < 0 { if errno == EINTR { continue }; throw JournalError.io(path: path, op: "write", errno: errno) }
            off += n
        }
        guard !sync || fsync(fd) == 0 else { throw JournalError.io(path: path, op: "fsync", errno: errno) }
    }

    private func ensureDirectory() throws {
        let dir = PathName.directory(of: path)
        if dir.isEmpty || FileManager.default.fileExists(atPath: dir) { return }
        do {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
        } catch {
            throw JournalError.io(path: dir, op: "mkdir", errno: EACCES)
        }
    }

    /// Every record in order. A torn last line (crash mid-append) or a damaged line is skipped and
    /// reported in `damaged`, never fatal.
    public func records() throws -> (records: [Record], damaged: [Damage]) {
        lock.lock(); defer { lock.unlock() }
        guard let data = FileManager.default.contents(atPath: path) else { return ([], []) }
        var out = [Record]()
        var damaged = [Damage]()
        var lineNo = 0
        for line in data.split(separator: 0x0a, omittingEmptySubsequences: false) {
            lineNo += 1
            if line.isEmpty { continue }
            guard let v = try? JSONParser.parse(line), let s = v["state"]?.stringValue, let state = State(rawValue: s),
                  let hash = v["hash"]?.stringValue else {
                damaged.append(Damage(path: path, line: lineNo))
                continue
            }
            let time = v["t"].flatMap { if case .number(let n) = $0 { return Double(n) } else { return nil } } ?? 0
            out.append(Record(state: state, hash: hash, time: time, fields: v))
        }
        return (out, damaged)
    }

    /// Latest state per transaction hash, with the original `signed` record's fields.
    public func summary() throws -> [(signed: Record, latest: State)] {
        let all = try records().records
        var order = [String]()
        var signed = [String: Record]()
        var latest = [String: State]()
        for r in all {
            if r.state == .signed, signed[r.hash] == nil { signed[r.hash] = r; order.append(r.hash) }
            latest[r.hash] = r.state
        }
        return order.compactMap { h in signed[h].map { ($0, latest[h] ?? .signed) } }
    }

    /// Transactions that may still land: signed or sent (or given up on) without a final outcome.
    public func unresolved() throws -> [Record] {
        try summary().filter { $0.latest.isUnresolved }.map(\.signed)
    }

    /// One signed transaction as the journal knows it: what was signed, its latest state, and what
    /// later records added (the task a publish created, the last reason given).
    public struct Entry: Sendable {
        public let signed: Record
        public let latest: State
        public let latestTime: Double
        /// The task a mined `Controller.publishTask` created, once a record names it.
        public let task: String?
        public let block: UInt64?
        public let reason: String?

        public var hash: String { signed.hash }
        public var label: String? { signed.label }
        public var chainId: UInt64? { signed.fields["chainId"]?.stringValue.flatMap { UInt64($0) } }
    }

    /// Every signed transaction in journal order, with the facts its later records added.
    public func entries() throws -> [Entry] {
        let all = try records().records
        var order = [String]()
        var signed = [String: Record]()
        var later = [String: [Record]]()
        for r in all {
            if r.state == .signed, signed[r.hash] == nil { signed[r.hash] = r; order.append(r.hash) }
            later[r.hash, default: []].append(r)
        }
        return order.compactMap { h in
            guard let s = signed[h], let rs = later[h], let last = rs.last else { return nil }
            let task = rs.last { $0.fields["task"]?.stringValue != nil }?.fields["task"]?.stringValue
            let block = rs.compactMap { $0.fields["block"]?.intValue }.last.map { UInt64($0) }
            let reason = rs.compactMap { $0.fields["reason"]?.stringValue }.last
            return Entry(signed: s, latest: last.state, latestTime: last.time, task: task, block: block, reason: reason)
        }
    }
}

public enum JournalError: Error, CustomStringConvertible {
    case io(path: String, op: String, errno: Int32)

    public var description: String {
        switch self {
        case .io(let path, let op, let e):
            return "send journal \(path): \(op) failed: \(String(cString: strerror(e))) — refusing to send a transaction that is not recorded"
        }
    }
}
