#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The path-string functions of NSString (`deletingLastPathComponent`, `lastPathComponent`,
/// `appendingPathComponent`, `expandingTildeInPath`, `standardizingPath`) without the full
/// Foundation they live in, which would link ICU's 30 MB of data into the binary. Each keeps the
/// result Foundation gives (`PathNameTests` compares them on the same inputs).
public enum PathName {
    /// `path` without its last component: "/a/b/" → "/a", "/a" → "/", "a" → "".
    public static func directory(of path: String) -> String {
        let trimmed = withoutTrailingSlashes(path)
        if trimmed == "/" { return "/" }
        guard let slash = trimmed.lastIndex(of: "/") else { return "" }
        let head = withoutTrailingSlashes(String(trimmed[..<slash]))
        return head.isEmpty ? "/" : head
    }

    /// The last component: "/a/b/" → "b", "/" → "/", "" → "".
    public static func lastComponent(of path: String) -> String {
        let trimmed = withoutTrailingSlashes(path)
        if trimmed == "/" { return "/" }
        guard let slash = trimmed.lastIndex(of: "/") else { return trimmed }
        return String(trimmed[trimmed.index(after: slash)...])
    }

    /// `directory` and `name` joined by one slash ("" + "x" → "x", "/a/" + "x" → "/a/x").
    public static func join(_ directory: String, _ name: String) -> String {
        if directory.isEmpty { return name }
        return directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }

    /// "~" and "~/…" with the home directory (`$HOME`, else the account's), "~user/…" with that
    /// user's; any other path as it is.
    public static func expandingTilde(_ path: String) -> String {
        guard path.hasPrefix("~") else { return path }
        let slash = path.firstIndex(of: "/") ?? path.endIndex
        let user = path[path.index(after: path.startIndex)..<slash]
        let home: String?
        if user.isEmpty {
            if let h = getenv("HOME"), h.pointee != 0 { home = String(cString: h) } else { home = accountHome(nil) }
        } else {
            home = accountHome(String(user))
        }
        guard let home else { return path }
        return withoutTrailingSlashes(home) + path[slash...]
    }

    /// The home directory of `user` (the current account when nil) from the password database.
    public static func accountHome(_ user: String?) -> String? {
        let entry = user.map { getpwnam($0) } ?? getpwuid(getuid())
        guard let entry, let dir = entry.pointee.pw_dir else { return nil }
        return String(cString: dir)
    }

    /// Foundation's `standardizingPath`: the tilde expanded, empty and "." components dropped, and,
    /// in an absolute path, symbolic links resolved and ".." applied component by component (what
    /// exists is resolved, the rest kept as written). A relative path keeps its ".." and a leading ".".
    public static func standardized(_ path: String) -> String {
        let expanded = expandingTilde(path)
        guard expanded.hasPrefix("/") else { return relativeCleaned(expanded) }
        var resolved = "/"
        for part in expanded.split(separator: "/", omittingEmptySubsequences: true) {
            switch part {
            case ".": continue
            case "..": resolved = directory(of: resolved)
            default:
                resolved = join(resolved, String(part))
                if let real = realPath(resolved) { resolved = real }
            }
        }
        return resolved
    }

    /// "a//b/./c/" → "a/b/c"; a leading "." and every ".." stay.
    private static func relativeCleaned(_ path: String) -> String {
        var kept: [Substring] = []
        for (i, part) in path.split(separator: "/", omittingEmptySubsequences: true).enumerated()
        where !(part == "." && i > 0) {
            kept.append(part)
        }
        return kept.joined(separator: "/")
    }

    private static func realPath(_ path: String) -> String? {
        guard let r = realpath(path, nil) else { return nil }
        defer { free(r) }
        return String(cString: r)
    }

    private static func withoutTrailingSlashes(_ path: String) -> String {
        var p = Substring(path)
        while p.count > 1, p.hasSuffix("/") { p = p.dropLast() }
        return String(p)
    }
}
