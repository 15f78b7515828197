#if canImport(FoundationEssentials)
import FoundationEssentials
import Glibc
#else
import Foundation
#endif
import OGPUPrimitives

/// Decides what Tab offers for the text before the cursor: meta commands after a leading `:`,
/// file names after `:load`/`:save`, properties after `name.`, else keywords, built-ins and names
/// in scope. Never evaluates anything with side effects (see ScriptEngine.propertyNames).
struct Completer {
    let metaCommands: [String]
    let globalNames: () -> [String]
    let propertyNames: (String) -> [String]

    func complete(_ before: String) -> LineEditor.Completion {
        let trimmed = before.drop(while: { $0 == " " })
        if trimmed.hasPrefix(":") {
            if let space = trimmed.firstIndex(of: " ") {
                let command = String(trimmed[..<space])
                guard command == ":load" || command == ":save" else { return .init(word: "", candidates: []) }
                let word = String(trimmed[trimmed.index(after: space)...].drop(while: { $0 == " " }))
                return .init(word: word, candidates: Completer.files(matching: word))
            }
            let word = String(trimmed)
            return .init(word: word, candidates: metaCommands.filter { $0.hasPrefix(word) }.sorted())
        }
        if Completer.insideString(before) { return .init(word: "", candidates: []) }

        let word = String(before.reversed().prefix(while: Completer.isNameCharacter).reversed())
        let head = before.dropLast(word.count)
        if head.hasSuffix(".") {
            let base = String(head.dropLast().reversed()
                .prefix(while: { Completer.isNameCharacter($0) || $0 == "." }).reversed())
            guard !base.isEmpty, let first = base.first, !first.isNumber, !base.hasPrefix(".") else {
                return .init(word: word, candidates: [])
            }
            let names = Set(propertyNames(base)).filter { $0.hasPrefix(word) }
            return .init(word: word, candidates: names.sorted())
        }
        guard !word.isEmpty, !(word.first?.isNumber ?? false) else { return .init(word: word, candidates: []) }
        let all = Set(Vocabulary.keywords + Vocabulary.builtins + globalNames())
        return .init(word: word, candidates: all.filter { $0.hasPrefix(word) }.sorted())
    }

    static func isNameCharacter(_ c: Character) -> Bool {
        c == "_" || c.isLetter || c.isNumber
    }

    /// True when the cursor sits inside a string literal (an odd number of unescaped quotes before it).
    static func insideString(_ text: String) -> Bool {
        var inside = false
        var escaped = false
        for c in text {
            if escaped { escaped = false; continue }
            if c == "\\" { escaped = true; continue }
            if c == "\"" { inside.toggle() }
            if c == "#" && !inside { return false }
        }
        return inside
    }

    static func files(matching word: String) -> [String] {
        let expanded = PathName.expandingTilde(word)
        let directory = word.hasSuffix("/") ? expanded : PathName.directory(of: expanded)
        let prefix = word.hasSuffix("/") ? "" : PathName.lastComponent(of: expanded)
        let shownDirectory = word.hasSuffix("/") ? word : String(word.dropLast(prefix.count))
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: directory.isEmpty ? "." : directory) else { return [] }
        return entries.filter { $0.hasPrefix(prefix) && ($0.hasPrefix(".") == prefix.hasPrefix(".")) }.sorted().map { name in
            var isDirectory = false
            let full = PathName.join(directory.isEmpty ? "." : directory, name)
            FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory)
            return shownDirectory + name + (isDirectory ? "/" : "")
        }
    }
}
