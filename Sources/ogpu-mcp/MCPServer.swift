import Foundation
import MCP
import OGPUCommand
import OGPUPrimitives
import OGPUScript

/// `ogpu mcp`'s protocol side (modelcontextprotocol/swift-sdk): lists the tools and resources,
/// and hands each tool call to the session worker, which runs it on the one ScriptEngine.
/// Everything here is immutable or thread-safe; the session itself is touched only by the worker.
final class MCPServer: @unchecked Sendable {
    private let worker: SessionWorker
    private let tools: SessionTools

    init(engine: ScriptEngine, output: CapturedOutput) {
        worker = SessionWorker(engine: engine)
        tools = SessionTools(engine: engine, output: output)
    }

    /// Serves on `transport` until the client closes its end, then lets the call in progress end.
    func serve(transport: any Transport) async throws {
        let server = Server(
            name: "ogpu", version: BuildInfo.version, title: "ogpu (OpenGPU scripting)",
            instructions: """
                ogpu is a scripting language for the OpenGPU network, where clients publish AI tasks \
                and providers answer them. Use `eval` for anything the language can do (the session \
                keeps its names across calls), or the typed tools for the common flows: \
                publish_task, wait_task, task_status, task_responses, estimate_payment, balance, vault. \
                The language reference is the resource ogpu://docs/language.md.
                """,
            capabilities: .init(resources: .init(subscribe: false, listChanged: false), tools: .init(listChanged: false)))
        await server.withMethodHandler(ListTools.self) { _ in ListTools.Result(tools: ToolCatalog.all) }
        await server.withMethodHandler(CallTool.self) { [self] params in try await call(params) }
        await server.withMethodHandler(ListResources.self) { _ in ListResources.Result(resources: DocResources.list) }
        await server.withMethodHandler(ReadResource.self) { params in try DocResources.read(params.uri) }
        try await server.start(transport: transport)
        await server.waitUntilCompleted()
        worker.drain(seconds: 10)
    }

    private func call(_ params: CallTool.Parameters) async throws -> CallTool.Result {
        let args = ToolArguments(tool: params.name, fields: (params.arguments ?? [:]).sorted { $0.key < $1.key }
            .map { ($0.key, JSONBridge.json($0.value)) })
        guard let known = ToolCatalog.argumentNames(of: params.name) else {
            throw MCPError.invalidParams("unknown tool `\(params.name)`; tools/list names them")
        }
        // A misspelled argument (`expiry` for `expiry_seconds`) would otherwise silently get its default.
        if let unknown = args.fields.map(\.0).first(where: { !known.contains($0) }) {
            let message = "\(params.name) has no argument `\(unknown)` (it takes \(known.sorted().joined(separator: ", ")))"
            return result(ToolAnswer.failure("error[name]: \(message)\n", kind: "name"))
        }
        let timeout: Int
        do {
            let fallback = params.name == "wait_task" ? ToolCatalog.defaultWaitTimeout
                : params.name == "publish_task" ? 300 : ToolCatalog.defaultTimeout
            timeout = min(try args.seconds("timeout_seconds") ?? fallback, ToolCatalog.maxTimeout)
        } catch let e as ScriptError {
            return result(ToolAnswer.failure("error[\(e.kind)]: \(e.message)\n", kind: e.kind))
        }
        let tools = self.tools
        let body: () -> ToolAnswer
        // The deadline of a wait is its own timeout (its error says how to resume) plus time to
        // read the response; past it the call is interrupted.
        var deadline = timeout
        switch params.name {
        case "eval": body = { tools.eval(args) }
        case "publish_task": body = { tools.publishTask(args) }
        case "wait_task": body = { tools.waitTask(args, timeout: timeout) }; deadline = timeout + 30
        case "task_status": body = { tools.taskStatus(args) }
        case "task_responses": body = { tools.taskResponses(args) }
        case "estimate_payment": body = { tools.estimatePayment(args) }
        case "balance": body = { tools.balance(args) }
        case "vault": body = { tools.vault(args) }
        default: throw MCPError.invalidParams("unknown tool `\(params.name)`; tools/list names them")
        }
        guard let (answered, stop) = await worker.run(timeout: Double(deadline), body) else {
            throw CancellationError()   // cancelled while queued: no response, as the protocol says
        }
        var answer = answered
        if stop == .timedOut {
            answer.isError = true
            answer.text += "\nogpu mcp: the call was stopped at its timeout of \(deadline) s (timeout_seconds); the session is still usable\n"
        }
        return result(answer)
    }

    private func result(_ answer: ToolAnswer) -> CallTool.Result {
        CallTool.Result(content: [.text(text: answer.text, annotations: nil, _meta: nil)],
                        structuredContent: answer.structured.map(JSONBridge.mcp), isError: answer.isError)
    }
}
