import OGPUKit
import OGPUPrimitives

/// EIP-55 validation of address text (§2: a mixed-case literal must pass the checksum, or it
/// is a syntax error). Returns nil when fine, else a message that names the expected form.
enum AddressChecksum {
    static func problem(_ text: String) -> String? {
        do {
            _ = try Address(hex: text)
            return nil
        } catch AddressError.checksumMismatch(let expected) {
            return "the EIP-55 checksum does not match (expected \(expected))"
        } catch {
            return "\(error)"
        }
    }
}
