/// A place in a source file, as diagnostics show it: `file:line:col` (1-based), with a span length
/// in characters for the caret line.
public struct SourceLocation: Equatable, Hashable, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int
    public var length: Int

    public init(file: String, line: Int, column: Int, length: Int = 1) {
        self.file = file
        self.line = line
        self.column = column
        self.length = length
    }

    public var description: String { "\(file):\(line):\(column)" }
}
