// STOPGAP (lang-core): stands in for OGPUKit's `Address` (branch kit-encoding) until it is merged;
// lang-core deletes this file when merging kit-encoding. Only `Value.address` refers to it.
// Do not build on its API beyond `description`.
public struct Address: Hashable, CustomStringConvertible {
    public let bytes: [UInt8]
    public init(bytes: [UInt8]) { self.bytes = bytes }
    public var description: String {
        "0x" + bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }
}

/// EIP-55 validation of mixed-case address literals. STOPGAP: needs Keccak from OGPUKit
/// (kit-encoding); until then only all-lower/all-upper are known good and mixed case is accepted.
enum AddressChecksum {
    static func problem(_ text: String) -> String? { nil }
}
