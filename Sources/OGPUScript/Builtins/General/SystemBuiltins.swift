#if canImport(FoundationEssentials)
import FoundationEssentials
import Glibc
import Dispatch
#else
import Foundation
#endif
import OGPUKit
import OGPUPrimitives

/// `env`, `address`, `now`, `time`, `sleep`, `error`, `retry`, `help` (§5).
enum SystemBuiltins {
    static let all: [BuiltinFunction] = [env, address, now, time, sleep, error, retry, help]

    static let env = BuiltinFunction("env", doc: """
        env("NAME") is the environment variable NAME as a string, or nil when it is not set. \
        Variables that hold keys or passwords (CLIENT_PRIVATE_KEY, OGPU_PASSWORD, and any name \
        containing PRIVATE_KEY, PASSWORD, PASSPHRASE or MNEMONIC) are refused with a "key" error.
        """) { args, _ in
        try args.noNamed(); try args.expectCount(1, 1)
        let name = try args.string(0, "name")
        if isSecretVariable(name) {
            throw ScriptError(.key, "env(\"\(name)\") is refused: that variable holds a key or password, which a script must never read (it could send it anywhere); ogpu hands the key to the signer itself")
        }
        guard !name.isEmpty, !name.contains("="), let value = getenv(name) else { return .null }
        return .string(String(cString: value))
    }

    /// The secrets ogpu reads from the environment, and names that announce one. Matched without
    /// regard to case, as the variables of some systems are.
    static func isSecretVariable(_ name: String) -> Bool {
        let upper = name.uppercased()
        if ["CLIENT_PRIVATE_KEY", "OGPU_PASSWORD"].contains(upper) { return true }
        return ["PRIVATE_KEY", "PRIVATEKEY", "PASSWORD", "PASSWD", "PASSPHRASE", "MNEMONIC"].contains { upper.contains($0) }
    }

    static let address = BuiltinFunction("address", doc: """
        address(s) turns "0x" + 40 hex digits into an address (printed EIP-55 checksummed). \
        Mixed-case text must carry a valid EIP-55 checksum; anything else is a "value" error. \
        Built-ins that take an address (task, task_at, balance, …) accept such strings too.
        """) { args, _ in
        try args.noNamed(); try args.expectCount(1, 1)
        return .address(try AddressArgument.convert(args.positional[0], parameter: "s", callee: "address"))
    }

    static let now = BuiltinFunction("now", doc: """
        now() is the current time (UTC, millisecond precision). `now() + 5m` is five minutes \
        from now; `t2 - t1` is a duration.
        """) { args, _ in
        try args.noNamed(); try args.expectCount(0, 0)
        return .time(currentTime())
    }

    static func currentTime() -> Dec {
        let ms = Int((Date().timeIntervalSince1970 * 1000).rounded(.down))
        return Dec(small: ms, scale: 3)
    }

    static let time = BuiltinFunction("time", doc: """
        time(unix) is the time `unix` seconds after 1970-01-01T00:00:00Z (an int or dec); \
        time("2025-01-01T00:00:00Z") parses ISO-8601. Times print as ISO-8601 in UTC.
        """) { args, _ in
        try args.noNamed(); try args.expectCount(1, 1)
        let v = args.positional[0]
        switch v {
        case .time: return v
        case .string(let s):
            guard let t = TimeFormat.parse(s) else { throw ScriptError(.value, "time(): `\(s)` is not an ISO-8601 time") }
            return .time(t)
        default:
            guard let d = v.decValue else { throw args.typeError("unix", expected: "a number of seconds", got: v) }
            return .time(d)
        }
    }

    static let sleep = BuiltinFunction("sleep", doc: """
        sleep(duration) pauses the script: `sleep 500ms`. Ctrl-C interrupts it.
        """) { args, ctx in
        try args.noNamed(); try args.expectCount(1, 1)
        guard case .duration(let d) = args.positional[0] else {
            throw args.typeError("duration", expected: "a duration (like 2s or 500ms)", got: args.positional[0])
        }
        try pause(d, ctx)
        return .null
    }

    /// Sleeps in short slices so Ctrl-C is noticed promptly.
    /// In a sandboxed session (fuzzing) time is virtual: a pause costs one step and returns.
    static func pause(_ seconds: Dec, _ ctx: CallContext) throws {
        guard !seconds.isNegative, !seconds.isZero else { return }
        if ctx.storage[Sandbox.storageKey] != nil { return try ctx.checkInterrupt() }
        let total = Double((seconds.rounded(digits: 6) * Dec(1_000_000)).description) ?? 0
        let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(min(total, 1e15)) * 1000
        while true {
            try ctx.checkInterrupt()
            let now = DispatchTime.now().uptimeNanoseconds
            if now >= deadline { return }
            let slice = min(deadline - now, 50_000_000)
            usleep(useconds_t(slice / 1000))
        }
    }

    static let error = BuiltinFunction("error", doc: """
        error(kind, message, data: nil) makes an error value (without raising it): \
        `throw error("quota", "too many tasks", data: {limit: 5})`. Caught errors have `.kind`, \
        `.message` and `.data`.
        """) { args, _ in
        try args.allowNamed(["data"]); try args.expectCount(2, 3)
        let bound = try args.bind(["kind", "message", "data"])
        let kind = try args.string(0, "kind")
        guard case .string(let message) = bound[1]! else { throw args.typeError("message", expected: "a string", got: bound[1]!) }
        let data = bound[2].flatMap { $0.isNilValue ? nil : $0 }
        return .error(ScriptError(kind: kind, message: message, data: data))
    }

    static let retry = BuiltinFunction("retry", doc: """
        retry(times, backoff: 1s) { … } runs the block, and if it raises an error runs it again, \
        up to `times` runs in all, waiting `backoff` before the first re-run and twice as long \
        before each next one. The block's value is returned; after the last failure its error \
        is raised again. Ctrl-C is never retried, and neither is a "pending" error (a transaction \
        that may already be on chain): it is raised at once, so a retry never sends twice.
        """) { args, ctx in
        try args.allowNamed(["backoff"]); try args.expectCount(2, 2)
        let times = try args.int(0, "times")
        if times < 1 { throw ScriptError(.value, "retry() needs `times` of at least 1") }
        let block = try args.function(1, "block")
        var delay = Dec(1)
        if let b = args.named("backoff") {
            guard case .duration(let d) = b else { throw args.typeError("backoff", expected: "a duration", got: b) }
            delay = d
        }
        var attempt = 1
        while true {
            do {
                return try ctx.call(block, [])
            } catch let e as ScriptError {
                if e.kind == ErrorKind.interrupted.rawValue || e.kind == ErrorKind.pending.rawValue || attempt >= times { throw e }
            }
            try pause(delay, ctx)
            delay = delay * Dec(2)
            attempt += 1
        }
    }

    static let help = BuiltinFunction("help", doc: """
        help(name) prints the documentation of a built-in: `help("wait")` or `help(wait)`. \
        help() lists every built-in.
        """) { args, ctx in
        try args.noNamed(); try args.expectCount(0, 1)
        guard args.count == 1 else {
            ctx.write("Built-ins: " + Builtins.all.map(\.name).sorted().joined(separator: ", ") + "\nhelp(name) shows one.\n")
            return .null
        }
        let name: String
        switch args.positional[0] {
        case .string(let s): name = s
        case .builtin(let b): name = b.name
        case .closure(let c): name = c.name
        case let v: throw args.typeError("name", expected: "a built-in's name", got: v)
        }
        guard let doc = Builtins.docs[name] else {
            let close = Builtins.all.map(\.name).filter { Suggest.distance($0, name) <= 2 }.sorted()
            let hint = close.isEmpty ? "" : " (did you mean \(close.map { "`\($0)`" }.joined(separator: " or "))?)"
            throw ScriptError(.name, "no built-in named `\(name)`\(hint)")
        }
        ctx.write(doc + "\n")
        return .null
    }
}

/// Address arguments: an address value, or a string that is one.
enum AddressArgument {
    static func convert(_ v: Value, parameter: String, callee: String) throws -> Address {
        switch v {
        case .address(let a): return a
        case .string(let s): return try parse(s, what: callee == "address" ? "`\(s)`" : "`\(parameter)`")
        default: throw ScriptError(.type, "\(callee)() expects an address for `\(parameter)`, got \(v.typeName)")
        }
    }

    static func parse(_ text: String, what: String) throws -> Address {
        let s = text.trimmingWhitespace()
        guard s.hasPrefix("0x") || s.hasPrefix("0X") else {
            throw ScriptError(.value, "\(what) is not an address: it must start with 0x")
        }
        let hex = Array(s.utf8.dropFirst(2))
        guard hex.count == 40 else {
            throw ScriptError(.value, "\(what) is not an address: it needs 40 hex digits, has \(hex.count)")
        }
        var bytes = [UInt8]()
        bytes.reserveCapacity(20)
        func nibble(_ c: UInt8) -> UInt8? {
            switch c {
            case 48...57: return c - 48
            case 65...70: return c - 55
            case 97...102: return c - 87
            default: return nil
            }
        }
        for i in stride(from: 0, to: 40, by: 2) {
            guard let hi = nibble(hex[i]), let lo = nibble(hex[i + 1]) else {
                throw ScriptError(.value, "\(what) is not an address: it has a non-hex character")
            }
            bytes.append(hi << 4 | lo)
        }
        if let problem = AddressChecksum.problem(s) {
            throw ScriptError(.value, "\(what) is not a valid address: \(problem)")
        }
        return try Address(bytes: bytes)
    }
}

/// Edit distance, for "did you mean" hints.
enum Suggest {
    static func distance(_ a: String, _ b: String) -> Int {
        let x = Array(a), y = Array(b)
        if x.isEmpty { return y.count }
        if y.isEmpty { return x.count }
        var prev = Array(0...y.count)
        for i in 1...x.count {
            var cur = [i] + Array(repeating: 0, count: y.count)
            for j in 1...y.count {
                cur[j] = Swift.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1))
            }
            prev = cur
        }
        return prev[y.count]
    }
}
