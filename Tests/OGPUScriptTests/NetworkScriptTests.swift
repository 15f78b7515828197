import Foundation
import OGPUKit
import OGPUPrimitives
import XCTest

/// The OpenGPU built-ins end to end: the real `ogpu` binary runs `Tests/Scripts/network/*.ogpu`
/// against the devnet `scripts/test` starts (`OGPU_DEVNET_RPC`, passed as `OGPU_RPC_URL`), with
/// the same `# expect:` / `# exit:` / `# stderr:` / `# args:` headers as the corpus, plus
/// `# flags: …` (command-line options before the file). Also the failures that need no devnet:
/// none running, missing keys, keys kept out of output.
final class NetworkScriptTests: XCTestCase {
    typealias Outcome = ScriptProgram.Outcome

    static var networkDir: URL { Repository.root.appendingPathComponent("Tests/Scripts/network") }
    /// One HOME (send journal) per test run: a journal left by an earlier run would hold the same
    /// drafts as published, and `publish` would rightly return those tasks instead.
    static let home = NSTemporaryDirectory() + "ogpu-network-tests-home-\(UUID().uuidString)"

    func binary() throws -> URL {
        try XCTUnwrap(OgpuBinary.find(), "the ogpu binary was not found; run `swift build` first")
    }

    func devnetRPC() throws -> String {
        guard let url = ProcessInfo.processInfo.environment["OGPU_DEVNET_RPC"], !url.isEmpty else {
            throw XCTSkip("OGPU_DEVNET_RPC is not set: run scripts/test, or start a devnet (scripts/devnet start) and export OGPU_DEVNET_RPC=http://127.0.0.1:8545")
        }
        return url
    }

    /// Runs ogpu with `arguments` and an environment cleaned of keys and network settings.
    func run(_ arguments: [String], env extra: [String: String] = [:], cwd: URL? = nil, limit: TimeInterval = 240) throws -> Outcome {
        var env = ProcessInfo.processInfo.environment
        for k in ["CLIENT_PRIVATE_KEY", "OGPU_PASSWORD", "OGPU_NETWORK", "OGPU_RPC_URL"] { env.removeValue(forKey: k) }
        env["NO_COLOR"] = "1"
        env["HOME"] = Self.home  // the send journal lands here
        for (k, v) in extra { env[k] = v }
        return try OgpuBinary.run(try binary(), arguments, environment: env, cwd: cwd, limit: limit)
    }

    func testEveryNetworkProgramOnTheDevnet() throws {
        let rpc = try devnetRPC()
        let programs = try ScriptProgram.programs(
            FileManager.default.contentsOfDirectory(at: Self.networkDir, includingPropertiesForKeys: nil))
        if ScriptProgram.filter.isEmpty { XCTAssertGreaterThanOrEqual(programs.count, 10) }
        var failures = [String]()
        for p in programs {
            let r = try run(p.flags + [p.path] + p.args, env: ["OGPU_RPC_URL": rpc], cwd: Self.networkDir)
            let problems = p.problems(with: r)
            if !problems.isEmpty {
                let name = URL(fileURLWithPath: p.path).lastPathComponent
                failures.append("✗ network/\(name): " + problems.joined(separator: "; ") + "\n  stderr: \(r.err.prefix(600))")
            }
        }
        for f in failures { print(f) }
        print("Network programs: \(programs.count - failures.count) passed, \(failures.count) failed (of \(programs.count))")
        XCTAssertTrue(failures.isEmpty, "\(failures.count) of \(programs.count) network programs failed (see output above)")
    }

    /// `--dry-run`: the transaction is signed and printed, never sent, and the script stops there.
    func testDryRunFlagPrintsAndSendsNothing() throws {
        let rpc = try devnetRPC()
        let code = """
            let s = filter(sources(), s => s.delivery == "first")[0].address
            let before = vault().balance
            print "balance", before
            try { publish task(s, "text2text", {messages: [{role: "user", content: "dry"}]}) } catch e { print e.kind, e.message }
            print "unchanged", vault().balance == before
            """
        let r = try run(["--dry-run", "-e", code], env: ["OGPU_RPC_URL": rpc])
        XCTAssertEqual(r.code, 0, r.err)
        XCTAssertTrue(r.out.contains("dry run, not sent: Controller.publishTask {\"to\":\"0x"), r.out)
        XCTAssertTrue(r.out.contains("\"raw\":\"0x02"), r.out)
        XCTAssertTrue(r.out.contains("value --dry-run: Controller.publishTask was signed and printed"), r.out)
        XCTAssertTrue(r.out.contains("unchanged true"), r.out)
    }

    /// The devnet's client account signs when no key is given, and says so once on stderr.
    func testDevnetAccountNoticeOnce() throws {
        let rpc = try devnetRPC()
        let r = try run(["-e", "deposit(ogpu(0.001)); deposit(ogpu(0.001)); print \"ok\""], env: ["OGPU_RPC_URL": rpc])
        XCTAssertEqual(r.code, 0, r.err)
        XCTAssertEqual(r.out, "ok\n")
        XCTAssertEqual(r.err.components(separatedBy: "signing with the devnet's funded client account").count - 1, 1, r.err)
    }

    /// Publishing to an inactive source is a "revert" named SourceInactive. The language cannot
    /// inactivate a source, so the test does that through OGPUKit with the same devnet account.
    func testInactiveSourceIsARevertNamingSourceInactive() throws {
        let rpc = try devnetRPC()
        let made = try run(["-e", "print publish_source(name: \"gateway test\", cpu: \"https://example.invalid/compose.yml\", min_payment: ogpu(0.001), max_expiry: 1d).address"],
                           env: ["OGPU_RPC_URL": rpc])
        XCTAssertEqual(made.code, 0, made.err)
        let text = made.out.trimmingCharacters(in: .whitespacesAndNewlines)
        let source = try Address(hex: text)
        let network = try NetworkDiscovery.local(url: rpc)
        let key = try PrivateKey(hex: XCTUnwrap(network.manifest?.account("client")?.privateKeyHex))
        let journal = SendJournal(path: NSTemporaryDirectory() + "ogpu-gateway-\(UUID().uuidString)/journal.jsonl")
        try OpenGPUClient(network: network, signer: key, journal: journal).inactivateSource(source)
        let code = """
            print source_at("\(text)").status
            try { publish task("\(text)", "text2text", {messages: [{role: "user", content: "hi"}]}) } catch e { print e.kind, e.message }
            """
        let r = try run(["-e", code], env: ["OGPU_RPC_URL": rpc])
        XCTAssertEqual(r.code, 0, r.err)
        XCTAssertTrue(r.out.hasPrefix("inactive\nrevert SourceInactive: Controller.publishTask reverted (before sending)"), r.out)
    }

    /// Ctrl-C while a network call hangs (a server that accepts and never answers) stops it at
    /// once with `interrupted` and exit 130, instead of waiting out the transport timeout.
    func testInterruptStopsAHangingCall() throws {
        let rpc = try devnetRPC()
        let silent = try SilentServer()
        defer { silent.close() }
        let proc = Process()
        proc.executableURL = try binary()
        proc.arguments = ["-e", "network(); print \"start\"; ipfs_get(\"http://127.0.0.1:\(silent.port)/hang.json\")"]
        var env = ProcessInfo.processInfo.environment
        env["OGPU_RPC_URL"] = rpc
        env["NO_COLOR"] = "1"
        proc.environment = env
        let out = Pipe(), err = Pipe()
        proc.standardOutput = out
        proc.standardError = err
        try proc.run()
        // stdout is a pipe (block-buffered until exit), so give the program time to reach the call:
        // the devnet answers network() in milliseconds; the silent server would hold it for 30 s.
        Thread.sleep(forTimeInterval: 2)
        let sent = Date()
        proc.interrupt()
        while proc.isRunning && Date().timeIntervalSince(sent) < 10 { usleep(10_000) }
        if proc.isRunning { proc.terminate() }
        proc.waitUntilExit()
        let elapsed = Date().timeIntervalSince(sent)
        XCTAssertEqual(proc.terminationStatus, 130)
        XCTAssertLessThan(elapsed, 5, "the hanging call was not cancelled")
        XCTAssertTrue(String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).contains("error[interrupted]"))
        XCTAssertEqual(String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self), "start\n")
    }

    /// A task published in one run is found by `task_at` in the next, with its publishing
    /// transaction (from the send journal), status and config.
    func testTaskAtInALaterRunKnowsItsTransaction() throws {
        let rpc = try devnetRPC()
        let publish = """
            import "_sources.ogpu"
            let t = publish ignored(first_source)
            print t.address
            print t.tx
            """
        let first = try run(["-e", publish], env: ["OGPU_RPC_URL": rpc], cwd: Self.networkDir)
        XCTAssertEqual(first.code, 0, first.err)
        let lines = first.out.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, 2, first.out)
        let later = try run(["-e", "let t = task_at(\"\(lines[0])\")\nprint t.tx\nprint t.status, t.config.function_name\ncancel(t)\nprint t.status"],
                            env: ["OGPU_RPC_URL": rpc])
        XCTAssertEqual(later.code, 0, later.err)
        XCTAssertEqual(later.out, "\(lines[1])\nnew text2text\ncanceled\n")
    }

    /// With the default `local` network and nothing listening: one line saying what to run.
    func testNoDevnetIsOneLineWithTheFix() throws {
        let r = try run(["-e", "print vault()"], env: ["OGPU_RPC_URL": "http://127.0.0.1:9"], limit: 60)
        XCTAssertEqual(r.code, 70)
        XCTAssertEqual(r.out, "")
        let errorLines = r.err.split(separator: "\n").filter { $0.hasPrefix("error") }
        XCTAssertEqual(errorLines.count, 1, r.err)
        XCTAssertTrue(errorLines.first?.contains("error[rpc]: no local devnet is answering at http://127.0.0.1:9; start it with scripts/devnet start") == true, r.err)
        XCTAssertFalse(r.err.contains("help:"), "no second hint stacked on the message:\n\(r.err)")
        XCTAssertFalse(r.err.lowercased().contains("curl"), r.err)
    }

    /// Off the devnet, signing needs a key: a "key" error naming the options; read-only setup works.
    func testMissingKeyIsAKeyError() throws {
        let r = try run(["--network", "mainnet", "-e", "try { me() } catch e { print e.kind, contains(e.message, \"--keystore\") }"])
        XCTAssertEqual(r.code, 0, r.err)
        XCTAssertEqual(r.out, "key true\n")
    }

    /// `--keystore` (password from OGPU_PASSWORD) is decrypted when first needed; a wrong password
    /// is a "key" error that shows neither the password nor the key.
    func testKeystoreSignsAndWrongPasswordIsAKeyError() throws {
        let key = PrivateKey.random()
        let dir = NSTemporaryDirectory() + "ogpu-keystore-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/key.json"
        try Keystore.encrypt(key, password: "correct horse", scrypt: .light).write(toFile: path, atomically: true, encoding: .utf8)
        let ok = try run(["--network", "mainnet", "--keystore", path, "-e", "print me()"], env: ["OGPU_PASSWORD": "correct horse"])
        XCTAssertEqual(ok.code, 0, ok.err)
        XCTAssertEqual(ok.out, key.address.checksummed + "\n")
        let bad = try run(["--network", "mainnet", "--keystore", path, "-e", "try { me() } catch e { print e.kind }"],
                          env: ["OGPU_PASSWORD": "wrong horse"])
        XCTAssertEqual(bad.out, "key\n", bad.err)
        XCTAssertFalse((bad.out + bad.err).contains("horse"))
    }

    /// A private key signs (its address is `me()`), and never shows up in output or errors.
    func testPrivateKeyNeverPrinted() throws {
        // keccak256("ogpu-devnet/client"): the devnet's public client key.
        let key = "806380b8c971e856ddf8d7970048aec57a665fe3d4320c6651434d8be9e7590d"
        let r = try run(["--network", "mainnet", "-e", "print me(); print network().name"],
                        env: ["CLIENT_PRIVATE_KEY": "0x" + key])
        XCTAssertTrue(r.out.hasPrefix("0xACB05E85390984F539BaaFd7d051d8D3a8280118\nmainnet\n"), r.out + r.err)
        XCTAssertFalse((r.out + r.err).lowercased().contains(key))
    }
}

/// A TCP server on 127.0.0.1 that accepts connections and never answers (a hung node or gateway).
/// The kernel completes the handshakes from its backlog; nothing is ever read or written.
private final class SilentServer {
    let fd: Int32
    let port: Int

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.fd = fd
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) } }
        guard bound == 0, listen(fd, 8) == 0 else { Glibc.close(fd); throw XCTSkip("cannot listen on 127.0.0.1") }
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
        port = Int(UInt16(bigEndian: addr.sin_port))
    }

    func close() { _ = Glibc.close(fd) }
}
