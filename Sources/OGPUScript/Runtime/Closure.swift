/// A variable captured by a closure. Captured variables live in boxes so the closure and the
/// scope that declared them share one storage cell (§4: closures capture by reference); each
/// execution of a declaration makes a fresh box, so each loop iteration gets its own variable.
public final class Box {
    public var value: Value
    init(_ value: Value) { self.value = value }
}

/// Where the resolver put a variable.
enum Storage {
    /// A plain local in the current frame (never captured).
    case slot(Int)
    /// A local that some closure captures: lives in a box held by the frame.
    case cell(Int)
    /// A variable of an enclosing function, reached through the running closure's captures.
    case capture(Int)
    /// A top-level name.
    case global(Int)
}

/// One activation of a function (or of the top level): its locals and boxes.
final class Frame {
    let slots: UnsafeMutablePointer<Value>
    let slotCount: Int
    var cells: ContiguousArray<Box>
    var captures: [Box]
    // unowned(unsafe): the session owns the context and outlives every frame; a checked
    // `unowned` costs an atomic retain/release on each of millions of reads.
    unowned(unsafe) var context: CallContext
    /// Set by `return`.
    var returnValue: Value = .null

    init(slotCount: Int, cellCount: Int, captures: [Box], context: CallContext) {
        self.slotCount = slotCount
        slots = UnsafeMutablePointer<Value>.allocate(capacity: max(slotCount, 1))
        slots.initialize(repeating: .null, count: max(slotCount, 1))
        cells = cellCount == 0 ? Frame.noCells : ContiguousArray(repeating: Frame.unsetBox, count: cellCount)
        self.captures = captures
        self.context = context
    }

    deinit {
        slots.deinitialize(count: max(slotCount, 1))
        slots.deallocate()
    }

    /// Placeholder in cell slots before their declaration runs (never read: the resolver only
    /// lets code read a cell after its declaration, or a capture made after it).
    static let unsetBox = Box(.null)

    /// Empty arrays that are ordinary heap objects. A literal `[]` is the runtime's immortal empty
    /// singleton, and retaining an immortal object takes the slow reference-counting path: with
    /// two such retains and releases per call, that was a third of the time of `fib`.
    static let noCells: ContiguousArray<Box> = { var a = ContiguousArray<Box>(); a.reserveCapacity(1); return a }()
    static let noCaptures: [Box] = { var a = [Box](); a.reserveCapacity(1); return a }()
}

/// The compiled form of a function literal, shared by every closure made from it.
final class FunctionProto {
    let name: String
    let parameters: [String]
    let parameterStorage: [Storage]
    let parameterCount: Int
    /// Parameter i lives in slot i (none is captured): arguments are stored without a switch.
    let simpleParameters: Bool
    /// Default value per parameter (evaluated in the callee's frame, so `b = a * 2` works).
    let defaults: [((Frame) throws -> Value)?]
    var slotCount = 0
    var cellCount = 0
    /// Runs the body; the function's value (explicit `return`, or the last expression).
    var body: (Frame) throws -> Value = { _ in .null }
    let location: SourceLocation
    /// Frames of finished calls, ready for the next call. No frame outlives its call (closures
    /// capture boxes, not frames), so a call takes one from here instead of allocating two blocks
    /// (the object and its slots) and freeing them on return: a third of a small call's cost.
    private var spareFrames: [Frame] = []

    init(name: String, parameters: [String], parameterStorage: [Storage],
         defaults: [((Frame) throws -> Value)?], location: SourceLocation) {
        self.name = name
        self.parameters = parameters
        self.parameterStorage = parameterStorage
        parameterCount = parameters.count
        simpleParameters = parameterStorage.enumerated().allSatisfy { i, s in
            if case .slot(let k) = s { return k == i }
            return false
        }
        self.defaults = defaults
        self.location = location
    }
}

extension FunctionProto {
    /// A frame for a call: a spare one if there is one, else a new one.
    @inline(__always)
    func takeFrame(captures: [Box], context: CallContext) -> Frame {
        if let frame = spareFrames.popLast() {
            frame.captures = captures
            frame.context = context
            return frame
        }
        return Frame(slotCount: slotCount, cellCount: cellCount, captures: captures, context: context)
    }

    /// Runs the body in `frame`, then clears the frame and keeps it for the next call.
    @inline(__always)
    func run(_ frame: Frame, at location: SourceLocation?) throws -> Value {
        defer { recycle(frame) }
        return try frame.context.enter(at: location) { try body(frame) }
    }

    @inline(__always)
    private func recycle(_ frame: Frame) {
        // Nothing keeps a frame past its call: compiled code receives it as an argument and never
        // stores it, and closures copy out the boxes they capture. (A uniqueness check cannot
        // help here: the caller's own reference is still live at this point.)
        guard spareFrames.count < 32 else { return }
        frame.slots.update(repeating: .null, count: slotCount)
        for i in 0..<cellCount { frame.cells[i] = Frame.unsetBox }
        frame.captures = Frame.noCaptures
        frame.returnValue = .null
        spareFrames.append(frame)
    }
}

/// A script function value: its compiled code plus the boxes it captured.
public final class Closure {
    let proto: FunctionProto
    let captures: [Box]

    init(proto: FunctionProto, captures: [Box]) {
        self.proto = proto
        self.captures = captures.isEmpty ? Frame.noCaptures : captures
    }

    public var name: String { proto.name }

    /// Binds arguments (positional, then named; defaults for the rest) and runs the body.
    func invoke(_ positional: [Value], named: [(name: String, value: Value)], context: CallContext,
                at location: SourceLocation?) throws -> Value {
        let p = proto
        let n = p.parameters.count
        if positional.count > n {
            throw ScriptError(.value, "\(p.name)() takes \(n) argument\(n == 1 ? "" : "s"), got \(positional.count)", at: location)
        }
        let frame = p.takeFrame(captures: captures, context: context)
        var given = [Bool](repeating: false, count: n)
        for i in 0..<positional.count {
            store(positional[i], p.parameterStorage[i], frame)
            given[i] = true
        }
        for (label, value) in named {
            guard let i = p.parameters.firstIndex(of: label) else {
                throw ScriptError(.name, "\(p.name)() has no parameter named `\(label)`", at: location)
            }
            if given[i] { throw ScriptError(.name, "\(p.name)() got parameter `\(label)` twice", at: location) }
            store(value, p.parameterStorage[i], frame)
            given[i] = true
        }
        for i in 0..<n where !given[i] {
            guard let d = p.defaults[i] else {
                throw ScriptError(.value, "\(p.name)() is missing its argument `\(p.parameters[i])`", at: location)
            }
            store(try d(frame), p.parameterStorage[i], frame)
        }
        return try p.run(frame, at: location)
    }

    /// Fast path for positional-only calls with exactly the declared count.
    @inline(__always)
    func invokePositional(_ args: UnsafeBufferPointer<Value>, context: CallContext, at location: SourceLocation) throws -> Value {
        let p = proto
        let frame = p.takeFrame(captures: captures, context: context)
        for i in 0..<args.count { store(args[i], p.parameterStorage[i], frame) }
        return try p.run(frame, at: location)
    }

    @inline(__always)
    private func store(_ v: Value, _ s: Storage, _ frame: Frame) {
        switch s {
        case .slot(let i): frame.slots[i] = v
        case .cell(let i): frame.cells[i] = Box(v)
        default: break
        }
    }
}

extension CallContext {
    /// Counts call depth (raising `"overflow"` past the limit) and checks for Ctrl-C once per call.
    @inline(__always)
    func enter(at location: SourceLocation?, _ body: () throws -> Value) throws -> Value {
        if depth >= maxDepth {
            throw ScriptError(.overflow, "recursion deeper than \(maxDepth) calls", at: location)
        }
        try checkInterrupt()
        depth += 1
        defer { depth -= 1 }
        return try body()
    }
}
