import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
import Glibc
import Dispatch
#else
import Foundation
#endif
import OGPUPrimitives
import OGPUScript

/// `ogpu kernel -f CONNECTION_FILE`: a Jupyter kernel (messaging protocol 5.3), started by
/// Jupyter from the kernelspec `ogpu kernel install` writes.
struct KernelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kernel",
        abstract: "Run a Jupyter kernel, or install its kernelspec.",
        usage: """
            ogpu kernel install [--user | --prefix PREFIX]
            ogpu kernel -f CONNECTION_FILE [options]
            """,
        discussion: """
            Jupyter starts the kernel itself from the kernelspec: install it once, then choose \
            "ogpu" in JupyterLab, Notebook, VS Code or `jupyter console --kernel ogpu`. Names persist \
            from cell to cell; a task, a response, a vault or a list of sources shows as a table. \
            The network and key come from the environment (OGPU_NETWORK, CLIENT_PRIVATE_KEY, \
            OGPU_PASSWORD...) or from options added to the kernelspec's argv.
            """,
        subcommands: [KernelInstallCommand.self])

    @Option(name: .customShort("f"), help: ArgumentHelp("The connection file Jupyter wrote for this kernel.", valueName: "file"))
    var connectionFile: String?

    @OptionGroup var options: GlobalOptions

    func run() throws {
        guard let connectionFile else {
            throw ValidationError("give the connection file: ogpu kernel -f FILE (Jupyter does, from the kernelspec)")
        }
        do {
            let connection = try ConnectionInfo.read(path: connectionFile)
            let setup = try Self.setup(options.commandOptions)
            let server = try KernelServer(connection: connection, setup: setup)
            throw ExitCode(server.run())
        } catch let failure as CommandFailure {
            fputs("ogpu kernel: \(failure.message)\n", stderr)
            throw ExitCode(failure.exitCode)
        } catch let error as ZMQError {
            fputs("ogpu kernel: \(error)\n", stderr)
            throw ExitCode(ExitStatus.usage)
        }
    }

    /// The configuration now, when it needs nothing asked; with a keystore and no OGPU_PASSWORD
    /// it is made at the first cell, which asks for the password in the notebook.
    private static func setup(_ options: CommandOptions) throws -> KernelSessionSetup {
        struct PasswordNeeded: Error {}
        do {
            return KernelSessionSetup(options: options, configuration: try options.configuration(askPassword: { _ in throw PasswordNeeded() }))
        } catch is PasswordNeeded {
            return KernelSessionSetup(options: options, configuration: nil)
        }
    }
}

/// `ogpu kernel install`: writes `kernels/ogpu/kernel.json` where Jupyter looks for kernelspecs.
struct KernelInstallCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "install",
        abstract: "Install the ogpu kernelspec for Jupyter.",
        discussion: """
            Without options the kernelspec goes to /usr/local/share/jupyter/kernels/ogpu (for every \
            user, as `jupyter kernelspec install` does); --user puts it in your Jupyter data folder \
            ($JUPYTER_DATA_DIR, else ~/.local/share/jupyter), --prefix under PREFIX/share/jupyter. \
            The kernelspec runs this ogpu binary by its absolute path.
            """)

    @Flag(name: .long, help: "Install for the current user only.")
    var user = false

    @Option(name: .long, help: ArgumentHelp("Install under PREFIX/share/jupyter/kernels (a virtualenv, or an install prefix).", valueName: "prefix"))
    var prefix: String?

    func validate() throws {
        if user && prefix != nil { throw ValidationError("--user and --prefix are exclusive") }
    }

    func run() throws {
        let directory = PathName.join(kernelsDirectory(), "ogpu")
        let spec: JSONValue = .object([
            ("argv", .array([.string(Self.executablePath()), "kernel", "-f", "{connection_file}"])),
            ("display_name", "ogpu"),
            ("language", "ogpu"),
            // Interrupts come as `interrupt_request` on the control channel; SIGINT works too.
            ("interrupt_mode", "message"),
            ("metadata", .object([("debugger", false)])),
        ])
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let path = PathName.join(directory, "kernel.json")
            try Data(JSONWriter.bytes(spec, style: .python)).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            var message = "ogpu kernel install: cannot write \(directory): \(error)"
            if !user && prefix == nil { message += " (use --user to install for yourself only)" }
            fputs(message + "\n", stderr)
            throw ExitCode(ExitStatus.fileNotFound)
        }
        print("installed kernelspec ogpu in \(directory)")
    }

    private func kernelsDirectory() -> String {
        if let prefix { return PathName.join(PathName.expandingTilde(prefix), "share/jupyter/kernels") }
        if user {
            let environment = ProcessInfo.processInfo.environment
            if let data = environment["JUPYTER_DATA_DIR"], !data.isEmpty {
                return PathName.join(data, "kernels")
            }
            let base = environment["XDG_DATA_HOME"].flatMap { $0.isEmpty ? nil : $0 }
                ?? PathName.join(Terminal.homeDirectory, ".local/share")
            return PathName.join(base, "jupyter/kernels")
        }
        return "/usr/local/share/jupyter/kernels"
    }

    /// This binary's absolute path (symbolic links resolved), so the kernelspec works whatever PATH is.
    static func executablePath() -> String {
        if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return path }
        return PathName.standardized(CommandLine.arguments[0])
    }
}
