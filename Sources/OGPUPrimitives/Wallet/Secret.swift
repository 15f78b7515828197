#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A private key's hex or a keystore password, in its own allocation: wiped by `wipe()` or when
/// released, and printed as `<redacted>` in every form Swift can print it (interpolation, `print`,
/// `dump`, debugger descriptions). Code that needs the bytes borrows them (`withBytes`).
///
/// What Swift allows and what it does not: the bytes here are wiped (explicit_bzero, which the
/// optimiser cannot drop). A Swift `String` the secret was made from (a command-line argument)
/// cannot be wiped — its storage is immutable and may have been copied — so secrets are read as
/// bytes wherever possible (`takeEnvironment`, the password prompt) and never become a `String`.
///
/// Sendable: `storage` is written once in `init` and only read (then wiped in `wipe()`/`deinit`,
/// which its owner calls when no other thread still borrows the bytes).
public final class Secret: @unchecked Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    private let storage: UnsafeMutableRawBufferPointer

    /// Copies `bytes`; the caller wipes its own copy if it can.
    public init<Bytes: Collection>(bytes: Bytes) where Bytes.Element == UInt8 {
        storage = UnsafeMutableRawBufferPointer.allocate(byteCount: max(bytes.count, 1), alignment: 16)
        storage.initializeMemory(as: UInt8.self, repeating: 0)
        UnsafeMutableRawBufferPointer(rebasing: storage[0..<bytes.count]).copyBytes(from: bytes)
        count = bytes.count
        ProcessHardening.protectSecrets()
    }

    /// From text that is already a `String` (a command-line flag): that String cannot be wiped.
    public convenience init(_ text: String) {
        self.init(bytes: Array(text.utf8))
    }

    /// Reads an environment variable holding a secret as bytes, then zeroes the variable's text in
    /// place (also what /proc/PID/environ shows) and removes it from the environment, so neither
    /// a script (`env()`), a child process nor a later reader of the environment sees it.
    /// nil when the variable is not set or empty.
    public static func takeEnvironment(_ name: String) -> Secret? {
        guard let text = getenv(name) else { return nil }
        let length = strlen(text)
        let secret = length > 0 ? Secret(bytes: UnsafeRawBufferPointer(start: text, count: length)) : nil
        explicit_bzero(text, length)
        unsetenv(name)
        return secret
    }

    /// Number of bytes.
    public let count: Int

    /// Lends the bytes for the duration of `body`; do not let them escape.
    public func withBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try body(UnsafeRawBufferPointer(rebasing: storage[0..<count]))
    }

    /// Zeroes the bytes now (the object stays usable, holding zeros).
    public func wipe() {
        if let base = storage.baseAddress { explicit_bzero(base, storage.count) }
    }

    deinit {
        wipe()
        storage.deallocate()
    }

    public var description: String { "<redacted>" }
    public var debugDescription: String { "<redacted>" }
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}

extension PrivateKey {
    /// A key from hex text held in a `Secret` (64 digits, optional `0x`, surrounding whitespace
    /// ignored); no `String` copy of the key is made.
    public convenience init(hex secret: Secret) throws {
        var digits = secret.withBytes { Array($0) }
        defer { PrivateKey.wipe(&digits) }
        try self.init(hexDigits: digits)
    }
}

/// Settings that keep secrets in memory out of other hands while the process holds them.
public enum ProcessHardening {
    nonisolated(unsafe) private static var done = false

    /// No core dumps (a dump would write the key to disk) and not dumpable: other processes of the
    /// same user cannot ptrace this one or read its memory through /proc/PID/mem. Once set it stays
    /// set until the process ends (a key's copies may outlive the key object). Idempotent.
    public static func protectSecrets() {
        guard !done else { return }
        done = true
        var none = rlimit(rlim_cur: 0, rlim_max: 0)
        _ = setrlimit(Int32(RLIMIT_CORE.rawValue), &none)
        #if os(Linux)
        setNotDumpable()
        #endif
    }

    /// Whether core dumps are off (RLIMIT_CORE is 0), for tests and `docs/security.md`'s claims.
    public static var coreDumpsDisabled: Bool {
        var limit = rlimit()
        return getrlimit(Int32(RLIMIT_CORE.rawValue), &limit) == 0 && limit.rlim_cur == 0
    }

    #if os(Linux)
    /// `prctl(PR_SET_DUMPABLE, 0)`. prctl is variadic in C, which Swift cannot call, so it is called
    /// through a fixed five-argument signature: the kernel reads exactly those registers, and glibc's
    /// wrapper passes them on (the System V and AArch64 ABIs pass these integer arguments the same
    /// way for variadic and fixed calls).
    private static func setNotDumpable() {
        typealias Prctl = @convention(c) (Int32, UInt, UInt, UInt, UInt) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "prctl") else { return }
        let prctl = unsafeBitCast(symbol, to: Prctl.self)
        _ = prctl(4 /* PR_SET_DUMPABLE */, 0, 0, 0, 0)
    }

    /// Whether the process is marked not dumpable (`prctl(PR_GET_DUMPABLE)` is 0).
    public static var isDumpable: Bool {
        typealias Prctl = @convention(c) (Int32, UInt, UInt, UInt, UInt) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "prctl") else { return true }
        return unsafeBitCast(symbol, to: Prctl.self)(3 /* PR_GET_DUMPABLE */, 0, 0, 0, 0) != 0
    }
    #endif
}
