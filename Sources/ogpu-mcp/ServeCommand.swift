import ArgumentParser
import Foundation
import MCP
import OGPUCommand
import OGPUScript
import SystemPackage

/// `ogpu-mcp` (what `ogpu mcp` becomes): the Model Context Protocol server on stdin/stdout.
/// Its options and help are `ogpu mcp`'s (OGPUCommand's MCPCommand), parsed here again.
/// Mainnet sends need `--allow-mainnet`, since there is nobody at a terminal to confirm them.
@main
struct ServeCommand: ParsableCommand {
    static let configuration = MCPCommand.configuration

    @OptionGroup var options: MCPOptions

    func run() throws {
        // The protocol gets a private copy of stdout, and fd 1 becomes stderr: nothing else the
        // process writes (a library's print, a stray notice) can corrupt the message stream.
        let protocolOutput = dup(STDOUT_FILENO)
        guard protocolOutput >= 0, dup2(STDERR_FILENO, STDOUT_FILENO) >= 0 else {
            Terminal.writeError("ogpu mcp: cannot set up stdout for the protocol\n")
            throw ExitCode(ExitStatus.usage)
        }
        let output = CapturedOutput(limit: options.maxOutput)
        let engine = try options.engine(capturingInto: output)
        let server = MCPServer(engine: engine, output: output)
        let transport = AnsweringTransport(StdioTransport(input: .standardInput, output: FileDescriptor(rawValue: protocolOutput)))
        let done = DispatchSemaphore(value: 0)
        let failure = FailureBox()
        Task.detached {
            do { try await server.serve(transport: transport) } catch { failure.message = "\(error)" }
            done.signal()
        }
        done.wait()
        if let message = failure.message {
            Terminal.writeError("ogpu mcp: \(message)\n")
            throw ExitCode(1)
        }
    }
}

/// The serving task's error, handed to the waiting main thread.
private final class FailureBox: @unchecked Sendable {
    var message: String?
}
