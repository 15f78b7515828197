import XCTest
@testable import OGPUScript

/// The byte-level string paths (`TextFastPaths`, `split`, `join`, `replace`, interpolation's
/// digits) against the general forms they stand in for, on random text built from pieces where
/// bytes and `Character`s disagree: CR LF (one `Character`), combining marks, precomposed and
/// decomposed accents, emoji with modifiers, flags, non-ASCII spaces, and plain ASCII (which
/// takes the fast paths, so both sides of every branch are exercised).
final class TextFastPathTests: XCTestCase {
    static let asciiPieces = ["a", "b", "z", "A", "Z", "@", "[", "`", "{", "0", " ", "\t", "\r", "\n", "\r\n",
                              "\u{0B}", "\u{0C}", "\u{1F}", "\u{7F}", "\u{0}", "ab", "x\r", "\ny"]
    static let otherPieces = ["\u{E9}", "e\u{301}", "\u{301}", "\u{308}", "\u{1F44D}", "\u{1F3FD}", "\u{1F1FA}\u{1F1F8}",
                              "\u{A0}", "\u{85}", "\u{2028}", "\u{3000}", "\u{DF}", "\u{1C6}", "\u{130}", "\u{212A}",
                              "\u{200D}", "\u{FB01}", "\u{3A3}"]

    /// A random string of up to `maxPieces` pieces; non-ASCII pieces with probability `mixed`.
    static func text(_ rng: inout some RandomNumberGenerator, maxPieces: Int = 14, mixed: Double) -> String {
        var s = ""
        for _ in 0..<Int.random(in: 0...maxPieces, using: &rng) {
            let pool = Double.random(in: 0..<1, using: &rng) < mixed ? otherPieces : asciiPieces
            s += pool.randomElement(using: &rng)!
        }
        return s
    }

    /// Pairs (s, t) where t is often a piece of s, so that matches (and near misses at CR LF) occur.
    static func pairs(_ count: Int) -> [(String, String)] {
        var rng = SystemRandomNumberGenerator()
        var out: [(String, String)] = []
        for k in 0..<count {
            let mixed = k % 3 == 0 ? 0.3 : 0.0
            let s = text(&rng, maxPieces: k % 5 == 0 ? 40 : 14, mixed: mixed)
            var t = text(&rng, maxPieces: 3, mixed: mixed)
            let bytes = Array(s.utf8)
            if !bytes.isEmpty && Bool.random(using: &rng) {
                // A byte range of s that is valid UTF-8 (it may still split a CR LF or a cluster).
                let a = Int.random(in: 0..<bytes.count, using: &rng), b = Int.random(in: a...min(bytes.count, a + 6), using: &rng)
                if let sub = String(validating: bytes[a..<b], as: UTF8.self) { t = sub }
            }
            out.append((s, t))
        }
        out += [("a\r\nb", "a\r"), ("a\r\nb", "\nb"), ("a\r\nb", "\r"), ("a\r\nb", "\n"), ("\r\r\n", "\r"), ("x\r", "x\r"),
                ("\r\n", "\r\n"), ("\u{E9}x", "e\u{301}"), ("e\u{301}", "e"), ("", ""), ("a", ""), ("", "a")]
        return out
    }

    func testTrimMatchesTheScalarTrim() {
        for (s, t) in Self.pairs(3000) {
            for x in [s, " \(s)\r\n", "\u{A0}\(t)\t", "\(t) \u{2028}", "\r\n"] {
                XCTAssertEqual(TextFastPaths.trimmed(x), x.trimmingWhitespaceAndNewlines(), x.debugDescription)
            }
        }
    }

    func testContainsMatchesTheGeneralFormAndACharacterModel() {
        for (s, t) in Self.pairs(5000) {
            let d = "\(s.debugDescription) \(t.debugDescription)"
            XCTAssertEqual(TextFastPaths.contains(s, t), TextFastPaths.General.contains(s, t), d)
            // And the plainest model: `Character` sequences, compared with `Character.==`.
            let cs = Array(s), ct = Array(t)
            let found = ct.isEmpty || (0...max(0, cs.count - ct.count)).contains { i in
                i + ct.count <= cs.count && Array(cs[i..<(i + ct.count)]) == ct
            }
            XCTAssertEqual(TextFastPaths.contains(s, t), found, d)
        }
    }

    func testCaseMappingMatchesSwift() {
        for (s, t) in Self.pairs(3000) {
            for x in [s, t, s + t + s, "\(s)abcXYZ@[`{straße"] {
                XCTAssertEqual(TextFastPaths.uppercased(x), x.uppercased(), x.debugDescription)
                XCTAssertEqual(TextFastPaths.lowercased(x), x.lowercased(), x.debugDescription)
            }
        }
        // Both sides of the stack buffer's size (1,024 bytes), ASCII and not.
        for n in [1023, 1024, 1025, 3000] {
            for x in [String(repeating: "aZ@{", count: n / 4) + String(repeating: "q", count: n % 4), String(repeating: "x", count: n - 2) + "\u{DF}"] {
                XCTAssertEqual(TextFastPaths.uppercased(x), x.uppercased(), "\(n)")
                XCTAssertEqual(TextFastPaths.lowercased(x), x.lowercased(), "\(n)")
            }
        }
        // Every ASCII byte, at every position of a word and of the tail.
        let all = String(decoding: (0..<128).map { UInt8($0) }, as: UTF8.self)
        for k in 0..<20 {
            let x = String(all.dropFirst(k))
            XCTAssertEqual(TextFastPaths.uppercased(x), x.uppercased())
            XCTAssertEqual(TextFastPaths.lowercased(x), x.lowercased())
        }
    }

    /// `len` of a string and the ASCII test, on mixed text and at every length around a word
    /// with a CR, a CR LF or a non-ASCII scalar at every position (the last word is read twice).
    func testCharacterCountAndASCIITestMatchSwift() {
        var samples = Self.pairs(3000).flatMap { [$0.0, $0.1, $0.0 + $0.1] }
        for n in 0...26 {
            for k in 0..<n {
                for piece in ["\r", "\r\n", "\n\r", "\u{E9}", "e\u{301}"] {
                    var b = Array(repeating: "a", count: n)
                    b[k] = piece
                    samples.append(b.joined())
                }
            }
        }
        for x in samples {
            XCTAssertEqual(ConversionBuiltins.characterCount(x), x.count, x.debugDescription)
            XCTAssertEqual(x.withUTF8Bytes(TextFastPaths.isASCII), x.utf8.allSatisfy { $0 < 0x80 }, x.debugDescription)
        }
    }

    /// Non-overlapping byte matches, left to right: Python's `str.split(sep)` on code points.
    static func modelSplit(_ s: String, _ sep: String) -> [String] {
        let b = Array(s.utf8), p = Array(sep.utf8)
        var parts: [String] = [], start = 0, i = 0
        while i + p.count <= b.count {
            if Array(b[i..<(i + p.count)]) == p {
                parts.append(String(decoding: b[start..<i], as: UTF8.self))
                i += p.count
                start = i
            } else {
                i += 1
            }
        }
        parts.append(String(decoding: b[start...], as: UTF8.self))
        return parts
    }

    static func strings(_ v: [Value]) -> [String] {
        v.map { if case .string(let s) = $0 { return s } else { return "<\($0)>" } }
    }

    func testSplitJoinReplaceMatchModels() throws {
        for (s, t) in Self.pairs(3000) {
            let d = "\(s.debugDescription) \(t.debugDescription)"
            XCTAssertEqual(Self.strings(StringBuiltins.words(of: s)), s.split(whereSeparator: { $0.isWhitespace }).map(String.init), d)
            XCTAssertEqual(Self.strings(StringBuiltins.characters(of: s)), s.map(String.init), d)
            guard !t.isEmpty else { continue }
            let parts = Self.modelSplit(s, t)
            XCTAssertEqual(Self.strings(StringBuiltins.parts(of: s, between: t)), parts, d)
            // Into a local that held a list of its own, a list held elsewhere too, or no list.
            let shared: [Value] = [.string(s), .int(1), .string(t)]
            for previous in [Value.list([.string(t), .string("\u{E9}")]), .list(shared), .int(3), .null] {
                let slot = UnsafeMutablePointer<Value>.allocate(capacity: 1)
                slot.initialize(to: previous)
                StringBuiltins.storeParts(of: s, between: t, in: slot)
                if case .list(let got) = slot.pointee { XCTAssertEqual(Self.strings(got), parts, d) } else { XCTFail(d) }
                slot.deinitialize(count: 1)
                slot.deallocate()
            }
            XCTAssertEqual(Self.strings(shared), [s, "<int(1)>", t].map { $0 == "<int(1)>" ? "<\(Value.int(1))>" : $0 }, d)
            // One at a time (`for x in split(s, t)`), and stopped after each part in turn.
            for stop in 0...parts.count {
                var seen: [String] = []
                s.withUTF8Bytes { b in
                    t.withUTF8Bytes { p in
                        StringBuiltins.forEachPart(of: b, between: p) { part in
                            seen.append(UTF8Buffer.string(part))
                            return seen.count == stop
                        }
                    }
                }
                XCTAssertEqual(seen, Array(parts.prefix(stop == 0 ? parts.count : stop)), d)
            }
            XCTAssertEqual(try StringBuiltins.replacing(t, with: "<\(t)>", in: s), parts.joined(separator: "<\(t)>"), d)
            XCTAssertEqual(try StringBuiltins.replacing(t, with: "", in: s), parts.joined(), d)
            XCTAssertEqual(try StringBuiltins.joined(parts.map { .string($0) }, separator: t), s, d)
        }
        // Around the number of match offsets `parts` keeps from its counting pass (4).
        for n in 0...7 {
            for sep in [",", ", ", "\r\n"] {
                let s = (0...n).map { "p\($0)\u{E9}" }.joined(separator: sep)
                XCTAssertEqual(Self.strings(StringBuiltins.parts(of: s, between: sep)), Self.modelSplit(s, sep))
                XCTAssertEqual(Self.strings(StringBuiltins.parts(of: sep + s + sep, between: sep)), Self.modelSplit(sep + s + sep, sep))
            }
        }
        let mixed: [Value] = [.int(1), .string("a\r\n"), .null, .list([.string("x")]), .string("\u{E9}")]
        XCTAssertEqual(try StringBuiltins.joined(mixed, separator: ", "), mixed.map(ValueFormat.printed).joined(separator: ", "))
        XCTAssertEqual(try StringBuiltins.joined([], separator: ","), "")
    }

    func testSizeCapsHoldBeforeBuilding() {
        let saved = Operators.maxStringBytes
        defer { Operators.maxStringBytes = saved }
        Operators.maxStringBytes = 100
        let long = Value.string(String(repeating: "x", count: 60))
        XCTAssertThrowsError(try StringBuiltins.joined([long, long], separator: ""))
        XCTAssertThrowsError(try StringBuiltins.joined([long, .int(12345678901234), long], separator: ""))
        XCTAssertEqual(try StringBuiltins.joined([long], separator: "").utf8.count, 60)
        XCTAssertThrowsError(try StringBuiltins.replacing("x", with: "yy", in: String(repeating: "x", count: 60)))
        XCTAssertEqual(try StringBuiltins.replacing("x", with: "y", in: String(repeating: "x", count: 60)), String(repeating: "y", count: 60))
    }

    /// Interpolation's digits against `String(i)`, at every length and sign, and text that
    /// outgrows the stack buffer.
    func testIntegerDigitsMatchStringInit() {
        var samples: [Int] = [0, 1, -1, 9, 10, 11, 99, 100, 101, 999, 1000, Int.max, Int.min, Int.max - 1, Int.min + 1]
        var p = 1
        for _ in 0..<18 { p *= 10; samples += [p - 1, p, p + 1, -(p - 1), -p, -(p + 1)] }
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<2000 { samples.append(Int.random(in: Int.min...Int.max, using: &rng) >> Int.random(in: 0..<63, using: &rng)) }
        for i in samples {
            let s = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 32) { raw -> String in
                var out = UTF8Buffer(raw)
                out.append("<")
                out.append(i)
                out.append(">")
                return out.finish()
            }
            XCTAssertEqual(s, "<\(String(i))>")
        }
        let many = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 32) { raw -> String in
            var out = UTF8Buffer(raw)
            for i in samples { out.append(i); out.append(",\u{E9}\r\n") }
            return out.finish()
        }
        XCTAssertEqual(many, samples.map { "\($0),\u{E9}\r\n" }.joined())
    }

    /// Strings made in the inline form (`InlineString`) against the standard library's own, at
    /// every length and with every ASCII byte, used as strings are (compared, hashed, counted,
    /// appended to, case-mapped, as map keys); non-ASCII or longer text is not made that way.
    func testInlineStringsMatchTheStandardLibrary() {
        var rng = SystemRandomNumberGenerator()
        var samples: [[UInt8]] = (0...15).map { n in (0..<n).map { UInt8(($0 * 37 + n) % 128) } }
        for _ in 0..<3000 { samples.append((0..<Int.random(in: 0...15, using: &rng)).map { _ in UInt8.random(in: 0..<128, using: &rng) }) }
        var keys: [String: Int] = [:]
        for bytes in samples {
            let expected = String(decoding: bytes, as: UTF8.self)
            guard let s = bytes.withUnsafeBufferPointer(InlineString.ascii) else { return XCTFail("\(bytes)") }
            XCTAssertEqual(s, expected)
            XCTAssertEqual(Array(s.utf8), bytes)
            XCTAssertEqual(s.count, expected.count)
            XCTAssertEqual(s.hashValue, expected.hashValue)
            XCTAssertEqual(s + "é" + s, expected + "é" + expected)
            XCTAssertEqual(s.uppercased(), expected.uppercased())
            XCTAssertEqual(s.withUTF8Bytes { Array($0) }, bytes)
            // Counted from the words unless a CR needs the general count (`len`).
            XCTAssertEqual(InlineString.characterCount(s), bytes.contains(0x0D) ? nil : expected.count)
            XCTAssertEqual(ConversionBuiltins.characterCount(s), expected.count)
            keys[s, default: 0] += 1
            XCTAssertEqual(keys[expected], keys[s])
        }
        // `+` of two strings (`Operators.add`), inline when both are ASCII and fit together.
        let words = samples.prefix(40).map { String(decoding: $0, as: UTF8.self) } + ["é", "aé", "\r", "\n", "\r\n", "0123456789abcde"]
        for a in words {
            for b in words {
                let inline = InlineString.concatenation(a, b)
                let fits = !a.isEmpty && !b.isEmpty && a.utf8.count + b.utf8.count <= 15 && (a + b).utf8.allSatisfy { $0 < 0x80 }
                XCTAssertEqual(inline != nil, fits, "\(a.debugDescription) \(b.debugDescription)")
                if let inline { XCTAssertEqual(inline, a + b); XCTAssertEqual(inline.count, (a + b).count) }
                XCTAssertEqual(try Self.strings([Operators.add(.string(a), .string(b))]), [a + b])
            }
        }
        // A short string in heap storage (not the inline form) takes Swift's own `+`.
        var roomy = String()
        roomy.reserveCapacity(64)
        roomy += "ab"
        XCTAssertNil(InlineString.concatenation(roomy, "c"))
        XCTAssertNil(InlineString.concatenation("c", roomy))
        XCTAssertNil(InlineString.characterCount(roomy))
        XCTAssertNil(InlineString.characterCount("\u{E9}"))
        XCTAssertEqual(try Self.strings([Operators.add(.string(roomy), .string("c"))]), ["abc"])
        for bytes in [Array("é".utf8), Array("abcdefghijklmnop".utf8), [0x41, 0x80], [0xC3, 0xA9, 0x41]] {
            XCTAssertNil(bytes.withUnsafeBufferPointer(InlineString.ascii), "\(bytes)")
        }
    }

    /// The inline copy for short pieces, at every length around its word sizes and offsets.
    func testCopyMatchesTheSource() {
        let src = (0..<64).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 1) }
        for n in 0...40 {
            for offset in 0..<3 {
                var dst = [UInt8](repeating: 0, count: 48)
                src.withUnsafeBufferPointer { s in
                    dst.withUnsafeMutableBufferPointer { d in UTF8Buffer.copy(s.baseAddress! + offset, to: d.baseAddress! + 1, count: n) }
                }
                XCTAssertEqual(Array(dst[1..<(1 + n)]), Array(src[offset..<(offset + n)]), "n \(n)")
                XCTAssertEqual(dst[0], 0)
                XCTAssertTrue(dst[(1 + n)...].allSatisfy { $0 == 0 }, "n \(n) wrote past the end")
            }
        }
    }
}
