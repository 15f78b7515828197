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
    /// The running closure's captured boxes: borrowed from the closure, which the caller keeps
    /// alive for the whole call, so setting it per call costs no reference counting.
    var captures: UnsafePointer<Box>
    /// Unmanaged: the session owns the context and outlives every frame. Reading it as a plain
    /// reference costs a retain and a release; the call path borrows it instead (see `run`).
    var contextRef: Unmanaged<CallContext>
    var context: CallContext { contextRef.takeUnretainedValue() }
    /// Set by `return`.
    var returnValue: Value = .null
    /// The next frame in its function's list of spare frames (see `FunctionProto.takeFrame`).
    var nextSpare: Unmanaged<Frame>?

    convenience init(slotCount: Int, cellCount: Int, captures: UnsafePointer<Box>, context: CallContext) {
        self.init(slotCount: slotCount, cellCount: cellCount, captures: captures, contextRef: .passUnretained(context))
    }

    init(slotCount: Int, cellCount: Int, captures: UnsafePointer<Box>, contextRef: Unmanaged<CallContext>) {
        self.slotCount = slotCount
        slots = UnsafeMutablePointer<Value>.allocate(capacity: max(slotCount, 1))
        slots.initialize(repeating: .null, count: max(slotCount, 1))
        cells = cellCount == 0 ? Frame.noCells : ContiguousArray(repeating: Frame.unsetBox, count: cellCount)
        self.captures = captures
        self.contextRef = contextRef
    }

    /// Stores an argument where the callee's resolver put the parameter.
    @inline(__always)
    func bind(_ v: Value, _ storage: Storage) {
        switch storage {
        case .slot(let i): slots[i] = v
        case .cell(let i): cells[i] = Box(v)
        default: break
        }
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
    /// Captures of a frame that has none (the top level): never read.
    static let noCaptures = UnsafePointer(UnsafeMutablePointer<Box>.allocate(capacity: 1))
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
    let slotCount: Int
    let cellCount: Int
    /// Runs the body; the function's value (explicit `return`, or the last expression). A `let`:
    /// a call borrows it, where a `var` would be retained and released around every call.
    let body: (Frame) throws -> Value
    let location: SourceLocation
    /// Frames of finished calls, ready for the next call. No frame outlives its call (closures
    /// capture boxes, not frames), so a call takes one from here instead of allocating two blocks
    /// (the object and its slots) and freeing them on return: a third of a small call's cost.
    /// A list linked through `Frame.nextSpare`; each listed frame is retained once by the list.
    private var spareFrames: Unmanaged<Frame>?
    private var spareCount = 0

    deinit {
        var next = spareFrames
        while let spare = next { next = spare.takeRetainedValue().nextSpare }
    }

    init(name: String, parameters: [String], parameterStorage: [Storage],
         defaults: [((Frame) throws -> Value)?], location: SourceLocation,
         slotCount: Int, cellCount: Int, body: @escaping (Frame) throws -> Value) {
        self.slotCount = slotCount
        self.cellCount = cellCount
        self.body = body
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
    /// One call: takes a frame (a spare one if there is one), lets `fill` store the arguments,
    /// runs the body, then clears the frame and keeps it for the next call.
    ///
    /// The frame travels as an `Unmanaged` reference that owns the spare list's count, so a call
    /// does no reference counting on it at all. Every slot of the frame `fill` gets is nil, so an
    /// argument may be moved in with `initialize(to:)` (no release of what was there).
    @inline(__always)
    func call(captures: UnsafePointer<Box>, context: Unmanaged<CallContext>, at location: @autoclosure () -> SourceLocation?,
              fill: (Frame) throws -> Void) throws -> Value {
        let frame = takeFrame(captures: captures, context: context)
        let result: Value
        do {
            result = try frame._withUnsafeGuaranteedRef { f in
                try fill(f)
                return try context._withUnsafeGuaranteedRef { try $0.enter(at: location()) { try body(f) } }
            }
        } catch {
            recycleAfterError(frame)
            throw error
        }
        // The normal return is inlined into the call site; an error's is not (measured on tak:
        // the shared `defer` was a call of ~90 instructions per script call).
        recycle(frame)
        return result
    }

    @inline(__always)
    private func takeFrame(captures: UnsafePointer<Box>, context: Unmanaged<CallContext>) -> Unmanaged<Frame> {
        if let spare = spareFrames {
            spare._withUnsafeGuaranteedRef { frame in
                spareFrames = frame.nextSpare
                frame.captures = captures
                frame.contextRef = context
            }
            spareCount &-= 1
            return spare
        }
        return newFrame(captures: captures, context: context)
    }

    @inline(never)
    private func newFrame(captures: UnsafePointer<Box>, context: Unmanaged<CallContext>) -> Unmanaged<Frame> {
        .passRetained(Frame(slotCount: slotCount, cellCount: cellCount, captures: captures, contextRef: context))
    }

    /// After a normal return. The body's value was moved out of `returnValue` (`takeReturnValue`),
    /// so only the slots and cells need clearing.
    @inline(__always)
    private func recycle(_ spare: Unmanaged<Frame>) {
        // Nothing keeps a frame past its call: compiled code receives it as an argument and never
        // stores it, and closures copy out the boxes they capture.
        guard spareCount < 32 else { spare.release(); return }
        spare._withUnsafeGuaranteedRef { frame in
            #if DEBUG
            if case .null = frame.returnValue {} else { preconditionFailure("a call returned without taking its return value") }
            #endif
            // Every slot starts the next call as nil (a parameter's default may read a later
            // parameter's slot before it is bound, and `fill` moves arguments in). Nil, bools and
            // ints hold no reference, so they are overwritten in place; others are released out of line.
            let slots = frame.slots
            for i in 0..<slotCount {
                if slots[i].isPlainData { (slots + i).initialize(to: .null) } else { Frame.clear(slots + i) }
            }
            if cellCount > 0 { frame.clearCells() }
            frame.nextSpare = spareFrames
        }
        spareFrames = spare
        spareCount &+= 1
    }

    /// After an error: the frame may hold anything (a return value too), so all is cleared.
    @inline(never)
    private func recycleAfterError(_ spare: Unmanaged<Frame>) {
        spare._withUnsafeGuaranteedRef { frame in
            if case .null = frame.returnValue {} else { frame.returnValue = .null }
        }
        recycle(spare)
    }
}

extension Frame {
    /// Releases a slot's value, leaving nil (out of line: most slots hold plain data).
    @inline(never)
    static func clear(_ slot: UnsafeMutablePointer<Value>) {
        slot.pointee = .null
    }

    @inline(never)
    func clearCells() {
        for i in 0..<cells.count { cells[i] = Frame.unsetBox }
    }

    /// The value a `return` left, moved out (the frame is reused with `returnValue` nil).
    @inline(__always)
    func takeReturnValue() -> Value {
        var v = Value.null
        swap(&v, &returnValue)
        return v
    }
}

/// A script function value: its compiled code plus the boxes it captured.
public struct ClosureHeader {
    let proto: FunctionProto
    /// `proto` without reference counting, for calls (the closure keeps it alive).
    let protoRef: Unmanaged<FunctionProto>
    let captureCount: Int
    /// The closure's own elements: the captured boxes, numbered as the resolver numbered the
    /// function's captures. Frames borrow them as this plain pointer.
    var captures: UnsafePointer<Box>
    /// The session's list of closures that can close a cycle (see CycleCollector); not owning.
    var tracker: Unmanaged<CycleCollector>? = nil
    var nextTracked: Unmanaged<Closure>? = nil
    var previousTracked: Unmanaged<Closure>? = nil
}

/// The captured boxes are stored in the closure object itself (a `ManagedBuffer`'s elements):
/// one allocation per closure instead of two, for a closure-making loop a twelfth of its time.
public final class Closure: ManagedBuffer<ClosureHeader, Box> {
    /// `initialize` must initialize all `captureCount` boxes of the storage it is given.
    static func make(proto: FunctionProto, captureCount: Int, _ initialize: (UnsafeMutablePointer<Box>) -> Void) -> Closure {
        let buffer = Closure.create(minimumCapacity: captureCount) { buffer in
            buffer.withUnsafeMutablePointerToElements { elements in
                initialize(elements)
                return ClosureHeader(proto: proto, protoRef: .passUnretained(proto), captureCount: captureCount,
                                     captures: UnsafePointer(elements))
            }
        }
        #if DEBUG
        liveCount += 1
        #endif
        return unsafeDowncast(buffer, to: Closure.self)
    }

    #if DEBUG
    /// Closures alive in the process (debug builds only), for tests that check what is freed.
    nonisolated(unsafe) static var liveCount = 0
    #endif

    deinit {
        #if DEBUG
        Closure.liveCount -= 1
        #endif
        untrack()
        let count = header.captureCount
        withUnsafeMutablePointerToElements { elements in
            for i in 0..<count { _ = (elements + i).move() }
        }
    }

    var proto: FunctionProto { header.proto }
    var protoRef: Unmanaged<FunctionProto> { header.protoRef }
    var captures: UnsafePointer<Box> { header.captures }
    var captureCount: Int { header.captureCount }
    var tracker: Unmanaged<CycleCollector>? {
        get { header.tracker }
        set { header.tracker = newValue }
    }
    var nextTracked: Unmanaged<Closure>? {
        get { header.nextTracked }
        set { header.nextTracked = newValue }
    }
    var previousTracked: Unmanaged<Closure>? {
        get { header.previousTracked }
        set { header.previousTracked = newValue }
    }

    public var name: String { proto.name }

    /// Binds arguments (positional, then named; defaults for the rest) and runs the body.
    func invoke(_ positional: [Value], named: [(name: String, value: Value)], context: CallContext,
                at location: SourceLocation?) throws -> Value {
        let p = proto
        let n = p.parameters.count
        // Errors about one argument leave their place to the caller (`CallContext.call`).
        if positional.count > n {
            throw ScriptError(.value, "\(p.name)() takes \(n) argument\(n == 1 ? "" : "s"), got \(positional.count)",
                              argument: ArgumentRef(position: n),
                              help: n == 0 ? "call it with no arguments: `\(p.name)()`" : "its parameters are \(p.parameters.map { "`\($0)`" }.joined(separator: ", "))")
        }
        if named.isEmpty && positional.count == n {
            // Every parameter given by position (the common case): no bookkeeping of which are set.
            return try p.call(captures: captures, context: .passUnretained(context), at: location) { frame in
                for i in 0..<n { frame.bind(positional[i], p.parameterStorage[i]) }
            }
        }
        return try p.call(captures: captures, context: .passUnretained(context), at: location) { frame in
            var given = [Bool](repeating: false, count: n)
            for i in 0..<positional.count {
                frame.bind(positional[i], p.parameterStorage[i])
                given[i] = true
            }
            for (label, value) in named {
                guard let i = p.parameters.firstIndex(of: label) else {
                    throw ScriptError(.name, "\(p.name)() has no parameter named `\(label)`",
                                      argument: ArgumentRef(label: label, atLabel: true),
                                      help: ScriptError.parameterHelp(label, p.parameters))
                }
                if given[i] {
                    throw ScriptError(.name, "\(p.name)() got parameter `\(label)` twice", argument: ArgumentRef(label: label, atLabel: true),
                                      help: "`\(label)` is also given by position; pass it once")
                }
                frame.bind(value, p.parameterStorage[i])
                given[i] = true
            }
            for i in 0..<n where !given[i] {
                guard let d = p.defaults[i] else {
                    throw ScriptError(.value, "\(p.name)() is missing its argument `\(p.parameters[i])`", at: location)
                }
                frame.bind(try d(frame), p.parameterStorage[i])
            }
        }
    }

    /// Fast path for positional-only calls with exactly the declared count.
    @inline(__always)
    func invokePositional(_ args: UnsafeBufferPointer<Value>, context: CallContext, at location: SourceLocation) throws -> Value {
        let p = proto
        return try p.call(captures: captures, context: .passUnretained(context), at: location) { frame in
            for i in 0..<args.count { frame.bind(args[i], p.parameterStorage[i]) }
        }
    }
}

extension CallContext {
    /// Out of line, for the same reason as `interruption`.
    @inline(never)
    static func overflow(_ limit: Int, at location: SourceLocation?) -> ScriptError {
        ScriptError(.overflow, "recursion deeper than \(limit) calls", at: location)
    }

    /// Counts call depth (raising `"overflow"` past the limit) and checks for Ctrl-C once per call.
    @inline(__always)
    func enter(at location: @autoclosure () -> SourceLocation?, _ body: () throws -> Value) throws -> Value {
        if depth >= maxDepth { throw CallContext.overflow(maxDepth, at: location()) }
        try checkInterrupt()
        depth &+= 1
        defer { depth &-= 1 }
        return try body()
    }
}
