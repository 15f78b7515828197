/// The `help:` lines of runtime errors: what to write instead, when that is known. Built only when
/// an error is raised, never on the evaluator's normal path.
extension ScriptError {
    /// For an unknown named argument `label`: the parameter it was probably meant to be, else the list.
    static func parameterHelp(_ label: String, _ parameters: [String]) -> String {
        if let near = closestName(to: label, in: parameters) { return "did you mean `\(near):`?" }
        if parameters.isEmpty { return "it takes no named arguments" }
        return "its parameters are " + parameters.map { "`\($0)`" }.joined(separator: ", ")
    }

    /// "did you mean `x`?" for a misspelled name among `candidates`, or nil.
    static func didYouMean(_ name: String, _ candidates: [String]) -> String? {
        closestName(to: name, in: candidates).map { "did you mean `\($0)`?" }
    }

    /// For an amount mixed with a plain number: how to write that number as an amount.
    static func amountHelp(_ a: Value, _ b: Value) -> String? {
        let number: Value
        switch (a, b) {
        case (.amount, _) where b.isNumber: number = b
        case (_, .amount) where a.isNumber: number = a
        default: return nil
        }
        let n = ValueFormat.printed(number)
        return "amounts only mix with amounts: write `ogpu(\(n))` for \(n) OGPU, or `wei(\(n))` for \(n) wei"
    }

    /// For arithmetic on nil: where a nil usually comes from.
    static func nilOperandHelp(_ a: Value, _ b: Value) -> String? {
        guard a.isNilValue || b.isNilValue else { return nil }
        return "one side is nil: a missing map key, or a function that ended without a value"
    }

    /// For a `for` over something that has no elements.
    static func cannotLoopHelp(_ v: Value) -> String? {
        switch v {
        case .int, .bigInt: return "to count, loop over a range: `for i in 0..n`"
        case .null: return "the value is nil; check it before the loop"
        default: return "loops go over lists, ranges, maps (their keys) and strings"
        }
    }

    /// For an index out of range: the indexes there are.
    static func indexHelp(_ count: Int) -> String {
        count == 0 ? "it is empty: check `len(…) > 0` first"
            : "indexes run from 0 to \(count - 1), or from -\(count) to -1 counting from the end"
    }
}
