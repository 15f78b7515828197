import Foundation

/// `bench/` (this file is `bench/OGPUBench/PythonPeer.swift`).
let benchDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()

/// The Python reference programs benchmarks compare against: a script in `bench/` run by the venv that a
/// `scripts/*-venv` script creates (and prints the path of), JSON job on stdin, JSON result on stdout.
enum PythonPeer {
    /// Runs `bench/<script>` with the venv from `scripts/<venvScript>` on `job`; returns its JSON answer.
    static func run(venvScript: String, script: String, job: [String: Any]) throws -> [String: Any] {
        let scripts = benchDirectory.deletingLastPathComponent().appendingPathComponent("scripts")
        let (status, venvOut) = runProcess(scripts.appendingPathComponent(venvScript).path, [])
        let venv = String(decoding: venvOut, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard status == 0, !venv.isEmpty else { throw BenchmarkError("scripts/\(venvScript) failed (no PyPI access?)") }
        guard let input = try? JSONSerialization.data(withJSONObject: job) else { throw BenchmarkError("could not encode job") }
        let (pyStatus, pyOut) = runProcess(venv + "/bin/python", [benchDirectory.appendingPathComponent(script).path], stdin: input)
        guard pyStatus == 0, let result = try? JSONSerialization.jsonObject(with: pyOut) as? [String: Any] else {
            throw BenchmarkError("\(script) failed (exit \(pyStatus))")
        }
        return result
    }

    /// Runs `executable`, feeding it `stdin`; returns its exit status (-1 if it did not start) and stdout.
    private static func runProcess(_ executable: String, _ args: [String], stdin: Data? = nil) -> (Int32, Data) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = args
        let out = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardInput = input
        do { try process.run() } catch { return (-1, Data()) }
        if let stdin { input.fileHandleForWriting.write(stdin) }
        try? input.fileHandleForWriting.close()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, data)
    }
}
