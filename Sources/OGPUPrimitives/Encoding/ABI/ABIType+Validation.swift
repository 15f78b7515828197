/// Limits that keep every type the encoder and decoder see well-formed and small enough to handle.
///
/// The parser enforces them as it reads; `validate()` re-checks types built directly in code, so an
/// `.int(300)` or a 100 000-deep type is a thrown error rather than an out-of-bounds read or a stack overflow.
extension ABIType {
    /// Deepest nesting of tuples and arrays accepted. Real contracts stay in single digits.
    public static let maxNestingDepth = 64

    /// Throws `ABIParseError` unless every part of the type is one the ABI defines, within the size limits.
    public func validate() throws {
        _ = try checkedSize(depth: 0)
    }

    /// Head size (32 for dynamic types), checked for overflow, bounded by `maxHeadSize`.
    private func checkedSize(depth: Int) throws -> Int {
        func fail(_ message: String) -> ABIParseError {
            ABIParseError(input: "type", offset: nil, message: message)
        }
        guard depth <= ABIType.maxNestingDepth else { throw fail("nested more than \(ABIType.maxNestingDepth) levels deep") }
        switch self {
        case .uint(let bits), .int(let bits):
            guard bits % 8 == 0, (8...256).contains(bits) else { throw fail("integer size \(bits) is not a multiple of 8 from 8 to 256") }
            return 32
        case .fixedBytes(let n):
            guard (1...32).contains(n) else { throw fail("bytes\(n): N must be from 1 to 32") }
            return 32
        case .address, .bool, .bytes, .string:
            return 32
        case .array(let element):
            _ = try element.checkedSize(depth: depth + 1)
            return 32
        case .fixedArray(let element, let k):
            let elementSize = try element.checkedSize(depth: depth + 1)
            guard k > 0 else { throw fail("fixed array size must be positive, not \(k)") }
            let (size, overflow) = elementSize.multipliedReportingOverflow(by: k)
            guard !overflow, size <= ABIType.maxHeadSize else { throw fail("fixed array is too large") }
            return element.isDynamic ? 32 : size
        case .tuple(let components, let names):
            guard !components.isEmpty else { throw fail("empty tuple '()' is not a valid ABI type") }
            if let names, names.count != components.count {
                throw fail("tuple has \(components.count) components but \(names.count) names")
            }
            var size = 0
            for component in components {
                size += try component.checkedSize(depth: depth + 1)
                guard size <= ABIType.maxHeadSize else { throw fail("tuple is too large") }
            }
            return isDynamic ? 32 : size
        }
    }
}
