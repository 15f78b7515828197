import Foundation
import XCTest

/// Runs the reference programs the differential tests compare against (Python peers built on
/// eth-abi, eth-account, pyrlp, …): JSON job in on stdin, JSON answer out on stdout.
enum PeerProcess {
    struct Failure: Error, CustomStringConvertible { let description: String }

    /// The repository root (…/Tests/OGPUKitTests/Support/this file → three folders up).
    static let repoRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { url.deleteLastPathComponent() }
        return url
    }()

    /// Runs `executable` with `input` on stdin and returns its stdout; a non-zero exit throws.
    static func run(_ executable: URL, _ arguments: [String] = [], input: Data? = nil) throws -> Data {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        let output = Pipe(), stdin = Pipe()
        process.standardOutput = output
        process.standardInput = stdin
        try process.run()
        // Feed stdin from another thread so a large job cannot deadlock against a full stdout pipe.
        let writer = Thread {
            if let input { stdin.fileHandleForWriting.write(input) }
            try? stdin.fileHandleForWriting.close()
        }
        writer.start()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure(description: "\(executable.path) exited \(process.terminationStatus)")
        }
        return data
    }

    /// Runs `python` with `arguments` on one JSON job and parses its JSON answer.
    static func ask(_ python: URL, _ arguments: [String], _ job: [String: Any]) throws -> [String: Any] {
        let output = try run(python, arguments, input: try JSONSerialization.data(withJSONObject: job))
        return try XCTUnwrap(JSONSerialization.jsonObject(with: output) as? [String: Any])
    }

    /// Asks `Tests/Peers/<peer>` one JSON job, in the venv that `scripts/<venvScript>` creates (pinned, cached).
    static func ask(peer: String, venvScript: String, _ job: [String: Any]) throws -> [String: Any] {
        let venvOut = try run(repoRoot.appendingPathComponent("scripts/" + venvScript))
        let venv = String(decoding: venvOut, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return try ask(URL(fileURLWithPath: venv).appendingPathComponent("bin/python"),
                       [repoRoot.appendingPathComponent("Tests/Peers/" + peer).path], job)
    }
}
