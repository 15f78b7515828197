/// Equality and ordering of lists and maps, element by element, in time linear in the number of
/// distinct arrays even when a value shares parts of itself.
///
/// Lists are values with shared storage, so `a = [a, a]` sixty times makes 60 small arrays that
/// hold 2^60 elements when walked naively: `a == a` or `sort([a, a])` would never end (and Ctrl-C
/// is only noticed between steps). The walk answers `true` at once for the very same storage, and
/// after `rememberAfter` element visits it remembers the pairs of arrays already found equal.
struct SharedWalk {
    private var visits = 0
    private var same: Set<Pair> = []
    private static let rememberAfter = 1 << 12

    /// Two arrays' storage (maps: their keys and values), compared by address. The addresses
    /// stay valid during a walk: every array is reachable from the two values being walked.
    private struct Pair: Hashable {
        let a: UnsafeRawPointer?, b: UnsafeRawPointer?, c: UnsafeRawPointer?, d: UnsafeRawPointer?
    }

    private static func address<T>(_ xs: [T]) -> UnsafeRawPointer? {
        xs.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress) }
    }

    mutating func equal(_ a: Value, _ b: Value) -> Bool {
        switch (a, b) {
        case (.list(let x), .list(let y)):
            guard x.count == y.count else { return false }
            let pair = Pair(a: Self.address(x), b: Self.address(y), c: nil, d: nil)
            if pair.a == pair.b || (visits > Self.rememberAfter && same.contains(pair)) { return true }
            for i in 0..<x.count {
                visits += 1
                if !equal(x[i], y[i]) { return false }
            }
            if visits > Self.rememberAfter { same.insert(pair) }
            return true
        case (.map(let x), .map(let y)):
            guard x.count == y.count else { return false }
            let pair = Pair(a: Self.address(x.keys), b: Self.address(y.keys),
                            c: Self.address(x.values), d: Self.address(y.values))
            if (pair.a == pair.b && pair.c == pair.d) || (visits > Self.rememberAfter && same.contains(pair)) { return true }
            for (k, v) in x.pairs {
                visits += 1
                guard let w = y[k], equal(v, w) else { return false }
            }
            if visits > Self.rememberAfter { same.insert(pair) }
            return true
        default:
            return Operators.equal(a, b)
        }
    }

    /// -1, 0, 1 as `Operators.compare`.
    mutating func compare(_ a: Value, _ b: Value) throws -> Int {
        guard case .list(let x) = a, case .list(let y) = b else { return try Operators.compare(a, b) }
        let pair = Pair(a: Self.address(x), b: Self.address(y), c: nil, d: nil)
        if (pair.a == pair.b && x.count == y.count) || (visits > Self.rememberAfter && same.contains(pair)) { return 0 }
        for i in 0..<min(x.count, y.count) {
            visits += 1
            let c = try compare(x[i], y[i])
            if c != 0 { return c }
        }
        let c = x.count < y.count ? -1 : (x.count == y.count ? 0 : 1)
        if c == 0 && visits > Self.rememberAfter { same.insert(pair) }
        return c
    }
}
