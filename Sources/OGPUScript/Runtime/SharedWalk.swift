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

    /// Two lists or maps being compared and the position of their next elements.
    private enum Open {
        case lists([Value], [Value], Int, Pair)
        case maps(OrderedMap, OrderedMap, Int, Pair)
    }

    /// Walked with an explicit stack rather than by recursion, so values nested a million deep
    /// compare on any thread.
    mutating func equal(_ a: Value, _ b: Value) -> Bool {
        var open: [Open] = []
        var next: (Value, Value)? = (a, b)
        while true {
            if let (p, q) = next {
                next = nil
                switch (p, q) {
                case (.list(let x), .list(let y)):
                    guard x.count == y.count else { return false }
                    let pair = Pair(a: Self.address(x), b: Self.address(y), c: nil, d: nil)
                    if !(pair.a == pair.b || (visits > Self.rememberAfter && same.contains(pair))) {
                        open.append(.lists(x, y, 0, pair))
                    }
                case (.map(let x), .map(let y)):
                    guard x.count == y.count else { return false }
                    let pair = Pair(a: Self.address(x.keys), b: Self.address(y.keys),
                                    c: Self.address(x.values), d: Self.address(y.values))
                    if !((pair.a == pair.b && pair.c == pair.d) || (visits > Self.rememberAfter && same.contains(pair))) {
                        open.append(.maps(x, y, 0, pair))
                    }
                case (.error(let x), .error(let y)):
                    guard x.kind == y.kind && x.message == y.message else { return false }
                    next = (x.data ?? .null, y.data ?? .null) // an error's data can be an error
                    continue
                default:
                    if !Operators.equal(p, q) { return false }
                }
            }
            guard let top = open.popLast() else { return true }
            switch top {
            case .lists(let x, let y, let i, let pair):
                if i == x.count {
                    if visits > Self.rememberAfter { same.insert(pair) }
                    continue
                }
                visits += 1
                open.append(.lists(x, y, i + 1, pair))
                next = (x[i], y[i])
            case .maps(let x, let y, let i, let pair):
                if i == x.count {
                    if visits > Self.rememberAfter { same.insert(pair) }
                    continue
                }
                visits += 1
                guard let w = y[x.keys[i]] else { return false }
                open.append(.maps(x, y, i + 1, pair))
                next = (x.values[i], w)
            }
        }
    }

    /// -1, 0, 1 as `Operators.compare`; lists element by element, with an explicit stack.
    mutating func compare(_ a: Value, _ b: Value) throws -> Int {
        var open: [([Value], [Value], Int, Pair)] = []
        var next: (Value, Value)? = (a, b)
        while true {
            if let (p, q) = next {
                next = nil
                if case .list(let x) = p, case .list(let y) = q {
                    let pair = Pair(a: Self.address(x), b: Self.address(y), c: nil, d: nil)
                    if !((pair.a == pair.b && x.count == y.count) || (visits > Self.rememberAfter && same.contains(pair))) {
                        open.append((x, y, 0, pair))
                    }
                } else {
                    let c = try Operators.compare(p, q)
                    if c != 0 { return c }
                }
            }
            guard let (x, y, i, pair) = open.popLast() else { return 0 }
            if i == min(x.count, y.count) {
                // Equal so far: the shorter list is the smaller, and that decides the whole walk.
                if x.count != y.count { return x.count < y.count ? -1 : 1 }
                if visits > Self.rememberAfter { same.insert(pair) }
                continue
            }
            visits += 1
            open.append((x, y, i + 1, pair))
            next = (x[i], y[i])
        }
    }
}
