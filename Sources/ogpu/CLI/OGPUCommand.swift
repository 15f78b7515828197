import ArgumentParser
import OGPUScript

@main
struct OGPUCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ogpu",
        abstract: "A small scripting language and REPL for the OpenGPU network.")

    func run() throws {
        print("ogpu: not yet implemented")
    }
}
