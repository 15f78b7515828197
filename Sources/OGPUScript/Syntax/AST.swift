/// The syntax tree the parser builds. Sugar is removed here: pipelines become calls, command
/// calls become calls, trailing blocks become a last positional argument.
struct Expr {
    indirect enum Kind {
        case literal(Value)
        case interpolation([InterpolationPart])
        case name(String)
        case list([Expr])
        case map([(key: String, value: Expr)])
        case unary(String, Expr)        // "-" or "not"
        case binary(String, Expr, Expr) // arithmetic and comparison
        case and(Expr, Expr)
        case or(Expr, Expr)
        case range(Expr, Expr, inclusive: Bool)
        case conditional(Expr, Expr, Expr)
        case call(Expr, [Argument])
        case index(Expr, Expr)
        case member(Expr, String)
        case function(FunctionDecl)
    }
    var kind: Kind
    var location: SourceLocation
}

enum InterpolationPart {
    case text(String)
    case expr(Expr)
}

struct Argument {
    var label: String?
    var value: Expr
    var labelLocation: SourceLocation?
    /// The whole value's text (`ogpu(0)`), for errors about this argument; nil when the parser
    /// made the argument up (a pipeline's left side, a trailing block).
    var span: SourceLocation? = nil

    /// Where an error about this argument points.
    var place: SourceLocation { span ?? value.location }
}

struct Parameter {
    var name: String
    var defaultValue: Expr?
    var location: SourceLocation
}

final class FunctionDecl {
    var name: String?
    var parameters: [Parameter]
    var body: [Stmt]
    var location: SourceLocation
    /// Names referenced anywhere inside (cached by capture analysis).
    var usedNames: Set<String>?
    init(name: String?, parameters: [Parameter], body: [Stmt], location: SourceLocation) {
        self.name = name
        self.parameters = parameters
        self.body = body
        self.location = location
    }
}

struct Stmt {
    indirect enum Kind {
        case expression(Expr)
        case declaration(name: String, isConstant: Bool, value: Expr)
        /// `target = value` or `target op= value` (op is "+", "-", "*", "/").
        case assignment(target: Expr, op: String?, value: Expr)
        case function(FunctionDecl)
        case ifElse(Expr, [Stmt], [Stmt]?)
        case whileLoop(Expr, [Stmt])
        /// `for a in x` or `for a, b in x`.
        case forLoop(String, String?, Expr, [Stmt])
        case block([Stmt])
        case breakLoop, continueLoop
        case returnValue(Expr?)
        case tryCatch([Stmt], String?, [Stmt])
        case throwError(Expr)
        case importFile(String)
        case assertion(Expr, Expr?)
    }
    var kind: Kind
    var location: SourceLocation
}
