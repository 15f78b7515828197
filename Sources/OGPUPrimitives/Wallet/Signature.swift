/// An ECDSA signature over secp256k1 in Ethereum's form: 32-byte big-endian `r` and `s`, plus the
/// recovery id (0 or 1; 2 and 3 are cryptographically possible but never produced or accepted).
public struct Signature: Equatable, Hashable, Sendable {
    public let r: [UInt8]
    public let s: [UInt8]
    public let recoveryId: UInt8

    /// Validates only the shapes (32-byte scalars, recovery id 0...3); range checks happen on use.
    public init(r: [UInt8], s: [UInt8], recoveryId: UInt8) throws {
        guard r.count == 32, s.count == 32 else { throw Secp256k1.Error.invalidSignature("r and s must be 32 bytes each") }
        guard recoveryId < 4 else { throw Secp256k1.Error.invalidSignature("recovery id \(recoveryId) is not 0...3") }
        self.r = r
        self.s = s
        self.recoveryId = recoveryId
    }

    /// `r ++ s ++ v` with v = 27 + recoveryId, the layout of `eth_sign` / `personal_sign` signatures.
    public var bytes65: [UInt8] { r + s + [27 + recoveryId] }
}
