import Foundation
import XCTest
@testable import OGPUKit
@testable import OGPUPrimitives

/// The per-account lock beside the journal: holders take turns, a waiter says for whom it waits,
/// and one that takes over after someone else held the account is told its nonce cache is stale.
final class AccountLockTests: XCTestCase {
    let account = try! PrivateKey(hex: "0x" + String(repeating: "11", count: 32)).address

    func testASecondHolderWaitsSaysForWhomAndIsToldItTookOver() throws {
        let journal = NSTemporaryDirectory() + "ogpu-lock-\(UUID().uuidString)/journal.jsonl"
        let first = AccountLock(journalPath: journal, account: account)
        let second = AccountLock(journalPath: journal, account: account)
        XCTAssertEqual(first.path, journal + "." + account.checksummed.lowercased() + ".lock")
        let told = Lines()
        second.onWait = { told.add($0) }
        let order = Lines()
        let note = { (s: String) in order.add(s) }
        let firstHolds = DispatchSemaphore(value: 0)
        let done = DispatchSemaphore(value: 0)
        var secondTookOver = false
        Thread.detachNewThread {
            try? first.withLock(cancellation: nil, tookOver: {}) {
                firstHolds.signal()
                // Re-entrant for the same holder.
                try? first.withLock(cancellation: nil, tookOver: {}) { note("first") }
                Thread.sleep(forTimeInterval: 0.5)
                note("first done")
            }
            done.signal()
        }
        firstHolds.wait()
        try second.withLock(cancellation: nil, tookOver: { secondTookOver = true }) { note("second") }
        done.wait()
        XCTAssertEqual(order.all, ["first", "first done", "second"], "they took turns")
        XCTAssertTrue(secondTookOver, "another holder came between: the nonce cache is stale")
        XCTAssertEqual(told.all.count, 1)
        XCTAssertTrue(told.all[0].contains("account \(account.checksummed) is in use by another client in this process (pid \(getpid())"), told.all[0])
        // Nobody else held it since: no takeover.
        var again = false
        try second.withLock(cancellation: nil, tookOver: { again = true }) {}
        XCTAssertFalse(again)
    }

    func testWaitingStopsWhenCancelled() throws {
        let journal = NSTemporaryDirectory() + "ogpu-lock-\(UUID().uuidString)/journal.jsonl"
        let first = AccountLock(journalPath: journal, account: account)
        let second = AccountLock(journalPath: journal, account: account)
        let token = CancellationToken()
        try first.withLock(cancellation: nil, tookOver: {}) {
            DispatchQueue.global().asyncAfter(deadline: .now() + 0.3) { token.cancel() }
            XCTAssertThrowsError(try second.withLock(cancellation: token, tookOver: {}) {}) { e in
                guard case .cancelled(_, nil)? = e as? SendError else { return XCTFail("\(e)") }
            }
        }
    }
}

/// Lines appended from several threads.
private final class Lines: @unchecked Sendable {
    private let lock = NSLock()
    private var lines = [String]()
    func add(_ s: String) { lock.lock(); lines.append(s); lock.unlock() }
    var all: [String] { lock.lock(); defer { lock.unlock() }; return lines }
}
