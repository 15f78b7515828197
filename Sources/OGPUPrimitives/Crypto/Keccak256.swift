/// Keccak-256 as Ethereum uses it: the original Keccak submission's padding (0x01 … 0x80), not NIST SHA3-256's
/// (0x06 … 0x80). Every hash in Ethereum — addresses, function selectors, event topics, tx hashes — is this one.
///
/// Hashing never allocates except for the returned `[UInt8]`; `hash(_:into:)` writes into caller memory and
/// does not allocate at all. The sponge state is a 200-byte tuple kept on the stack.
public enum Keccak256 {
    /// Output size in bytes.
    public static let digestLength = 32
    /// Bytes absorbed per permutation: (1600 − 2·256) / 8.
    static let rate = 136

    /// One-shot hash of any byte collection (`[UInt8]`, `ArraySlice<UInt8>`, `Data`, `String.UTF8View`, …).
    @inlinable
    public static func hash<C: Collection>(_ data: C) -> [UInt8] where C.Element == UInt8 {
        if let digest = data.withContiguousStorageIfAvailable({ hash(bytes: UnsafeRawBufferPointer($0)) }) {
            return digest
        }
        return Array(data).withUnsafeBytes { hash(bytes: $0) }
    }

    /// Hash of the string's UTF-8 bytes, e.g. `hash("transfer(address,uint256)")`.
    public static func hash(_ string: String) -> [UInt8] {
        hash(string.utf8)
    }

    /// Hashes `input` and writes the 32-byte digest to the start of `output`, without allocating.
    public static func hash(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) {
        precondition(output.count >= digestLength, "Keccak256 output buffer needs 32 bytes")
        // The sponge directly on a stack tuple: no Hasher copy, so short inputs cost little beyond the permutation.
        var lanes: KeccakLanes = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutablePointer(to: &lanes) {
            $0.withMemoryRebound(to: UInt64.self, capacity: 25) { s in
                var position = 0
                absorb(s, &position, input)
                padAndSqueeze(s, position: position, into: output)
            }
        }
    }

    @usableFromInline
    static func hash(bytes input: UnsafeRawBufferPointer) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: digestLength) { buffer, count in
            hash(input, into: UnsafeMutableRawBufferPointer(buffer))
            count = digestLength
        }
    }

    /// Incremental hashing: `update` any number of times, then `finalize`. `finalize` does not change the
    /// hasher, so it can also give the digest of a prefix and carry on.
    public struct Hasher: Sendable {
        private var lanes: KeccakLanes = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        /// Bytes of the current block already XORed into `lanes` (0 ..< rate).
        private var position = 0

        public init() {}

        @inlinable
        public mutating func update<C: Collection>(_ data: C) where C.Element == UInt8 {
            let done: Void? = data.withContiguousStorageIfAvailable { update(bytes: UnsafeRawBufferPointer($0)) }
            if done == nil {
                Array(data).withUnsafeBytes { update(bytes: $0) }
            }
        }

        public mutating func update(_ string: String) {
            update(string.utf8)
        }

        public mutating func update(bytes input: UnsafeRawBufferPointer) {
            var position = self.position
            withLanes { absorb($0, &position, input) }
            self.position = position
        }

        /// The digest of everything passed to `update` so far.
        public func finalize() -> [UInt8] {
            [UInt8](unsafeUninitializedCapacity: Keccak256.digestLength) { buffer, count in
                finalize(into: UnsafeMutableRawBufferPointer(buffer))
                count = Keccak256.digestLength
            }
        }

        /// Writes the digest to the first 32 bytes of `output`, without allocating.
        public func finalize(into output: UnsafeMutableRawBufferPointer) {
            precondition(output.count >= Keccak256.digestLength, "Keccak256 output buffer needs 32 bytes")
            var copy = self
            copy.withLanes { padAndSqueeze($0, position: position, into: output) }
        }

        private mutating func withLanes<R>(_ body: (UnsafeMutablePointer<UInt64>) -> R) -> R {
            withUnsafeMutablePointer(to: &lanes) {
                $0.withMemoryRebound(to: UInt64.self, capacity: 25, body)
            }
        }
    }
}

typealias KeccakLanes = (
    UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64,
    UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64
)

/// XORs `input` into the sponge, permuting after every full block. `position` is how far into the current
/// block the previous call stopped. Whole blocks are read a lane at a time; only the ragged edges go byte by byte.
private func absorb(_ s: UnsafeMutablePointer<UInt64>, _ position: inout Int, _ input: UnsafeRawBufferPointer) {
    guard var p = input.baseAddress, input.count > 0 else { return }
    let rate = Keccak256.rate
    var remaining = input.count
    if position != 0 {
        let take = min(rate - position, remaining)
        xorBytes(s, at: position, p, count: take)
        position += take
        p += take
        remaining -= take
        if position < rate { return }
        keccakF1600(s)
        position = 0
    }
    while remaining >= rate {
        for i in 0..<(136 / 8) {
            s[i] ^= UInt64(littleEndian: p.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self))
        }
        keccakF1600(s)
        p += rate
        remaining -= rate
    }
    if remaining > 0 {
        xorBytes(s, at: 0, p, count: remaining)
        position = remaining
    }
}

/// Keccak's pad10*1 with the 0x01 domain byte (both may land in byte 135), the last permutation, and the first
/// 32 bytes of the state as the digest.
private func padAndSqueeze(_ s: UnsafeMutablePointer<UInt64>, position: Int, into output: UnsafeMutableRawBufferPointer) {
    s[position >> 3] ^= 0x01 &<< UInt64((position & 7) << 3)
    s[(Keccak256.rate - 1) >> 3] ^= 0x80 &<< 56
    keccakF1600(s)
    for i in 0..<4 {
        output.storeBytes(of: s[i].littleEndian, toByteOffset: i * 8, as: UInt64.self)
    }
}

/// XORs bytes into the state starting at byte `offset` of the block; lanes are little-endian.
@inline(__always)
private func xorBytes(_ s: UnsafeMutablePointer<UInt64>, at offset: Int, _ p: UnsafeRawPointer, count: Int) {
    var i = 0
    var j = offset
    // Lane-aligned runs of 8 go whole.
    while i < count, j & 7 != 0 {
        s[j >> 3] ^= UInt64(p.load(fromByteOffset: i, as: UInt8.self)) &<< UInt64((j & 7) << 3)
        i += 1; j += 1
    }
    while count - i >= 8 {
        s[j >> 3] ^= UInt64(littleEndian: p.loadUnaligned(fromByteOffset: i, as: UInt64.self))
        i += 8; j += 8
    }
    while i < count {
        s[j >> 3] ^= UInt64(p.load(fromByteOffset: i, as: UInt8.self)) &<< UInt64((j & 7) << 3)
        i += 1; j += 1
    }
}
