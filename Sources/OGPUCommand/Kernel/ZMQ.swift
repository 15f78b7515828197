import CZMQ
#if canImport(FoundationEssentials)
import FoundationEssentials
import Glibc
import Dispatch
#else
import Foundation
#endif

/// A thin layer over libzmq (opened at run time, see Sources/CZMQ/shim.h): a context, sockets
/// that bind, send and receive multipart messages, and a poll with a timeout. Nothing here knows
/// about Jupyter.
struct ZMQError: Error, CustomStringConvertible {
    let description: String
}

final class ZMQContext: @unchecked Sendable {
    /// libzmq's entry points; loaded once per process.
    nonisolated(unsafe) static var api = ogpu_zmq()
    private let handle: UnsafeMutableRawPointer

    init() throws {
        if let failure = ogpu_zmq_load(&ZMQContext.api) {
            throw ZMQError(description: "cannot load libzmq (\(String(cString: failure))); install the libzmq5 package")
        }
        guard let handle = ZMQContext.api.ctx_new() else { throw ZMQError(description: "zmq_ctx_new failed") }
        self.handle = handle
    }

    func socket(_ type: Int32) throws -> ZMQSocket {
        guard let raw = ZMQContext.api.socket(handle, type) else { throw ZMQSocket.lastError("zmq_socket") }
        return ZMQSocket(raw)
    }

    /// Waits for the sockets to close; each socket has a short linger, so this is bounded.
    func terminate() { _ = ZMQContext.api.ctx_term(handle) }
}

/// One socket. A ZeroMQ socket is not thread-safe: each is used by one thread, except iopub,
/// which the kernel guards with a lock.
final class ZMQSocket: @unchecked Sendable {
    private let handle: UnsafeMutableRawPointer
    private var closed = false
    /// A message may not be larger than this (a hostile peer cannot make the kernel allocate more).
    static let maxMessageBytes: Int64 = 64 << 20

    fileprivate init(_ handle: UnsafeMutableRawPointer) {
        self.handle = handle
        // Pending messages are dropped 1 s after close, so shutting down never hangs on a gone client.
        _ = setOption(ZMQ_LINGER, 1000)
        var limit = Self.maxMessageBytes   // an int64_t option
        _ = ZMQContext.api.setsockopt(handle, ZMQ_MAXMSGSIZE, &limit, MemoryLayout<Int64>.size)
    }

    static func lastError(_ call: String) -> ZMQError {
        ZMQError(description: "\(call): \(ZMQContext.api.strerror(ZMQContext.api.errno_()).map { String(cString: $0) } ?? "unknown error")")
    }

    @discardableResult
    func setOption(_ option: Int32, _ value: Int32) -> Bool {
        var v = value
        return ZMQContext.api.setsockopt(handle, option, &v, MemoryLayout<Int32>.size) == 0
    }

    func bind(_ endpoint: String) throws {
        guard ZMQContext.api.bind(handle, endpoint) == 0 else { throw Self.lastError("bind \(endpoint)") }
    }

    /// Sends every frame, all but the last with SNDMORE. False when the socket refused one.
    @discardableResult
    func send(_ frames: [[UInt8]]) -> Bool {
        for (i, frame) in frames.enumerated() {
            let flags = i == frames.count - 1 ? 0 : ZMQ_SNDMORE
            let rc = frame.withUnsafeBytes { ZMQContext.api.send(handle, $0.baseAddress, $0.count, flags) }
            if rc < 0 { return false }
        }
        return true
    }

    /// The next multipart message, waiting at most `timeout` milliseconds; nil when none came.
    func receive(timeout: Int) -> [[UInt8]]? {
        guard wait(readable: timeout) else { return nil }
        var frames: [[UInt8]] = []
        while true {
            var message = zmq_msg_t()
            _ = ZMQContext.api.msg_init(&message)
            defer { _ = ZMQContext.api.msg_close(&message) }
            if ZMQContext.api.msg_recv(&message, handle, 0) < 0 {
                if ZMQContext.api.errno_() == EINTR { continue }
                return frames.isEmpty ? nil : frames
            }
            let size = ZMQContext.api.msg_size(&message)
            if let data = ZMQContext.api.msg_data(&message) {
                frames.append(Array(UnsafeRawBufferPointer(start: data, count: size)))
            } else {
                frames.append([])
            }
            if ZMQContext.api.msg_more(&message) == 0 { return frames }
        }
    }

    /// True when a message can be read within `timeout` milliseconds.
    func wait(readable timeout: Int) -> Bool {
        var item = zmq_pollitem_t(socket: handle, fd: -1, events: Int16(ZMQ_POLLIN), revents: 0)
        let rc = ZMQContext.api.poll(&item, 1, timeout)
        return rc > 0 && (item.revents & Int16(ZMQ_POLLIN)) != 0
    }

    /// Waits at most `timeout` ms for this socket to be readable or `fd` (a plain file
    /// descriptor, such as a signal pipe) to have bytes; says which did.
    func wait(readable timeout: Int, orFileDescriptor fd: Int32) -> (socket: Bool, fileDescriptor: Bool) {
        var items = [zmq_pollitem_t(socket: handle, fd: -1, events: Int16(ZMQ_POLLIN), revents: 0),
                     zmq_pollitem_t(socket: nil, fd: fd, events: Int16(ZMQ_POLLIN), revents: 0)]
        guard ZMQContext.api.poll(&items, 2, timeout) > 0 else { return (false, false) }
        return ((items[0].revents & Int16(ZMQ_POLLIN)) != 0, (items[1].revents & Int16(ZMQ_POLLIN)) != 0)
    }

    func close() {
        guard !closed else { return }
        closed = true
        _ = ZMQContext.api.close(handle)
    }
}
