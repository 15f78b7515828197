import OGPUScript

/// The command's exit codes are the language's table (`OGPUScript.ExitStatus`), named here once
/// for every file of the command.
typealias ExitStatus = OGPUScript.ExitStatus

/// A failure that ends the command with a message on stderr and a specific exit code (an
/// `ExitStatus`).
struct CommandFailure: Error {
    let message: String
    let exitCode: Int32
}
