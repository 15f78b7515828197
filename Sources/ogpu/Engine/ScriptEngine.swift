import OGPUScript

/// The one place the command talks to the language (OGPUScript's ScriptSession).
///
/// Until the language core lands on this branch every evaluation reports that it is missing; the
/// REPL, argument handling and terminal behaviour around it are complete and tested regardless.
final class ScriptEngine {
    static let isAvailable = false

    private(set) var configuration: CLIConfiguration
    private let arguments: [String]
    private let style: Style

    init(configuration: CLIConfiguration, arguments: [String], style: Style) {
        self.configuration = configuration
        self.arguments = arguments
        self.style = style
    }

    private var unavailable: RunResult {
        .failure(message: style.red("error") + ": this ogpu build has no language core yet (branch lang-core not merged)\n",
                 exitCode: ExitStatus.runtimeError)
    }

    func runFile(source: String, path: String) -> RunResult { unavailable }

    func evaluate(_ input: String) -> RunResult { unavailable }

    func interrupt() {}

    var globalNames: [String] { [] }

    /// Names that may follow `base.` — map keys or a handle's properties. Empty when unknown.
    func propertyNames(of base: String) -> [String] { [] }

    func helpText(for name: String) -> String? { nil }

    static func check(source: String, path: String, color: Bool) -> CheckReport {
        CheckReport(rendered: "error: this ogpu build has no language core yet\n", errors: 1, warnings: 0)
    }

    static func inputIsIncomplete(_ source: String) -> Bool { false }
}

extension ScriptEngine {
    /// `:network` with no argument.
    func networkDescription() -> String {
        "network \(configuration.network.argument)" + (configuration.rpcURL.map { " via \($0)" } ?? "")
    }

    /// `:network NAME|URL`: selects the network for the rest of the session.
    func selectNetwork(_ network: CLIConfiguration.Network) -> RunResult {
        configuration.network = network
        configuration.rpcURL = nil
        return .success(echo: "network \(network.argument)")
    }
}
