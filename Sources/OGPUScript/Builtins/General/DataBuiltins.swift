/// `json`, `parse_json` (§5).
enum DataBuiltins {
    static let all: [BuiltinFunction] = [json, parseJSON]

    static let json = BuiltinFunction("json", doc: """
        json(x) is x as compact JSON text: keys in order, no whitespace, numbers exactly as \
        `print` writes them. Amounts become decimal-wei strings, addresses checksummed strings, \
        durations their seconds, times ISO-8601 strings; functions cannot be encoded.
        """) { args, _ in
        try args.noNamed(); try args.expectCount(1, 1)
        return .string(try JSONWriter.encode(args.positional[0]))
    }

    static let parseJSON = BuiltinFunction("parse_json", doc: """
        parse_json(s) reads JSON text strictly: objects become maps (in order), arrays lists, \
        null nil; numbers without fraction or exponent become ints (any size), others exact \
        decs. Invalid JSON is a "value" error naming the line and column.
        """) { args, _ in
        try args.noNamed(); try args.expectCount(1, 1)
        return try JSONParser.parse(try args.string(0, "s"))
    }
}
