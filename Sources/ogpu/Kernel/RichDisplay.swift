import OGPUScript

/// The HTML a notebook shows for values people would rather look at than read: a task, a
/// response or a source as a two-column table of its properties; a list of them (`sources()`,
/// `responses(t)`) or of maps with the same keys as a table with a row each; any other map (a
/// vault, a task draft) as a key/value table. Everything shown is escaped: a provider's answer,
/// a source's name or a task's data is text from strangers.
enum RichDisplay {
    /// The properties a table shows per handle type, in order. A task's `config` and `responses`
    /// are left out (each costs an IPFS or chain round trip per row).
    static let columns: [String: [String]] = [
        "task": ["address", "status", "source", "payment", "expiry", "attempts", "tx"],
        "response": ["address", "task", "provider", "status", "time", "data"],
        "source": ["address", "name", "status", "min_payment", "environments", "delivery", "max_expiry", "owner"],
    ]
    /// Longest text shown in one cell; the rest is cut (the value itself is whole in text/plain).
    static let cellLimit = 2_000
    /// Most rows shown; the table then says how many more there are.
    static let rowLimit = 200

    /// The `text/html` rendering of `value`, or nil when plain text is the better view.
    static func html(_ value: Value) -> String? {
        switch value {
        case .handle(let handle):
            guard let names = columns[handle.typeName] else { return nil }
            return keyValueTable(caption: handle.typeName, names.map { ($0, cell(try? handle.property($0))) })
        case .map(let map):
            guard !map.isEmpty else { return nil }
            return keyValueTable(caption: nil, map.keys.map { ($0, cell(map[$0])) })
        case .list(let items):
            return listTable(items)
        default:
            return nil
        }
    }

    private static func listTable(_ items: [Value]) -> String? {
        guard let first = items.first else { return nil }
        let header: [String]
        let row: (Value) -> [String]?
        switch first {
        case .handle(let h):
            guard let names = columns[h.typeName] else { return nil }
            let type = h.typeName
            header = names
            row = { item in
                guard case .handle(let handle) = item, handle.typeName == type else { return nil }
                return names.map { cell(try? handle.property($0)) }
            }
        case .map(let m):
            guard !m.isEmpty else { return nil }
            let keys = m.keys
            header = keys
            row = { item in
                guard case .map(let map) = item, map.keys == keys else { return nil }
                return keys.map { cell(map[$0]) }
            }
        default:
            return nil
        }
        var rows: [[String]] = []
        for item in items.prefix(rowLimit) {
            guard let r = row(item) else { return nil }   // mixed lists stay plain text
            rows.append(r)
        }
        var html = "<table class=\"ogpu-table\">\n<thead><tr><th></th>"
        html += header.map { "<th>\(escape($0))</th>" }.joined() + "</tr></thead>\n<tbody>\n"
        for (i, r) in rows.enumerated() {
            html += "<tr><td>\(i)</td>" + r.map { "<td>\(escape($0))</td>" }.joined() + "</tr>\n"
        }
        html += "</tbody>\n</table>"
        if items.count > rows.count { html += "\n<p>… and \(items.count - rows.count) more</p>" }
        return html
    }

    private static func keyValueTable(caption: String?, _ rows: [(String, String)]) -> String {
        var html = "<table class=\"ogpu-table\">\n"
        if let caption { html += "<caption>\(escape(caption))</caption>\n" }
        html += "<tbody>\n"
        for (key, text) in rows.prefix(rowLimit) {
            html += "<tr><th style=\"text-align:left\">\(escape(key))</th><td style=\"text-align:left\">\(escape(text))</td></tr>\n"
        }
        html += "</tbody>\n</table>"
        if rows.count > rowLimit { html += "\n<p>… and \(rows.count - rowLimit) more</p>" }
        return html
    }

    /// A value as a cell shows it: strings without quotes, the rest as `print` shows them.
    private static func cell(_ value: Value?) -> String {
        guard let value else { return "?" }
        let text: String
        switch value {
        case .string(let s): text = s
        case .null: text = "nil"
        default: text = ValueFormat.printed(value)
        }
        return text.count > cellLimit ? String(text.prefix(cellLimit)) + "…" : text
    }

    /// HTML text escaping (element content and quoted attribute values alike).
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for c in text.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }
}
