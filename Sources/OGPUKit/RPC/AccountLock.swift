import OGPUPrimitives
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif

/// One account's turn to send, shared by every ogpu process using the same journal: an exclusive
/// `flock` on a file beside the journal (`journal.jsonl.<address>.lock`). Each process caches its
/// own next nonce, so two processes signing with one key at once could give two transactions the
/// same nonce (one is then refused, and a careless client re-signs it) or leave gaps; holding the
/// lock from nonce reservation until the receipts are in makes them take turns instead.
///
/// The kernel drops a `flock` when its holder dies, so a crashed process never leaves the account
/// locked. Within one process the lock is re-entrant (threads of one sender share its
/// `NonceManager`, which already keeps their nonces apart).
///
/// `@unchecked Sendable`: its mutable state (`fd`, `depth`, `lastStamp`) is only touched under
/// `mutex`; `onWait` is set once, before the lock is first used.
public final class AccountLock: @unchecked Sendable {
    public enum Failure: Error, CustomStringConvertible {
        case io(path: String, errno: Int32)

        public var description: String {
            switch self {
            case .io(let path, let e):
                return "account lock \(path): \(String(cString: strerror(e))) — refusing to send without it"
            }
        }
    }

    public let path: String
    /// Told once per wait, when another process holds the account (a line for a person).
    public var onWait: ((String) -> Void)?

    private let mutex = Lock()
    private var fd: Int32 = -1
    private var depth = 0
    /// What this process last wrote into the lock file: if the file still says so on the next
    /// acquisition, no other process has held the account since.
    private var lastStamp: String?

    private let account: String

    public init(journalPath: String, account: Address) {
        path = journalPath + "." + account.checksummed.lowercased() + ".lock"
        self.account = account.checksummed
    }

    /// Runs `body` holding the account. `tookOver` is told (before `body`) when another process
    /// held the account since this one last did: its cached nonce may be stale.
    /// Waits as long as the other process holds it, polling `cancellation`.
    public func withLock<T>(cancellation: CancellationToken?, tookOver: () -> Void, _ body: () throws -> T) throws -> T {
        try acquire(cancellation: cancellation, tookOver: tookOver)
        defer { release() }
        return try body()
    }

    private func acquire(cancellation: CancellationToken?, tookOver: () -> Void) throws {
        mutex.lock()
        if depth > 0 { depth += 1; mutex.unlock(); return }
        defer { mutex.unlock() }
        let dir = PathName.directory(of: path)
        if !dir.isEmpty, !FileManager.default.fileExists(atPath: dir) {
            try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true,
                                                     attributes: [.posixPermissions: 0o700])
        }
        let f = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard f >= 0 else { throw Failure.io(path: path, errno: errno) }
        var told = false
        while flock(f, LOCK_EX | LOCK_NB) != 0 {
            guard errno == EWOULDBLOCK || errno == EINTR else {
                let e = errno
                close(f)
                throw Failure.io(path: path, errno: e)
            }
            if !told {
                told = true
                let holder = Self.read(f).trimmingWhitespaceAndNewlines()
                let who = holder.hasPrefix("pid \(getpid()) ") ? "another client in this process" : "another ogpu process"
                onWait?("ogpu: account \(account) is in use by \(who)"
                        + (holder.isEmpty ? "" : " (\(holder))") + "; waiting for it to finish its transactions…\n")
            }
            guard CancellationToken.sleep(0.1, token: cancellation) else {
                close(f)
                throw SendError.cancelled(label: "waiting for account \(account)", hash: nil)
            }
        }
        let previous = Self.read(f)
        if previous != lastStamp { tookOver() }
        let stamp = "pid \(getpid()) since \(Self.clock()) [\(UUID().uuidString.prefix(8))]\n"
        _ = ftruncate(f, 0)
        _ = stamp.withCString { pwrite(f, $0, strlen($0), 0) }
        lastStamp = stamp
        fd = f
        depth = 1
    }

    private func release() {
        mutex.lock(); defer { mutex.unlock() }
        depth -= 1
        guard depth == 0, fd >= 0 else { return }
        flock(fd, LOCK_UN)
        close(fd)
        fd = -1
    }

    private static func read(_ f: Int32) -> String {
        var buf = [UInt8](repeating: 0, count: 256)
        let n = pread(f, &buf, buf.count, 0)
        return n > 0 ? String(decoding: buf[0..<n], as: UTF8.self) : ""
    }

    private static func clock() -> String {
        ClockText.localNow()
    }
}
