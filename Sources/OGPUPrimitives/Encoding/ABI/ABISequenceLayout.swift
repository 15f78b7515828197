/// The element types of a tuple (one type each) or an array (one type repeated).
///
/// For arrays the element's dynamism and head size are worked out once, not once per element: both walk
/// the type, which would make large arrays of structs cost elements × type size. Tuples are small and
/// each component is visited once anyway, so they are answered directly without building tables.
struct ABISequenceLayout {
    private enum Shape {
        case tuple([ABIType])
        case repeated(ABIType, isDynamic: Bool, headSize: Int)
    }

    let count: Int
    private let shape: Shape

    init(tuple types: [ABIType]) {
        count = types.count
        shape = .tuple(types)
    }

    init(repeating element: ABIType, count: Int) {
        self.count = count
        shape = .repeated(element, isDynamic: element.isDynamic, headSize: element.headSize)
    }

    @inline(__always) func type(_ i: Int) -> ABIType {
        switch shape {
        case .tuple(let types): return types[i]
        case .repeated(let element, _, _): return element
        }
    }

    @inline(__always) func isDynamic(_ i: Int) -> Bool {
        switch shape {
        case .tuple(let types): return types[i].isDynamic
        case .repeated(_, let dynamic, _): return dynamic
        }
    }

    @inline(__always) func headSize(_ i: Int) -> Int {
        switch shape {
        case .tuple(let types): return types[i].headSize
        case .repeated(_, _, let size): return size
        }
    }

    /// Bytes of all heads together. Bounded by the type limits for tuples and fixed arrays; for dynamic
    /// arrays the element count comes from values in memory or was checked against the data size.
    var totalHeadSize: Int {
        switch shape {
        case .tuple(let types): return types.reduce(0) { $0 + $1.headSize }
        case .repeated(_, _, let size): return size * count
        }
    }
}
