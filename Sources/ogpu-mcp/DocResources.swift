import Foundation
import MCP
import OGPUScript

/// The resources `ogpu mcp` serves: the language reference and the error list as this build's
/// docs/*.md (compiled in by Plugins/BundledDocs, so an installed binary needs no share
/// directory), and every built-in's documentation as `help()` shows it.
enum DocResources {
    struct Document {
        let uri: String
        let name: String
        let title: String
        let description: String
        let mimeType: String
        let text: String
    }

    static let documents: [Document] = bundled + [builtins]

    static var list: [Resource] {
        documents.map { Resource(name: $0.name, uri: $0.uri, title: $0.title, description: $0.description, mimeType: $0.mimeType,
                                 size: $0.text.utf8.count) }
    }

    static func read(_ uri: String) throws -> ReadResource.Result {
        guard let document = documents.first(where: { $0.uri == uri }) else {
            throw MCPError.invalidParams("no resource \(uri); resources/list names them")
        }
        return ReadResource.Result(contents: [.text(document.text, uri: document.uri, mimeType: document.mimeType)])
    }

    private static let about: [String: (title: String, description: String)] = [
        "language": ("ogpu language reference",
                     "docs/language.md: values, statements, functions, errors, every built-in with an example, the OpenGPU built-ins, the command line"),
        "errors": ("ogpu error kinds", "docs/errors.md: every error[kind] the language raises, what it means and how to fix it"),
    ]

    private static let bundled: [Document] = BundledDocs.encoded.map { name, base64 in
        let text = Data(base64Encoded: base64).map { String(decoding: $0, as: UTF8.self) } ?? ""
        let info = about[name] ?? (name, "docs/\(name).md")
        return Document(uri: "ogpu://docs/\(name).md", name: "\(name).md", title: info.title, description: info.description,
                        mimeType: "text/markdown", text: text)
    }

    private static let builtins = Document(
        uri: "ogpu://docs/builtins", name: "builtins", title: "ogpu built-in functions",
        description: "every built-in function with its one-paragraph documentation, as help(name) shows it",
        mimeType: "text/markdown",
        text: "# ogpu built-in functions\n\n" + Builtins.all.map { "- `\($0.name)`: \($0.doc)" }.joined(separator: "\n") + "\n")
}
