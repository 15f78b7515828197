import BigInt
import Foundation
import OGPUKit

/// `ogpu-bench publish RPC_URL N [SDK_RESULT_JSON]`: publishes N tasks on the devnet with OGPUKit, one
/// after another (what `publish` in a script loop does) and pipelined (`publishBatch`), and prints
/// wall time, our own CPU time, and the ratio against the official Python SDK's run on the same devnet
/// (measured just before by scripts/bench with bench/publish/sdk_publish.py).
func runPublishBenchmark(_ args: [String]) throws {
    guard args.count >= 2, let n = Int(args[1]), n > 0 else {
        throw BenchmarkError("usage: ogpu-bench publish RPC_URL N [SDK_RESULT_JSON]")
    }
    let network = try NetworkDiscovery.local(url: args[0])
    guard let keyHex = network.manifest?.account("client")?.privateKeyHex,
          let source = network.manifest?.source("first_response")?.address else {
        throw BenchmarkError("the node at \(args[0]) has no devnet manifest with a client account and a first_response source")
    }
    let journal = SendJournal(path: NSTemporaryDirectory() + "ogpu-bench-\(UUID().uuidString)/journal.jsonl")
    let client = OpenGPUClient(network: network, signer: try PrivateKey(hex: keyHex), journal: journal)

    func drafts(_ tag: String) throws -> [TaskDraft] {
        let expiry = UInt64(Date().timeIntervalSince1970) + 3600
        return try (0..<n).map { i in
            let data: JSONValue = .object([("messages", .array([.object([("role", "user"), ("content", .string("bench \(tag) \(i)"))])]))])
            // The devnet's provider ignores these tasks, so only publishing is measured.
            let input = try TaskInput(functionName: "text2text", data: data, extras: [("devnet", .object([("respond", false)]))])
            return TaskDraft(source: source, input: input, payment: BigUInt(10).power(15), expiryTime: expiry)
        }
    }

    func measure(_ body: () throws -> Int) rethrows -> (wall: Double, cpu: Double, ok: Int) {
        let c0 = cpuSeconds(), t0 = Date()
        let ok = try body()
        return (Date().timeIntervalSince(t0), cpuSeconds() - c0, ok)
    }

    func line(_ name: String, _ m: (wall: Double, cpu: Double, ok: Int)) {
        print(String(format: "%-30@ %4d tasks  wall %7.2f s  (%6.1f ms/task)  own CPU %6.2f s = %4.1f%% of wall",
                     name as NSString, m.ok, m.wall, m.wall * 1000 / Double(n), m.cpu, 100 * m.cpu / m.wall))
    }
    let seqDrafts = try drafts("seq")
    let sequential = try measure { try seqDrafts.map { try client.publish($0) }.count }
    line("ogpu publish (sequential)", sequential)
    let batchDrafts = try drafts("batch")
    let batch = try measure { try client.publishBatch(batchDrafts).filter { (try? $0.get()) != nil }.count }
    line("ogpu publishBatch (pipelined)", batch)
    if args.count >= 3, let sdk = try? JSONParser.parse(args[2]),
       let wallText = sdk["wall"], case .number(let w) = wallText, let sdkWall = Double(w),
       case .number(let c)? = sdk["cpu"], let sdkCPU = Double(c) {
        line("python SDK publish_task", (sdkWall, sdkCPU, n))
        print(String(format: "speedup vs python SDK: sequential %.2fx, pipelined %.2fx", sdkWall / sequential.wall, sdkWall / batch.wall))
    } else {
        print("python SDK: not measured (no result given)")
    }
}

private func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
        + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
}
