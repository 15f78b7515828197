#if canImport(FoundationEssentials)
import FoundationEssentials
import Glibc
#else
import Foundation
#endif

enum SourceFile {
    /// The file's text, or nil when it cannot be read. Invalid UTF-8 is replaced, not fatal: the
    /// lexer then reports the replacement characters with their locations.
    static func read(_ path: String) -> String? {
        var isDirectory = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory,
              let data = FileManager.default.contents(atPath: path) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }
}
