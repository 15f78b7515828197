"""A small TextMate tokenizer: enough of the format (match, begin/end, captures, includes) to
check grammar/ogpu.tmLanguage.json the way an editor applies it, line by line, earliest match
first, ties to the earlier rule and to a rule's `end`."""
import json
import re


class Grammar:
    def __init__(self, path):
        self.data = json.load(open(path))
        self.repository = self.data.get("repository", {})
        self._compiled = {}

    def names(self):
        """Every scope name the grammar can assign (rule names and capture names)."""
        found = set()

        def walk(node):
            if isinstance(node, dict):
                for key, value in node.items():
                    if key == "name" and isinstance(value, str) and key != "scopeName":
                        found.add(value)
                    walk(value)
            elif isinstance(node, list):
                for item in node:
                    walk(item)

        walk(self.repository)
        walk(self.data.get("patterns", []))
        found.discard(self.data.get("name"))
        return found

    def _regex(self, source, first_line):
        if not first_line:
            source = source.replace("\\A", "(?!)")
        key = (source, first_line)
        if key not in self._compiled:
            self._compiled[key] = re.compile(source)
        return self._compiled[key]

    def _flatten(self, patterns, seen=None):
        """Resolves includes into a flat list of match / begin-end rules, in order."""
        seen = seen or set()
        out = []
        for p in patterns:
            if "include" in p:
                ref = p["include"]
                if ref == "$self":
                    ref_patterns = self.data["patterns"]
                elif ref.startswith("#"):
                    rule = self.repository[ref[1:]]
                    ref_patterns = [rule] if ("match" in rule or "begin" in rule) else rule.get("patterns", [])
                else:
                    raise ValueError(f"unsupported include {ref}")
                if ref in seen:
                    continue
                out += self._flatten(ref_patterns, seen | {ref})
            elif "match" in p or "begin" in p:
                out.append(p)
            else:
                out += self._flatten(p.get("patterns", []), seen)
        return out

    def tokenize(self, text):
        """Returns, per line, a list of scope lists, one per character."""
        stack = []  # open begin/end rules: (rule, scope names)
        result = []
        for index, line in enumerate(text.split("\n")):
            first = index == 0
            scopes = [None] * len(line)
            pos = 0
            while pos <= len(line):
                frame_rule, frame_scopes = stack[-1] if stack else (None, [])
                patterns = self._flatten(frame_rule.get("patterns", []) if frame_rule else self.data["patterns"])
                best = None
                if frame_rule:
                    m = self._regex(frame_rule["end"], first).search(line, pos)
                    if m:
                        best = (m.start(), 0, "end", frame_rule, m)
                for order, rule in enumerate(patterns, start=1):
                    m = self._regex(rule.get("match") or rule["begin"], first).search(line, pos)
                    if m and (m.end() > m.start() or "begin" in rule) and (best is None or m.start() < best[0]):
                        best = (m.start(), order, "match" if "match" in rule else "begin", rule, m)
                if best is None:
                    for i in range(pos, len(line)):
                        scopes[i] = list(frame_scopes)
                    break
                start, _, kind, rule, m = best
                for i in range(pos, start):
                    scopes[i] = list(frame_scopes)
                if kind == "end":
                    self._mark(scopes, m, frame_scopes, rule.get("endCaptures", {}))
                    stack.pop()
                elif kind == "match":
                    inner = frame_scopes + ([rule["name"]] if "name" in rule else [])
                    self._mark(scopes, m, inner, rule.get("captures", {}))
                else:
                    inner = frame_scopes + ([rule["name"]] if "name" in rule else [])
                    self._mark(scopes, m, inner, rule.get("beginCaptures", {}))
                    stack.append((rule, inner))
                if m.end() == pos and kind != "begin":
                    pos += 1
                else:
                    pos = m.end()
                if pos >= len(line) and kind != "begin":
                    break
            result.append((line, scopes))
        return result

    @staticmethod
    def _mark(scopes, m, base, captures):
        for i in range(m.start(), m.end()):
            scopes[i] = list(base)
        for group, cap in sorted(captures.items(), key=lambda kv: int(kv[0])):
            g = int(group)
            if m.start(g) < 0:
                continue
            for i in range(m.start(g), m.end(g)):
                scopes[i] = list(base) + [cap["name"]]
