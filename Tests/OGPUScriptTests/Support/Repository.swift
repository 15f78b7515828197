import Foundation

/// Where the tests find the repository and the shared conformance data beside it (`<repo>/../shared`,
/// never copied in), located from this file's path so any checkout or worktree works.
enum Repository {
    /// `<repo>` (this file is `<repo>/Tests/OGPUScriptTests/Support/Repository.swift`).
    static let root: URL = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { url.deleteLastPathComponent() }
        return url
    }()

    /// `<repo>/../shared`.
    static var shared: URL { root.deletingLastPathComponent().appendingPathComponent("shared") }
}
