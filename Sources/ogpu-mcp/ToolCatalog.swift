import MCP

/// The tools `ogpu mcp` offers, with their JSON input schemas, as `tools/list` shows them.
/// What each does is in SessionTools; docs/mcp.md describes them for people.
enum ToolCatalog {
    /// Seconds a call may run unless it says otherwise (`timeout_seconds`), and the most it may ask.
    static let defaultTimeout = 60
    static let defaultWaitTimeout = 600
    static let maxTimeout = 3600

    static let all: [Tool] = [eval, publishTask, waitTask, taskStatus, taskResponses, estimatePayment, balance, vault]

    static let eval = Tool(
        name: "eval", title: "Evaluate ogpu code",
        description: """
            Runs ogpu code (the OpenGPU scripting language; see the resource ogpu://docs/language.md) \
            in this server's one persistent session, as typed at the ogpu REPL: names defined by \
            `let`, `var` and `fn` persist across calls. Returns what the code printed, the value of \
            its last expression, or the error (`error[kind]: message` with the line, a caret under \
            the fault and a `help:` line). The session has the same sandbox, network and spending \
            guards as a script run by `ogpu`; a call running past timeout_seconds is interrupted \
            (a `wait` stops cleanly; the task stays on chain).
            """,
        inputSchema: schema([
            "code": ["type": "string", "description": "ogpu source code, one or more statements"],
            "timeout_seconds": timeoutSchema(defaultTimeout),
        ], required: ["code"]),
        annotations: .init(title: "Evaluate ogpu code", readOnlyHint: false, destructiveHint: true, openWorldHint: true))

    static let publishTask = Tool(
        name: "publish_task", title: "Publish a task",
        description: """
            Publishes an OpenGPU task, as `publish task(source, function, data, payment:, expiry:)`: \
            uploads the config, sends Controller.publishTask (paid from your vault), waits for the \
            receipt and returns the task (address, tx, status, payment, expiry, …). dry_run signs \
            and returns the transaction without sending it. A draft the send journal shows as \
            already published is not sent twice unless again is true.
            """,
        inputSchema: schema([
            "source": ["type": "string", "description": "the source's 0x… contract address"],
            "function": ["type": "string", "description": "the function the provider runs, e.g. \"text2text\""],
            "data": ["type": "object", "description": "the task's input data (a non-empty JSON object)"],
            "payment": ["type": ["string", "number"], "description": "payment in OGPU as a decimal, e.g. \"0.01\" (default 0.01)"],
            "expiry_seconds": ["type": "integer", "minimum": 1, "description": "seconds from publishing until the task expires (default 3600)"],
            "extras": ["type": "object", "description": "extra task-config keys, next to function_name and data"],
            "dry_run": ["type": "boolean", "description": "sign and return the transaction, send nothing"],
            "again": ["type": "boolean", "description": "publish even if the journal shows this draft already published"],
            "timeout_seconds": timeoutSchema(300),
        ], required: ["source", "function", "data"]),
        annotations: .init(title: "Publish a task", readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true))

    static let waitTask = Tool(
        name: "wait_task", title: "Wait for a task's response",
        description: """
            Waits for a task's confirmed response (until "response": its first response) and \
            returns it (provider, status, data, …), as `wait(task_at(task), timeout:)`. A timeout \
            is an error[timeout]; the task stays on chain and can be waited on again.
            """,
        inputSchema: schema([
            "task": ["type": "string", "description": "the task's 0x… address"],
            "until": ["type": "string", "enum": ["confirmed", "response"], "description": "what to wait for (default confirmed)"],
            "timeout_seconds": timeoutSchema(defaultWaitTimeout),
        ], required: ["task"]),
        annotations: .init(title: "Wait for a task", readOnlyHint: true, openWorldHint: true))

    static let taskStatus = Tool(
        name: "task_status", title: "Task status",
        description: "A task's status, source, payment, expiry, attempts and explorer link, read from the chain (`task_at(task)`).",
        inputSchema: schema(["task": ["type": "string", "description": "the task's 0x… address"], "timeout_seconds": timeoutSchema(defaultTimeout)],
                            required: ["task"]),
        annotations: .init(title: "Task status", readOnlyHint: true, openWorldHint: true))

    static let taskResponses = Tool(
        name: "task_responses", title: "Task responses",
        description: "Every response to a task (provider, status, confirmed, data, url, time), as `responses(task)`.",
        inputSchema: schema(["task": ["type": "string", "description": "the task's 0x… address"], "timeout_seconds": timeoutSchema(defaultTimeout)],
                            required: ["task"]),
        annotations: .init(title: "Task responses", readOnlyHint: true, openWorldHint: true))

    static let estimatePayment = Tool(
        name: "estimate_payment", title: "Estimate a task payment",
        description: "A suggested task payment for a level of work, as `estimate_payment(level)`.",
        inputSchema: schema(["level": ["type": "string", "enum": ["simple", "medium", "complex"], "description": "default medium"]], required: []),
        annotations: .init(title: "Estimate a payment", readOnlyHint: true, openWorldHint: false))

    static let balance = Tool(
        name: "balance", title: "Account balance",
        description: "The native OGPU balance of an address (default: the signing account), as `balance(address)`.",
        inputSchema: schema(["address": ["type": "string", "description": "0x… address (default: the signing account)"],
                             "timeout_seconds": timeoutSchema(defaultTimeout)], required: []),
        annotations: .init(title: "Balance", readOnlyHint: true, openWorldHint: true))

    static let vault = Tool(
        name: "vault", title: "Vault",
        description: "The vault of an address (default: the signing account): balance, lockup, unbonding, eligible; task payments come from its balance. As `vault(address)`.",
        inputSchema: schema(["address": ["type": "string", "description": "0x… address (default: the signing account)"],
                             "timeout_seconds": timeoutSchema(defaultTimeout)], required: []),
        annotations: .init(title: "Vault", readOnlyHint: true, openWorldHint: true))

    /// The argument names a tool takes (its schema's properties); nil for a tool that is not ours.
    static func argumentNames(of tool: String) -> Set<String>? {
        guard let t = all.first(where: { $0.name == tool }), case .object(let properties)? = t.inputSchema.objectValue?["properties"] else {
            return nil
        }
        return Set(properties.keys)
    }

    private static func schema(_ properties: [String: Value], required: [String]) -> Value {
        ["type": "object", "properties": .object(properties), "required": .array(required.map { .string($0) }), "additionalProperties": false]
    }

    private static func timeoutSchema(_ fallback: Int) -> Value {
        ["type": "integer", "minimum": 1, "maximum": .int(maxTimeout),
         "description": .string("stop the call after this many seconds (default \(fallback)); the session stays usable")]
    }
}
