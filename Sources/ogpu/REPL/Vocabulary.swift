/// The words Tab offers before any code has run: keywords and built-ins of docs/language.md §1–§6, and
/// the properties of each handle type. Names the session defines come from the engine.
enum Vocabulary {
    static let keywords = [
        "and", "assert", "break", "catch", "continue", "else", "false", "fn", "for", "if", "import",
        "in", "let", "nil", "not", "or", "return", "throw", "true", "try", "var", "while",
    ]

    static let generalBuiltins = [
        "print", "len", "type", "str", "int", "dec", "bool", "keys", "values", "range", "push", "map",
        "filter", "reduce", "sort", "reverse", "sum", "min", "max", "abs", "round", "join", "split",
        "upper", "lower", "trim", "contains", "starts_with", "ends_with", "replace", "json",
        "parse_json", "env", "address", "now", "time", "sleep", "error", "retry", "help", "args",
        "ogpu", "gwei", "wei",
    ]

    static let networkBuiltins = [
        "network", "me", "balance", "task", "publish", "task_at", "responses", "wait", "confirm",
        "cancel", "estimate_payment", "source_at", "sources", "publish_source", "vault", "deposit",
        "lock", "unbond", "withdraw", "claim", "ipfs_put", "ipfs_get", "watch",
    ]

    static var builtins: [String] { generalBuiltins + networkBuiltins }

    /// Properties by the value's type name (as `type(x)` reports it).
    static let properties: [String: [String]] = [
        "task": ["address", "tx", "status", "source", "payment", "expiry", "attempts", "responses", "config", "explorer"],
        "response": ["address", "provider", "status", "confirmed", "data", "url", "time"],
        "source": ["address", "name", "description", "min_payment", "min_lockup", "max_expiry", "delivery"],
        "error": ["message", "kind", "data"],
        "amount": ["wei", "ogpu"],
        "duration": ["seconds"],
    ]
}
