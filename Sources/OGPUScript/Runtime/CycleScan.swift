/// One collection of `CycleCollector`: synchronous trial deletion (as CPython's collector, or
/// Bacon and Rajan's synchronous cycle collection) over what the tracked closures reach.
///
/// 1. Discover: from every tracked closure, the objects it reaches through boxes, list and map
///    storage, and other closures with captures.
/// 2. Count: each object's reference count less every reference to it found inside the scanned
///    set. What remains is held from outside (a global, a frame, a built-in's local, a REPL
///    result...): those objects and everything they reach are live.
/// 3. Free: the rest reaches nothing from outside. Emptying its boxes breaks its cycles (every
///    cycle runs through a box: see `CycleCollector`), and it is freed.
///
/// The scan holds no reference while it discovers and counts (it notes addresses and element
/// buffers, unretained: nothing runs that could free them), so a count is exactly the references
/// the program holds. It reads counts with the runtime's `swift_retainCount`, after discovery
/// has returned, so no temporary of the scan is counted either.
struct CycleScan {
    /// An object the scan found: a captured box, a closure with captures, or an array's storage
    /// (a list's elements, a map's values; a map's keys are strings and cannot hold anything).
    private enum Node {
        case box(Unmanaged<Box>)
        case closure(Unmanaged<Closure>)
        case storage(UnsafeBufferPointer<Value>)
    }

    private var nodes: [Node] = []
    private var addresses: [UnsafeMutableRawPointer] = []
    private var index: [UnsafeMutableRawPointer: Int] = [:]
    private var edges = 0

    /// Returns the size of what stays (objects found live and their references: the next scan
    /// visits at least this much again, which sets the next budget) and how many objects were
    /// found unreachable and freed.
    mutating func collect(from newest: Unmanaged<Closure>?) -> (live: Int, freed: Int) {
        discover(from: newest)
        let n = nodes.count
        var outside = count()
        for k in 0..<n {
            Self.forEachChild(nodes[k]) { address, _ in outside[index[address]!] -= 1 }
        }
        if let k = outside.firstIndex(where: { $0 < 0 }) {
            // More references found than the object has: a reference the scan thinks is counted
            // is not. Freeing anything now could free a live value, so this scan frees nothing.
            assertionFailure("cycle collector: \(nodes[k]) has fewer references than the scan found")
            return (n + edges, 0)
        }

        var live = [Bool](repeating: false, count: n)
        var stack: [Int] = []
        for k in 0..<n where outside[k] > 0 {
            live[k] = true
            stack.append(k)
        }
        var liveSize = stack.count
        while let k = stack.popLast() {
            Self.forEachChild(nodes[k]) { address, _ in
                liveSize += 1
                let j = index[address]!
                if !live[j] {
                    live[j] = true
                    liveSize += 1
                    stack.append(j)
                }
            }
        }

        // Hold the unreachable boxes while emptying them: emptying one can free another.
        var boxes: [Box] = []
        var freed = 0
        #if DEBUG
        var unreachable: [WeakObject] = []
        #endif
        for k in 0..<n where !live[k] {
            freed += 1
            switch nodes[k] {
            case .box(let b):
                boxes.append(b.takeUnretainedValue())
                #if DEBUG
                unreachable.append(WeakObject(b.takeUnretainedValue()))
                #endif
            case .closure(let c):
                #if DEBUG
                unreachable.append(WeakObject(c.takeUnretainedValue()))
                #endif
                _ = c
            case .storage: break
            }
        }
        nodes = []
        index = [:]
        for b in boxes { b.value = .null }
        boxes = []
        #if DEBUG
        // Nothing outside the scanned set held what was found unreachable, so once its boxes are
        // empty it is freed. A survivor was held from somewhere the scan did not count: its boxes
        // were emptied under a live value.
        for w in unreachable where w.object != nil {
            fatalError("cycle collector: an object found unreachable is still held: \(w.object!)")
        }
        #endif
        return (liveSize, freed)
    }

    /// Notes every object the tracked closures reach, and its address.
    @inline(never)
    private mutating func discover(from newest: Unmanaged<Closure>?) {
        var next = newest
        while let node = next {
            next = node._withUnsafeGuaranteedRef { $0.nextTracked }
            add(.closure(node), node.toOpaque())
        }
        var k = 0
        while k < nodes.count {
            Self.forEachChild(nodes[k]) { address, node in
                edges += 1
                if index[address] == nil { add(node(), address) }
            }
            k += 1
        }
    }

    private mutating func add(_ node: Node, _ address: UnsafeMutableRawPointer) {
        index[address] = nodes.count
        nodes.append(node)
        addresses.append(address)
    }

    /// Each object's reference count. Reads raw addresses only: no reference is made or dropped
    /// while counting.
    @inline(never)
    private func count() -> [Int] {
        var counts = [Int](repeating: 0, count: addresses.count)
        for k in 0..<addresses.count { counts[k] = swiftRetainCount(addresses[k]) }
        return counts
    }

    /// The scanned objects `node` holds a counted reference to, one call per reference: its
    /// address, and its node (for a newly discovered one).
    @inline(__always)
    private static func forEachChild(_ node: Node, _ body: (UnsafeMutableRawPointer, () -> Node) -> Void) {
        switch node {
        case .box(let b):
            b._withUnsafeGuaranteedRef { child($0.value, body) }
        case .closure(let c):
            c._withUnsafeGuaranteedRef { c in
                for i in 0..<c.captureCount {
                    let b = Unmanaged.passUnretained(c.captures[i])
                    body(b.toOpaque(), { .box(b) })
                }
            }
        case .storage(let xs):
            for x in xs where !x.isPlainData { child(x, body) }
        }
    }

    @inline(__always)
    private static func child(_ v: Value, _ body: (UnsafeMutableRawPointer, () -> Node) -> Void) {
        switch v {
        case .list(let xs) where !xs.isEmpty:
            body(address(xs), { .storage(elements(xs)) })
        case .map(let m) where !m.values.isEmpty:
            let xs = m.values
            body(address(xs), { .storage(elements(xs)) })
        case .closure(let c) where c.captureCount > 0:
            let u = Unmanaged.passUnretained(c)
            body(u.toOpaque(), { .closure(u) })
        default:
            break
        }
    }

    /// An array's storage object: an `Array` is one reference to it. Only for non-empty arrays
    /// (an empty one may share a static, uncounted storage).
    @inline(__always)
    private static func address(_ xs: [Value]) -> UnsafeMutableRawPointer {
        unsafeBitCast(xs, to: UnsafeMutableRawPointer.self)
    }

    /// The elements of an array's storage, valid while the storage lives unchanged: during a
    /// scan, as a box or a closure holds it and nothing runs.
    @inline(__always)
    private static func elements(_ xs: [Value]) -> UnsafeBufferPointer<Value> {
        xs.withUnsafeBufferPointer { $0 }
    }
}

/// The runtime's strong reference count of a Swift object (1 for an object held once).
@_silgen_name("swift_retainCount")
private func swiftRetainCount(_ object: UnsafeMutableRawPointer) -> Int

#if DEBUG
private struct WeakObject {
    weak var object: AnyObject?
    init(_ object: AnyObject) { self.object = object }
}
#endif
