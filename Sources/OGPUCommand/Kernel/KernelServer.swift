import CZMQ
#if canImport(FoundationEssentials)
import FoundationEssentials
import Glibc
import Dispatch
#else
import Foundation
#endif
import OGPUKit
import OGPUPrimitives
import OGPUScript

/// The signal handler's only state: the write end of a pipe the control thread polls.
nonisolated(unsafe) private var kernelSignalPipe: Int32 = -1

/// A Jupyter kernel's sockets and threads. Four threads, no more:
/// - the session thread (a big stack, as every evaluation gets) reads the shell socket and runs
///   one request at a time — cells never overlap, and the language's values never leave it;
/// - the control thread answers control requests (interrupt, shutdown, kernel_info) at once, even
///   while a cell runs, turns SIGINT into an interrupt, flushes late output and watches the parent;
/// - the heartbeat thread echoes pings;
/// - the main thread waits for the session thread, then closes everything.
/// The kernel stops on `shutdown_request`, or when the process that started it is gone.
final class KernelServer: @unchecked Sendable {
    let connection: ConnectionInfo
    let signer: MessageSigner
    /// This kernel's session id, in every header it writes.
    let session = UUID().uuidString.lowercased()
    let context: ZMQContext
    let shell: ZMQSocket, control: ZMQSocket, iopub: ZMQSocket, stdin: ZMQSocket, heartbeat: ZMQSocket
    let host = KernelHost()
    /// What the session needs to start (its configuration, made on first use: see KernelShell).
    var pending: KernelSessionSetup

    private let lock = Lock()
    private var stopping = false
    /// Between `beginCell` and `endCell`.
    private var cellRunning = false
    private var restartRequested = false
    private var interruptTarget: InterruptFlag?
    private let parentAtStart = getppid()
    /// Signatures of the messages already accepted: a captured message sent again is refused, as
    /// jupyter_client's Session does. Bounded: the oldest are forgotten past `replayMemory`.
    private var seenSignatures = Set<[UInt8]>()
    private var seenOrder: [[UInt8]] = []
    static let replayMemory = 1 << 16
    /// The heartbeat and control threads signal when they have left their loops.
    private let threadsDone = DispatchSemaphore(value: 0)

    init(connection: ConnectionInfo, setup: KernelSessionSetup) throws {
        self.connection = connection
        signer = try MessageSigner(key: connection.key, scheme: connection.signatureScheme)
        pending = setup
        context = try ZMQContext()
        shell = try context.socket(ZMQ_ROUTER)
        control = try context.socket(ZMQ_ROUTER)
        iopub = try context.socket(ZMQ_PUB)
        stdin = try context.socket(ZMQ_ROUTER)
        heartbeat = try context.socket(ZMQ_REP)
        try shell.bind(connection.endpoint(connection.shellPort))
        try control.bind(connection.endpoint(connection.controlPort))
        try iopub.bind(connection.endpoint(connection.iopubPort))
        try stdin.bind(connection.endpoint(connection.stdinPort))
        try heartbeat.bind(connection.endpoint(connection.hbPort))
    }

    /// Runs until shutdown; returns the exit status.
    func run() -> Int32 {
        installSignalPipe()
        startThread("ogpu-kernel-heartbeat") { [self] in heartbeatLoop() }
        startThread("ogpu-kernel-control") { [self] in controlLoop() }
        publish("status", .object([("execution_state", .string("starting"))]), parent: .object([]))
        ScriptSession.onBigStack { [self] in shellLoop() }
        // Sockets are closed only once no other thread is inside a call on them.
        for _ in 0..<2 { _ = threadsDone.wait(timeout: .now() + 2) }
        for socket in [shell, control, iopub, stdin, heartbeat] { socket.close() }
        context.terminate()
        return ExitStatus.success
    }

    var isStopping: Bool { lock.withLock { stopping } }

    /// Ends the kernel: the running cell is interrupted, the session thread leaves its loop. A
    /// cell stuck where interrupts do not reach (a call into C) gets 5 s before the process exits.
    func stop() {
        let first: Bool = lock.withLock { defer { stopping = true }; return !stopping }
        guard first else { return }
        interrupt()
        startThread("ogpu-kernel-stop") {
            sleep(5)
            exit(ExitStatus.success)
        }
    }

    /// The session thread names the flag its evaluations watch.
    func setInterruptTarget(_ flag: InterruptFlag) { lock.withLock { interruptTarget = flag } }

    /// An interrupt stops the cell that runs now, or the one just announced (its `execute_input`
    /// went out) that has not reached the interpreter yet; with no cell running it does nothing,
    /// so it can never stop a later cell.
    func interrupt() { lock.withLock { cellRunning ? interruptTarget : nil }?.raise() }

    /// Called as a cell is announced: a stale interrupt is dropped and later ones count.
    func beginCell() { lock.withLock { interruptTarget?.lower(); cellRunning = true } }
    func endCell() { lock.withLock { cellRunning = false } }

    // MARK: - Sending

    /// A message on iopub (status, streams, results). The socket is shared by the session and
    /// control threads, so sends go one at a time.
    func publish(_ type: String, _ content: JSONValue, parent: JSONValue) {
        var message = KernelMessage(header: KernelWire.header(type: type, session: session), parentHeader: parent, content: content)
        message.identities = [Array("kernel.\(session).\(type)".utf8)]
        let frames = KernelWire.encode(message, signer: signer)
        lock.withLock { _ = iopub.send(frames) }
    }

    /// A reply to `request` on the socket it came from (routed back by its identities).
    func reply(_ request: KernelMessage, type: String, _ content: JSONValue, on socket: ZMQSocket) {
        let message = KernelMessage(identities: request.identities, header: KernelWire.header(type: type, session: session),
                                    parentHeader: request.header, content: content)
        socket.send(KernelWire.encode(message, signer: signer))
    }

    /// The next request on `socket` within `timeout` ms. A message that fails its signature or
    /// does not parse is dropped (and named on stderr, which jupyter_client keeps in its log).
    func receive(on socket: ZMQSocket, timeout: Int) -> KernelMessage? {
        guard let frames = socket.receive(timeout: timeout) else { return nil }
        do {
            let message = try KernelWire.decode(frames, signer: signer)
            if !connection.key.isEmpty, let signature = frames.drop(while: { $0 != KernelMessage.delimiter }).dropFirst().first {
                let fresh: Bool = lock.withLock {
                    guard seenSignatures.insert(signature).inserted else { return false }
                    seenOrder.append(signature)
                    if seenOrder.count > Self.replayMemory {
                        for old in seenOrder.prefix(Self.replayMemory / 2) { seenSignatures.remove(old) }
                        seenOrder.removeFirst(Self.replayMemory / 2)
                    }
                    return true
                }
                guard fresh else { throw KernelWire.DecodeError.replayed }
            }
            return message
        } catch {
            fputs("ogpu kernel: ignored a message: \(error)\n", stderr)
            return nil
        }
    }

    // MARK: - Threads

    /// A detached pthread running `body` (`name` says what it is for; Foundation's Thread, which
    /// could name it, would bring the full Foundation and ICU into the binary).
    private func startThread(_ name: String, _ body: @escaping @Sendable () -> Void) {
        if !DetachedThread.start(body) { body() }
    }

    private func heartbeatLoop() {
        defer { threadsDone.signal() }
        while !isStopping {
            if let ping = heartbeat.receive(timeout: 200) { heartbeat.send(ping) }
        }
    }

    private func controlLoop() {
        defer { threadsDone.signal() }
        var signalByte: UInt8 = 0
        let signalRead = kernelSignalReadEnd
        while !isStopping {
            var waited = false
            if signalRead >= 0 {
                waited = true
                if control.wait(readable: 100, orFileDescriptor: signalRead).fileDescriptor {
                    _ = read(signalRead, &signalByte, 1)
                    interrupt()
                }
            }
            if let request = receive(on: control, timeout: waited ? 0 : 100) { handleControl(request) }
            host.flushIfStale()
            // Reparented: whoever started the kernel is gone, and nobody will shut it down.
            if getppid() != parentAtStart { stop() }
        }
    }

    private func handleControl(_ request: KernelMessage) {
        publish("status", .object([("execution_state", .string("busy"))]), parent: request.header)
        defer { publish("status", .object([("execution_state", .string("idle"))]), parent: request.header) }
        switch request.type {
        case "shutdown_request":
            let restart = request.content["restart"]?.boolValue ?? false
            reply(request, type: "shutdown_reply", .object([("status", .string("ok")), ("restart", .bool(restart))]), on: control)
            stop()
        case "interrupt_request":
            interrupt()
            reply(request, type: "interrupt_reply", .object([("status", .string("ok"))]), on: control)
        case "kernel_info_request":
            reply(request, type: "kernel_info_reply", KernelShell.kernelInfo, on: control)
        default:
            // Not a control request this kernel knows (debug_request...): say so rather than stay silent.
            let replyType = request.type.hasSuffix("_request") ? String(request.type.dropLast(8)) + "_reply" : "error_reply"
            reply(request, type: replyType, .object([("status", .string("error")), ("ename", .string("unsupported")),
                                                     ("evalue", .string("\(request.type) is not supported by the ogpu kernel")),
                                                     ("traceback", .array([]))]), on: control)
        }
    }

    // MARK: - SIGINT

    private var kernelSignalReadEnd: Int32 = -1

    /// SIGINT (what jupyter_client sends in "signal" interrupt mode, or Ctrl-C in the terminal
    /// that started the kernel) interrupts the running cell; it never ends the kernel.
    private func installSignalPipe() {
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else { return }
        _ = fcntl(fds[1], F_SETFL, O_NONBLOCK)
        kernelSignalReadEnd = fds[0]
        kernelSignalPipe = fds[1]
        signal(SIGINT) { _ in
            var byte: UInt8 = 1
            _ = write(kernelSignalPipe, &byte, 1)
        }
    }
}
