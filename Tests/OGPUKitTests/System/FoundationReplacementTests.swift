import Foundation
import XCTest
@testable import OGPUPrimitives

/// The helpers that replaced full-Foundation APIs (so the binary links no ICU) give Foundation's
/// own results: each is compared with the Foundation call it replaced, on the same inputs.
final class FoundationReplacementTests: XCTestCase {
    func testWhitespaceSetsAreFoundationsForEveryScalar() {
        var differences: [String] = []
        for v in UInt32(0)...0x10FFFF {
            guard let u = Unicode.Scalar(v) else { continue }
            if u.isFoundationWhitespace != CharacterSet.whitespaces.contains(u) { differences.append("ws \(v)") }
            if u.isFoundationWhitespaceOrNewline != CharacterSet.whitespacesAndNewlines.contains(u) {
                differences.append("wsnl \(v)")
            }
        }
        XCTAssertEqual(differences, [])
    }

    func testTrimmingMatchesFoundation() {
        let samples = [
            "", " ", "  x  ", "\t\nx y\r\n", "\u{A0}\u{3000}x\u{200B}", "\u{FEFF}x\u{180E}", " \u{301}x ",
            "x\r\n", "\r\n", "\u{85}x\u{2028}\u{2029}", "\u{B}\u{C}x", "é ", " e\u{301}", "日本 ", "🇫🇷 \u{2003}",
            "\u{1680}\u{205F}\u{202F}", "a\u{0}", "\u{0} a ",
        ]
        for s in samples {
            XCTAssertEqual(s.trimmingWhitespace(), s.trimmingCharacters(in: .whitespaces), s.debugDescription)
            XCTAssertEqual(s.trimmingWhitespaceAndNewlines(), s.trimmingCharacters(in: .whitespacesAndNewlines),
                           s.debugDescription)
            XCTAssertEqual(Substring(s).trimmingWhitespace(), Substring(s).trimmingCharacters(in: .whitespaces))
        }
    }

    func testScalarReplacementMatchesFoundation() {
        let samples = ["a_b_c", "_", "", "x\r\ny", "\r\n", "\"q\"", "_\u{301}", "日_本", "no match", "\u{301}_", "_\u{200D}"]
        for s in samples {
            for (pattern, replacement) in [("_", ""), ("\r", ""), ("\n", ""), ("\"", "%22"), ("\t", " ")] {
                XCTAssertEqual(s.replacingScalar(Unicode.Scalar(pattern)!, with: replacement),
                               s.replacingOccurrences(of: pattern, with: replacement), "\(s.debugDescription) \(pattern.debugDescription)")
            }
        }
        // The pattern followed by each scalar of the planes in use: marks, modifiers and joiners
        // decide whether it is a character of its own. The only differences are where Unicode 16
        // and 17 (the standard library's tables) differ from the Unicode 15 of Foundation's: marks
        // added since, spacing marks (viramas) that became grapheme extenders, and U+1171E (an
        // Ahom mark whose category changed from nonspacing to spacing).
        var differences: [Unicode.Scalar] = []
        for v in Array(UInt32(0)...0x1FFFF) + Array(UInt32(0xE0000)...0xE01EF) {
            guard let u = Unicode.Scalar(v) else { continue }
            let s = "a_" + String(u) + "b"
            if s.replacingScalar("_", with: "-") != s.replacingOccurrences(of: "_", with: "-") { differences.append(u) }
        }
        let unexplained = differences.filter { u in
            guard let age = u.properties.age, u.value != 0x1171E else { return u.value != 0x1171E }
            return !(age.major >= 16 || (u.properties.generalCategory == .spacingMark && u.properties.isGraphemeExtend))
        }
        XCTAssertEqual(unexplained.map { String($0.value, radix: 16) }, [])
        XCTAssertLessThan(differences.count, 150)
    }

    func testPathFunctionsMatchNSString() throws {
        let paths = ["/tmp/scratch.tiff", "/tmp/lock/", "/tmp/", "scratch.tiff", "/", "", "a/b", "a//b", "//a",
                     "a/b/", "./a", "../a/b", "~/x", "a/./b/../c", "/tmp/../etc/./x/", "x/..", "/a//b//", "日本/語.ogpu",
                     "/nonexistent/../a", "/nonexistent/./b/"]
        for p in paths {
            let n = p as NSString
            if p != "~" { XCTAssertEqual(PathName.directory(of: p), n.deletingLastPathComponent, p) }
            XCTAssertEqual(PathName.lastComponent(of: p), n.lastPathComponent, p)
            XCTAssertEqual(PathName.join(p, "y.ogpu"), n.appendingPathComponent("y.ogpu"), p)
            XCTAssertEqual(PathName.expandingTilde(p), n.expandingTildeInPath, p)
            XCTAssertEqual(PathName.standardized(p), n.standardizingPath, p)
        }
        // Symbolic links in an absolute path are resolved, existing or not beyond them.
        let base = NSTemporaryDirectory() + "ogpu-path-\(getpid())"
        try FileManager.default.createDirectory(atPath: base + "/real/sub", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: base) }
        try FileManager.default.createSymbolicLink(atPath: base + "/link", withDestinationPath: base + "/real/sub")
        for p in [base + "/link/../x.ogpu", base + "/link/lib.ogpu", base + "/link/./missing/../y", base + "/real/sub/"] {
            XCTAssertEqual(PathName.standardized(p), (p as NSString).standardizingPath, p)
        }
    }

    func testTimesMatchDateFormatter() {
        let utc = DateFormatter()
        utc.locale = Locale(identifier: "en_US_POSIX")
        utc.timeZone = TimeZone(identifier: "UTC")
        utc.dateFormat = "yyyy-MM-dd HH:mm:ss'Z'"
        let local = DateFormatter()
        local.dateFormat = "HH:mm:ss"
        var rng = SplitMix64(seed: 16)
        var times: [Double] = [0, 1, 59.999, 951_782_400, 1_735_689_599.5, 4_102_444_800, 2_147_483_648]
        for _ in 0..<300 { times.append(Double(rng.next() % 4_000_000_000) + Double(rng.next() % 1000) / 1000) }
        for t in times {
            let date = Date(timeIntervalSince1970: t)
            XCTAssertEqual(ClockText.utc(t), utc.string(from: date), "\(t)")
            XCTAssertEqual(ClockText.local(t), local.string(from: date), "\(t)")
        }
    }

    func testLockExcludes() {
        let lock = Lock()
        var count = 0
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            for _ in 0..<10_000 { lock.withLock { count += 1 } }
        }
        XCTAssertEqual(count, 80_000)
    }
}
