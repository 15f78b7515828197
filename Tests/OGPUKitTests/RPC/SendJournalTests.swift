import XCTest
@testable import OGPUKit
@testable import OGPUPrimitives

final class SendJournalTests: XCTestCase {
    private func tempPath() -> String {
        NSTemporaryDirectory() + "ogpu-journal-\(UUID().uuidString)/nested/journal.jsonl"
    }

    func testRecordsLifecycleAndUnresolved() throws {
        let path = tempPath()
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        let j = SendJournal(path: path)
        let from = try Address(hex: "0x1111111111111111111111111111111111111111")
        try j.recordSigned(hash: "0xaa", raw: [1, 2, 3], from: from, nonce: 7, chainId: 1071, to: nil, label: "publishTask",
                           meta: [("config", "https://x/ipfs/Qm")])
        try j.recordSigned(hash: "0xbb", raw: [4], from: from, nonce: 8, chainId: 1071, to: from, label: "cancelTask")
        try j.record(.sent, hash: "0xaa")
        try j.record(.sent, hash: "0xbb")
        try j.record(.mined, hash: "0xbb", [("block", 5)])

        let unresolved = try j.unresolved()
        XCTAssertEqual(unresolved.map(\.hash), ["0xaa"])
        XCTAssertEqual(unresolved[0].nonce, 7)
        XCTAssertEqual(unresolved[0].raw, "0x010203")
        XCTAssertEqual(unresolved[0].label, "publishTask")
        XCTAssertEqual(unresolved[0].fields["meta"]?["config"], "https://x/ipfs/Qm")

        let attrs = try FileManager.default.attributesOfItem(atPath: path)
        XCTAssertEqual((attrs[.posixPermissions] as? NSNumber)?.intValue, 0o600, "journal is private to the user")
    }

    /// The start-up count per chain is cached beside the journal, and the cache is never used once
    /// the journal has changed (a send after it, or another process's).
    func testUnresolvedCountsAreCachedUntilTheJournalChanges() throws {
        let path = tempPath()
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        let j = SendJournal(path: path)
        let from = try Address(hex: "0x1111111111111111111111111111111111111111")
        XCTAssertEqual(try j.unresolvedCountsByChain(), [:], "no journal, nothing open")
        try j.recordSigned(hash: "0xaa", raw: [1], from: from, nonce: 1, chainId: 1337, to: nil, label: "a")
        try j.recordSigned(hash: "0xbb", raw: [2], from: from, nonce: 2, chainId: 1071, to: nil, label: "b")
        XCTAssertEqual(try j.unresolvedCountsByChain(), [1337: 1, 1071: 1])
        XCTAssertTrue(FileManager.default.fileExists(atPath: path + ".unresolved"))
        XCTAssertEqual(try j.unresolvedCountsByChain(), [1337: 1, 1071: 1], "read back from the cache")
        try j.record(.mined, hash: "0xaa", [("block", 3)])
        XCTAssertEqual(try j.unresolvedCountsByChain(), [1071: 1], "the journal changed: counted again")
        // A cache that lies about a journal it no longer matches is ignored.
        try "0 0.0\n1071 9".write(toFile: path + ".unresolved", atomically: true, encoding: .utf8)
        XCTAssertEqual(try j.unresolvedCountsByChain(), [1071: 1])
    }

    func testTornLastLineIsSkippedNotFatal() throws {
        let path = tempPath()
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        let j = SendJournal(path: path)
        let from = try Address(hex: "0x1111111111111111111111111111111111111111")
        try j.recordSigned(hash: "0xaa", raw: [1], from: from, nonce: 0, chainId: 1, to: nil, label: "x")
        let h = try XCTUnwrap(FileHandle(forWritingAtPath: path))
        h.seekToEndOfFile()
        h.write(Data(#"{"v":1,"state":"mi"#.utf8))
        h.closeFile()
        let (records, damaged) = try j.records()
        XCTAssertEqual(records.count, 1)
        XCTAssertEqual(damaged.map(\.line), [2])
        // Appending after a torn line still yields parseable records.
        try j.record(.mined, hash: "0xaa")
        XCTAssertEqual(try j.unresolved().count, 0)
    }

    func testConcurrentAppendsKeepWholeLines() throws {
        let path = tempPath()
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        let j = SendJournal(path: path)
        let from = try Address(hex: "0x1111111111111111111111111111111111111111")
        DispatchQueue.concurrentPerform(iterations: 40) { i in
            try! j.recordSigned(hash: "0x\(i)", raw: [UInt8](repeating: UInt8(i), count: 300), from: from, nonce: UInt64(i),
                                chainId: 1, to: nil, label: "t")
        }
        let (records, damaged) = try j.records()
        XCTAssertEqual(records.count, 40)
        XCTAssertTrue(damaged.isEmpty)
    }

    func testUnwritableJournalRefuses() throws {
        let j = SendJournal(path: "/proc/ogpu-cannot-write/journal.jsonl")
        let from = try Address(hex: "0x1111111111111111111111111111111111111111")
        XCTAssertThrowsError(try j.recordSigned(hash: "0xaa", raw: [1], from: from, nonce: 0, chainId: 1, to: nil, label: "x"))
    }
}
