/// A string-keyed map that remembers insertion order (§2: maps print in insertion order).
/// Value type with copy-on-write storage, like `Array`.
///
/// Layout (why): keys and values live in two insertion-ordered arrays; small maps (the common
/// `{role: "user", content: …}`) find a key by scanning them. Past `linearLimit` keys an
/// open-addressing index (`table`, linear probing, load ≤ 1/2) maps a key's hash to its position.
/// Each slot holds `hash32 << 32 | (position + 1)` (0 = empty), so growing or re-numbering after
/// `remove` never hashes a key again, and a probe compares strings only when the 32-bit hashes
/// match. An insert hashes its key once (`KeyHash`), instead of the three `Dictionary` lookups a
/// `[String: Int]` index cost.
public struct OrderedMap {
    public private(set) var keys: [String] = []
    public private(set) var values: [Value] = []
    /// Empty while the map has at most `linearLimit` keys; else a power-of-two slot array.
    private var table: [UInt64] = []

    static let linearLimit = 8

    public init() {}
    public init(_ pairs: [(String, Value)]) {
        for (k, v) in pairs { self[k] = v }
    }

    public var count: Int { keys.count }
    public var isEmpty: Bool { keys.isEmpty }

    /// Missing keys read as nil; assigning `nil` removes the key (scripts store `nil` with `set`).
    public subscript(key: String) -> Value? {
        get { position(of: key).map { values[$0] } }
        set {
            if let v = newValue { self.set(key, v) } else { remove(key) }
        }
    }

    public func contains(_ key: String) -> Bool { position(of: key) != nil }

    public mutating func reserveCapacity(_ n: Int) {
        keys.reserveCapacity(n)
        values.reserveCapacity(n)
    }

    /// Appends `key`, which the caller knows is not in the map (a map literal's keys are checked
    /// distinct when it is compiled), without looking for it first.
    public mutating func appendAbsent(_ key: String, _ v: Value) {
        appendNew(key, v, hash: nil)
    }

    /// Pairs in insertion order.
    public var pairs: Zip2Sequence<[String], [Value]> { zip(keys, values) }

    /// Stores `v` under `key`: replaces the value of an existing key in place, else appends.
    public mutating func set(_ key: String, _ v: Value) {
        if table.isEmpty {
            if let i = linearPosition(of: key) { values[i] = v } else { appendNew(key, v, hash: nil) }
            return
        }
        let h = KeyHash.hash(key)
        let (slot, entry) = probe(key, h)
        if let entry { values[entry] = v; return }
        insert(key, v, hash: h, at: slot)
    }

    /// Mutate the value stored under `key` in place (used by `m.k += 1`, `push(m.xs, 1)`);
    /// a missing key starts as nil and is appended.
    public mutating func modify(_ key: String, _ body: (inout Value) throws -> Void) rethrows {
        if table.isEmpty {
            if let i = linearPosition(of: key) { try body(&values[i]); return }
            var v = Value.null
            try body(&v)
            appendNew(key, v, hash: nil)
            return
        }
        let h = KeyHash.hash(key)
        if let i = probe(key, h).entry { try body(&values[i]); return }
        var v = Value.null
        try body(&v)
        let slot = probe(key, h).slot
        insert(key, v, hash: h, at: slot)
    }

    public mutating func remove(_ key: String) {
        guard let i = position(of: key) else { return }
        keys.remove(at: i)
        values.remove(at: i)
        if table.isEmpty { return }
        if keys.count <= Self.linearLimit { table = []; return }
        rebuild(capacity: table.count, removing: i)
    }

    // MARK: - Index

    @inline(__always)
    private func position(of key: String) -> Int? {
        if table.isEmpty { return linearPosition(of: key) }
        return probe(key, KeyHash.hash(key)).entry
    }

    @inline(__always)
    private func linearPosition(of key: String) -> Int? {
        for i in keys.indices where keys[i] == key { return i }
        return nil
    }

    /// The slot holding `key`, or the empty slot where it would go.
    @inline(__always)
    private func probe(_ key: String, _ h: UInt32) -> (slot: Int, entry: Int?) {
        let mask = table.count &- 1
        let tag = UInt64(h) << 32
        var s = Int(h) & mask
        while true {
            let e = table[s]
            if e == 0 { return (s, nil) }
            if e & 0xFFFF_FFFF_0000_0000 == tag {
                let i = Int(truncatingIfNeeded: e & 0xFFFF_FFFF) &- 1
                if keys[i] == key { return (s, i) }
            }
            s = (s &+ 1) & mask
        }
    }

    /// Appends a key known to be absent; builds the index when the map outgrows a linear scan.
    private mutating func appendNew(_ key: String, _ v: Value, hash: UInt32?) {
        keys.append(key)
        values.append(v)
        if keys.count > Self.linearLimit && table.isEmpty {
            var capacity = 16
            while capacity < keys.count * 4 { capacity *= 2 }
            table = [UInt64](repeating: 0, count: capacity)
            for (i, k) in keys.enumerated() { place(KeyHash.hash(k), i) }
        }
    }

    /// Appends a key known to be absent whose empty slot is `slot`.
    private mutating func insert(_ key: String, _ v: Value, hash h: UInt32, at slot: Int) {
        table[slot] = (UInt64(h) << 32) | UInt64(keys.count &+ 1)
        keys.append(key)
        values.append(v)
        if keys.count * 2 > table.count { rebuild(capacity: table.count * 2, removing: nil) }
    }

    /// Stores position `i` with hash `h` in the first empty slot of its probe sequence.
    @inline(__always)
    private mutating func place(_ h: UInt32, _ i: Int) {
        let mask = table.count &- 1
        var s = Int(h) & mask
        while table[s] != 0 { s = (s &+ 1) & mask }
        table[s] = (UInt64(h) << 32) | UInt64(i &+ 1)
    }

    /// A fresh table of `capacity` slots from the stored hashes; when `removing` is a position,
    /// that entry is dropped and the positions after it move down by one.
    private mutating func rebuild(capacity: Int, removing: Int?) {
        let old = table
        table = [UInt64](repeating: 0, count: capacity)
        for e in old where e != 0 {
            var i = Int(truncatingIfNeeded: e & 0xFFFF_FFFF) &- 1
            if let r = removing {
                if i == r { continue }
                if i > r { i -= 1 }
            }
            place(UInt32(truncatingIfNeeded: e >> 32), i)
        }
    }
}
