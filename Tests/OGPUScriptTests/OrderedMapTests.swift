import XCTest
@testable import OGPUScript

/// `OrderedMap` against the plainest model of its contract: an insertion-ordered list of pairs
/// searched with `String.==` (canonical equivalence), through random sets, removals and reads
/// that cross the small (scanned) and large (hash-indexed) forms in both directions.
final class OrderedMapTests: XCTestCase {
    /// Keys include strings that are `==` without the same bytes: precomposed and decomposed
    /// accents, and the three non-ASCII scalars that normalize to ASCII (U+037E, U+1FEF, U+212A).
    static let keyPool: [String] = {
        var keys = (0..<60).map { "k\($0)" }
        keys += ["", "K", "\u{212A}", ";", "\u{37E}", "`", "\u{1FEF}", "a\u{212A}b", "aKb",
                 "caf\u{E9}", "cafe\u{301}", "e\u{301}\u{327}", "e\u{327}\u{301}", "\u{1F680}",
                 "a longer key that takes more than one 8-byte word", "\r\n", "\u{0}", "x\u{0}"]
        return keys
    }()

    struct Model {
        var pairs: [(String, Int)] = []
        func index(_ k: String) -> Int? { pairs.firstIndex { $0.0 == k } }
        mutating func set(_ k: String, _ v: Int) {
            if let i = index(k) { pairs[i].1 = v } else { pairs.append((k, v)) }
        }
        mutating func remove(_ k: String) { if let i = index(k) { pairs.remove(at: i) } }
    }

    func testMatchesAnOrderedPairListThroughRandomEdits() {
        var rng = SystemRandomNumberGenerator()
        for round in 0..<40 {
            var map = OrderedMap()
            var model = Model()
            for step in 0..<400 {
                let key = Self.keyPool.randomElement(using: &rng)!
                switch Int.random(in: 0..<10, using: &rng) {
                case 0..<6: map.set(key, .int(step)); model.set(key, step)
                case 6: map[key] = nil; model.remove(key)
                case 7: map.modify(key) { v in v = .int(step) }; model.set(key, step)
                default:
                    let expected = model.index(key).map { model.pairs[$0].1 }
                    if case .int(let got)? = map[key] { XCTAssertEqual(got, expected, "round \(round) key \(key.debugDescription)") }
                    else { XCTAssertNil(expected, "round \(round) key \(key.debugDescription)") }
                }
                XCTAssertEqual(map.count, model.pairs.count)
            }
            XCTAssertEqual(map.keys, model.pairs.map(\.0))
            XCTAssertEqual(map.values.map { v -> Int in if case .int(let i) = v { return i }; return -1 },
                           model.pairs.map(\.1))
            for k in Self.keyPool { XCTAssertEqual(map.contains(k), model.index(k) != nil, k.debugDescription) }
        }
    }

    func testCanonicallyEqualKeysAreOneKeyInSmallAndLargeMaps() {
        for padding in [0, 20] {
            var m = OrderedMap()
            for i in 0..<padding { m.set("pad\(i)", .int(i)) }
            m.set("\u{212A}", .int(1))
            m.set("K", .int(2))
            m.set("cafe\u{301}", .int(3))
            XCTAssertEqual(m.count, padding + 2)
            XCTAssertEqual(m.keys.suffix(2), ["\u{212A}", "cafe\u{301}"])
            guard case .int(2)? = m["K"], case .int(3)? = m["caf\u{E9}"] else { return XCTFail("padding \(padding)") }
        }
    }

    func testRemovalKeepsTheOrderOfTheRest() {
        var m = OrderedMap()
        for i in 0..<100 { m.set("k\(i)", .int(i)) }
        for i in stride(from: 0, to: 100, by: 2) { m["k\(i)"] = nil }
        XCTAssertEqual(m.keys, stride(from: 1, to: 100, by: 2).map { "k\($0)" })
        for i in 0..<100 { XCTAssertEqual(m.contains("k\(i)"), i % 2 == 1) }
        m.set("k0", .int(0))
        XCTAssertEqual(m.keys.last, "k0")
    }
}
