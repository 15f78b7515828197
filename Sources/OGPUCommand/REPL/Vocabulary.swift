import OGPUScript

/// The words Tab offers before any code has run: the language's keywords and built-ins, taken
/// from the language itself. Names the session defines come from the engine.
enum Vocabulary {
    static var keywords: [String] { LanguageWords.keywords }
    static var builtins: [String] { LanguageWords.builtins }
}
