import BigInt
import Foundation
import OGPUKit
import OGPUPrimitives

/// `ogpu-bench publish RPC_URL N [SDK_PYTHON SDK_SCRIPT] [--rounds R]`: publishes N tasks on the devnet
/// three ways — the official Python SDK (`SDK_SCRIPT`, bench/publish/sdk_publish.py, run by `SDK_PYTHON`),
/// OGPUKit one after another (what `publish` in a script loop does), and OGPUKit pipelined
/// (`publishBatch`) — and prints each one's wall time, its own CPU time, and the ratios.
///
/// The three are interleaved in R rounds (default 5) of N/R tasks each, the SDK first in every round,
/// so a machine whose load changes during the run slows all three alike. Wall and CPU are measured
/// around the publishing only (the SDK script times itself after its imports).
///
/// Every HTTP round trip goes through `TimedTransport`, so each run also prints where its wall time
/// went (IPFS upload, each JSON-RPC method, batches); when the devnet runs with OGPU_DEVNET_TIMING=1
/// it prints the chain's own time per method next to it (`ogpu_timings`, read and reset per run).
func runPublishBenchmark(_ arguments: [String]) throws {
    var args = arguments
    var rounds = 5
    if let r = args.firstIndex(of: "--rounds"), r + 1 < args.count, let v = Int(args[r + 1]), v > 0 {
        rounds = v
        args.removeSubrange(r...(r + 1))
    }
    guard args.count == 2 || args.count == 4, let n = Int(args[1]), n > 0 else {
        throw BenchmarkError("usage: ogpu-bench publish RPC_URL N [SDK_PYTHON SDK_SCRIPT] [--rounds R]")
    }
    rounds = min(rounds, n)
    let rpcURL = args[0]
    let sdkCommand = args.count == 4 ? (python: args[2], script: args[3]) : nil
    let network = try NetworkDiscovery.local(url: rpcURL)
    guard let keyHex = network.manifest?.account("client")?.privateKeyHex,
          let source = network.manifest?.source("first_response")?.address else {
        throw BenchmarkError("the node at \(rpcURL) has no devnet manifest with a client account and a first_response source")
    }
    let journal = SendJournal(path: NSTemporaryDirectory() + "ogpu-bench-\(UUID().uuidString)/journal.jsonl")
    let transport = TimedTransport(uploadURL: network.ipfsUploadURL)
    let client = OpenGPUClient(network: network, signer: try PrivateKey(hex: keyHex), journal: journal, transport: transport)
    let devnet = DevnetTimings(url: rpcURL)

    func drafts(_ tag: String, _ range: Range<Int>) throws -> [TaskDraft] {
        let expiry = UInt64(Date().timeIntervalSince1970) + 3600
        return try range.map { i in
            let data: JSONValue = .object([("messages", .array([.object([("role", "user"), ("content", .string("bench \(tag) \(i)"))])]))])
            // The devnet's provider ignores these tasks, so only publishing is measured.
            let input = try TaskInput(functionName: "text2text", data: data, extras: [("devnet", .object([("respond", false)]))])
            return TaskDraft(source: source, input: input, payment: BigUInt(10).power(15), expiryTime: expiry)
        }
    }

    struct Run {
        var wall = 0.0, cpu = 0.0, ok = 0
        var phases: [String: (calls: Int, seconds: Double)] = [:]
        var chain: [String: (calls: Int, seconds: Double)] = [:]

        mutating func add(_ r: Run) {
            wall += r.wall; cpu += r.cpu; ok += r.ok
            for (k, v) in r.phases { phases[k] = ((phases[k]?.calls ?? 0) + v.calls, (phases[k]?.seconds ?? 0) + v.seconds) }
            for (k, v) in r.chain { chain[k] = ((chain[k]?.calls ?? 0) + v.calls, (chain[k]?.seconds ?? 0) + v.seconds) }
        }
    }

    func measure(_ body: () throws -> Int) rethrows -> Run {
        _ = devnet.take()
        transport.reset()
        let c0 = cpuSeconds(), t0 = Date()
        let ok = try body()
        var run = Run(wall: Date().timeIntervalSince(t0), cpu: cpuSeconds() - c0, ok: ok)
        run.phases = transport.reset()
        run.chain = devnet.take()
        return run
    }

    func line(_ name: String, _ m: Run) {
        print(pad(name, 30, left: true) + String(format: " %4d tasks  wall %7.2f s  (%6.1f ms/task)  own CPU %6.2f s = %4.1f%% of wall",
                                                 m.ok, m.wall, m.wall * 1000 / Double(max(1, m.ok)), m.cpu, 100 * m.cpu / m.wall))
    }

    func breakdown(_ m: Run) {
        print("    " + pad("phase", 40, left: true) + pad("calls", 7) + pad("client s", 10) + pad("chain s", 10))
        for k in Set(m.phases.keys).union(m.chain.keys).sorted() {
            let p = m.phases[k], c = m.chain[k]
            print("    " + pad(k, 40, left: true) + pad(String(p?.calls ?? c?.calls ?? 0), 7)
                  + pad(p.map { String(format: "%.3f", $0.seconds) } ?? "-", 10)
                  + pad(c.map { String(format: "%.3f", $0.seconds) } ?? "-", 10))
        }
        let client = m.phases.values.reduce(0) { $0 + $1.seconds }, chain = m.chain.values.reduce(0) { $0 + $1.seconds }
        print("    " + pad("total", 40, left: true) + pad("", 7) + pad(String(format: "%.3f", client), 10) + pad(String(format: "%.3f", chain), 10))
    }

    /// One SDK round: the script publishes `count` tasks and prints its figures as one JSON line.
    func sdkRound(_ count: Int) throws -> Run {
        guard let sdkCommand else { return Run() }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: sdkCommand.python)
        p.arguments = [sdkCommand.script, rpcURL, String(count)]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice  // web3's warnings about the devnet's extra logs
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        let last = String(decoding: data, as: UTF8.self).split(separator: "\n").last.map(String.init) ?? ""
        guard p.terminationStatus == 0, let result = try? JSONParser.parse(last),
              case .number(let w)? = result["wall"], let wall = Double(w),
              case .number(let c)? = result["cpu"], let cpu = Double(c) else {
            throw BenchmarkError("the SDK script failed (exit \(p.terminationStatus)): \(last.prefix(300))")
        }
        var run = Run(wall: wall, cpu: cpu, ok: result["n"]?.intValue ?? 0)
        run.phases = phaseTable(result["phases"])
        run.chain = phaseTable(result["chain"], field: "held")
        return run
    }

    var sdk = Run(), sequential = Run(), batch = Run()
    for r in 0..<rounds {
        let range = (r * n / rounds)..<((r + 1) * n / rounds)
        sdk.add(try sdkRound(range.count))
        let seqDrafts = try drafts("seq", range)
        sequential.add(try measure { try seqDrafts.map { try client.publish($0) }.count })
        let batchDrafts = try drafts("batch", range)
        batch.add(try measure { try client.publishBatch(batchDrafts).filter { (try? $0.get()) != nil }.count })
    }

    print("\(n) tasks each, interleaved in \(rounds) rounds of ~\(n / rounds) (SDK, then ogpu sequential, then ogpu pipelined):")
    if sdkCommand != nil { line("python SDK publish_task", sdk) }
    line("ogpu publish (sequential)", sequential)
    line("ogpu publishBatch (pipelined)", batch)
    if sdkCommand != nil {
        print(String(format: "speedup vs python SDK: sequential %.2fx, pipelined %.2fx", sdk.wall / sequential.wall, sdk.wall / batch.wall))
    } else {
        print("python SDK: not measured (no SDK command given)")
    }
    print("where the time went (client s: wall time in each kind of round trip; chain s: the devnet's own time in that")
    print("method, holding its chain lock, when it runs with OGPU_DEVNET_TIMING=1; batched calls count one each):")
    if sdkCommand != nil { print("  python SDK"); breakdown(sdk) }
    print("  ogpu publish (sequential)"); breakdown(sequential)
    print("  ogpu publishBatch (pipelined)"); breakdown(batch)
}

private func pad(_ s: String, _ w: Int, left: Bool = false) -> String {
    let fill = String(repeating: " ", count: max(0, w - s.count))
    return left ? s + fill : fill + s
}

/// `{name: {"calls": n, "seconds": s, …}}` → name → (calls, the `field` seconds).
private func phaseTable(_ v: JSONValue?, field: String = "seconds") -> [String: (calls: Int, seconds: Double)] {
    var out = [String: (calls: Int, seconds: Double)]()
    for (k, e) in v?.objectValue ?? [] {
        guard let calls = e["calls"]?.intValue, case .number(let s)? = e[field], let seconds = Double(s) else { continue }
        out[k] = (calls, seconds)
    }
    return out
}

/// Wraps libcurl and adds up the wall time of each kind of request: the IPFS upload, each JSON-RPC
/// method, or `batch[methods]` for a batch request.
final class TimedTransport: HTTPTransport, @unchecked Sendable {
    private let inner = CurlTransport()
    private let uploadURL: String
    private let lock = NSLock()
    private var phases = [String: (calls: Int, seconds: Double)]()

    init(uploadURL: String) { self.uploadURL = uploadURL }

    func post(_ url: String, body: [UInt8], contentType: String, options: HTTPOptions,
              cancellation: CancellationToken?) throws -> HTTPResponse {
        let t0 = Date()
        defer { add(url == uploadURL ? "ipfs upload" : Self.rpcLabel(body), Date().timeIntervalSince(t0)) }
        return try inner.post(url, body: body, contentType: contentType, options: options, cancellation: cancellation)
    }

    func get(_ url: String, options: HTTPOptions, cancellation: CancellationToken?) throws -> HTTPResponse {
        let t0 = Date()
        defer { add("GET", Date().timeIntervalSince(t0)) }
        return try inner.get(url, options: options, cancellation: cancellation)
    }

    private func add(_ label: String, _ seconds: Double) {
        lock.lock(); defer { lock.unlock() }
        let p = phases[label] ?? (0, 0)
        phases[label] = (p.calls + 1, p.seconds + seconds)
    }

    @discardableResult
    func reset() -> [String: (calls: Int, seconds: Double)] {
        lock.lock(); defer { lock.unlock() }
        let out = phases
        phases = [:]
        return out
    }

    static func rpcLabel(_ body: [UInt8]) -> String {
        guard let v = try? JSONParser.parse(body) else { return "unparsed request" }
        if case .array(let calls) = v {
            let methods = Set(calls.compactMap { $0["method"]?.stringValue }).sorted().joined(separator: ",")
            return "batch[\(methods)]"
        }
        return v["method"]?.stringValue ?? "unknown"
    }
}

/// The devnet's per-method timings (`ogpu_timings`, present when it runs with OGPU_DEVNET_TIMING=1).
struct DevnetTimings {
    let rpc: JSONRPCClient

    init(url: String) { rpc = JSONRPCClient(url: url) }

    func take() -> [String: (calls: Int, seconds: Double)] {
        guard let v = try? rpc.call("ogpu_timings") else { return [:] }
        return phaseTable(v, field: "held")
    }
}

private func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
        + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
}
