/// The words of the language, for the REPL's completion and help: the keywords (the lexer's own
/// table) and the built-ins' names (the built-in table), so neither list can drift from the language.
public enum LanguageWords {
    public static let keywords: [String] = Keyword.allCases.map(\.rawValue).sorted()
    /// Every built-in function, and `args` (the script's arguments).
    public static let builtins: [String] = Builtins.all.map(\.name) + ["args"]
}

extension Value {
    /// The names that may follow `value.`: a map's keys, or the properties of a handle, error,
    /// amount, duration or time (read without touching the network).
    public var propertyNames: [String] {
        switch self {
        case .map(let m): return m.keys
        case .handle(let h): return h.propertyNames
        default: return Operators.propertyNames(of: self)
        }
    }
}
