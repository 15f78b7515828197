/// The element types of a tuple (one type each) or an array (one type repeated), with each type's
/// dynamism and head size worked out once per sequence instead of once per element: both walk the
/// type, which would make large arrays of structs quadratic-ish in the type's size.
struct ABISequenceLayout {
    let count: Int
    private let types: [ABIType]
    private let dynamic: [Bool]
    private let sizes: [Int]
    private let repeated: Bool

    init(tuple types: [ABIType]) {
        count = types.count
        self.types = types
        dynamic = types.map(\.isDynamic)
        sizes = types.map(\.headSize)
        repeated = false
    }

    init(repeating element: ABIType, count: Int) {
        self.count = count
        types = [element]
        dynamic = [element.isDynamic]
        sizes = [element.headSize]
        repeated = true
    }

    @inline(__always) func type(_ i: Int) -> ABIType { types[repeated ? 0 : i] }
    @inline(__always) func isDynamic(_ i: Int) -> Bool { dynamic[repeated ? 0 : i] }
    @inline(__always) func headSize(_ i: Int) -> Int { sizes[repeated ? 0 : i] }

    /// Bytes of all heads together. Bounded by the type limits for tuples and fixed arrays; for dynamic
    /// arrays the decoder has checked `count` against the data size before building a layout.
    var totalHeadSize: Int { repeated ? sizes[0] * count : sizes.reduce(0, +) }
}
