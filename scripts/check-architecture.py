#!/usr/bin/env python3
"""Keep docs/architecture.md and Package.swift true to the code.

Package.swift is read textually (a small tokenizer and recursive parser, no swift invocation):
every .target/.executableTarget/.testTarget/.systemLibrary with its name, path and dependencies
("X" and .target(name: "X", condition: ...) are package targets, .product(name: "P", ...) are
external products whose module is P unless PRODUCT_MODULES says otherwise).

Checks (each failure is printed and the exit status is 1):
  (a) every non-system module imported by a target's .swift files (including imports inside
      #if blocks) is a declared dependency; the message names the file:line of the import;
  (b) every declared dependency is imported by at least one file of the target;
  (c) docs/architecture.md holds, between <!-- begin:module-graph --> and
      <!-- end:module-graph -->, exactly the block this script generates: a mermaid graph of the
      internal edges of library and executable targets and a table of their dependencies;
  (d) the internal dependency graph has no cycle, and no library depends on an executable.

Usage: scripts/check-architecture.py [--root DIR] [--write]
  --write regenerates the block in place (appending the markers if absent), then checks (a),
  (b) and (d).
"""
import argparse
import difflib
import re
import sys
from pathlib import Path

BEGIN, END = "<!-- begin:module-graph -->", "<!-- end:module-graph -->"
SYSTEM_MODULES = {"Foundation", "FoundationEssentials", "FoundationNetworking", "Dispatch", "Glibc",
                  "Musl", "Darwin", "Android", "WinSDK", "Synchronization", "Testing", "XCTest",
                  "_Concurrency", "os", "System"}
# Product name -> module names it vends, for products whose module is not named like the product.
# SQLiteNIO builds and links the SQLite it vendors as the C module VaporCSQLite, which the ledger's
# SQLite store calls directly (see Sources/QLDBLedger/Storage/SQLite/SQLiteHandle.swift).
PRODUCT_MODULES: dict[str, list[str]] = {"SQLiteNIO": ["SQLiteNIO", "VaporCSQLite"]}
KINDS = {"target": "library", "executableTarget": "executable", "testTarget": "test",
         "systemLibrary": "system library"}

# Comments, string literals (multi-line first) and the tokens of Package.swift, in priority order.
LEXEME = re.compile(r'(?P<ws>\s+)|(?P<comment>//[^\n]*|/\*[\s\S]*?\*/)|(?P<str>"""[\s\S]*?"""|'
                    r'"(?:\\.|[^"\\\n])*")|(?P<id>[A-Za-z_][A-Za-z0-9_]*)|(?P<num>\d[\w.]*)|(?P<p>.)')
IMPORT = re.compile(r'^\s*(?:(?:@\w+(?:\([^)]*\))?|public|package|internal|private|fileprivate|open)'
                    r'\s+)*import\s+(?:(?:struct|class|enum|protocol|typealias|func|var|let)\s+)?'
                    r'([A-Za-z_]\w*)', re.M)


def tokenize(text):
    return [(m.lastgroup, m.group()) for m in LEXEME.finditer(text)
            if m.lastgroup not in ("ws", "comment")]


class Parser:
    """Parses Swift expressions: literals -> str, arrays -> list, calls -> {"call", "args"}, else atoms."""

    def __init__(self, tokens):
        self.toks, self.i = tokens, 0

    def peek(self, k=0):
        return self.toks[self.i + k][1] if self.i + k < len(self.toks) else None

    def expr(self):
        kind, tok = self.toks[self.i]
        self.i += 1
        if kind == "str":
            return tok.strip('"')
        if tok == "[":
            return self.items("]")
        if tok == "(":
            return self.items(")")
        if tok == "." and self.peek() is not None and re.match(r"\w", self.peek()):
            tok = self.peek()
            self.i += 1
        if self.peek() == "(":  # a call: name(label: value, ...)
            self.i += 1
            return {"call": tok, "args": self.items(")", labelled=True)}
        return tok

    def items(self, close, labelled=False):
        out = []
        while self.peek() is not None and self.peek() != close:
            if self.peek() == ",":
                self.i += 1
                continue
            label = None
            if self.peek(1) == ":" and re.match(r"\w", self.peek()):
                label, self.i = self.peek(), self.i + 2
            value = self.expr()
            while self.peek() not in (None, ",", close):  # operators, chained members, "k: v"
                self.expr()
            out.append((label, value) if labelled else value)
        self.i += 1
        return out

    def parse_all(self):
        return [self.expr() for _ in iter(self.peek, None)]


def arg(call, label, default=None):
    return next((v for k, v in call["args"] if k == label), default)


def find_targets(node, found):
    """Collects target declarations anywhere in the tree, except inside dependency lists."""
    if isinstance(node, list):
        for item in node:
            find_targets(item, found)
    elif isinstance(node, dict):
        if node["call"] in KINDS and isinstance(arg(node, "name"), str):
            found.append(node)
        for label, value in node["args"]:
            if label != "dependencies":
                find_targets(value, found)


def parse_package(root):
    decls, targets = [], {}
    find_targets(Parser(tokenize((root / "Package.swift").read_text())).parse_all(), decls)
    for call in decls:
        deps = []  # (kind, name, condition?) with kind "target" or "product"
        for dep in arg(call, "dependencies", []):
            if isinstance(dep, str):
                deps.append(("byName", dep, None))
            elif isinstance(dep, dict) and dep["call"] in ("target", "product", "byName"):
                cond = arg(dep, "condition")
                plats = arg(cond, "platforms", []) if isinstance(cond, dict) else []
                cond = ",".join(map(str, plats)) or ("conditional" if cond else None)
                deps.append((dep["call"], arg(dep, "name"), cond))
        targets[arg(call, "name")] = {"kind": KINDS[call["call"]], "path": arg(call, "path"),
                                      "exclude": arg(call, "exclude", []), "raw": deps}
    for t in targets.values():  # a by-name dependency is a target if the package has one
        t["deps"] = [("target" if k == "target" or (k == "byName" and n in targets) else "product",
                      n, c) for k, n, c in t.pop("raw")]
    return targets


def modules_of(kind, name):
    return [name] if kind == "target" else PRODUCT_MODULES.get(name, [name])


def scan_imports(root, name, target):
    """Returns ({module: [(file, line)]}, error) for the target's Swift sources."""
    rel = target["path"] or ("Tests/" if target["kind"] == "test" else "Sources/") + name
    src = root / rel
    if not src.is_dir():
        return {}, f"{name}: source directory {rel} not found"
    excluded = [src / e for e in target["exclude"] if isinstance(e, str)]
    found = {}
    for f in sorted(src.rglob("*.swift")):
        if any(f == e or e in f.parents for e in excluded):
            continue
        text = f.read_text(errors="replace")
        # Blank out block comments and string literals (keeping newlines) so only code is scanned.
        text = LEXEME.sub(lambda m: re.sub(r"[^\n]", " ", m.group())
                          if m.lastgroup == "str" or m.group().startswith("/*") else m.group(), text)
        for m in IMPORT.finditer(text):
            line = text.count("\n", 0, m.start(1)) + 1
            found.setdefault(m.group(1), []).append((f.relative_to(root).as_posix(), line))
    return found, None


def check_graph(targets):
    errors, state = [], {}
    for name, t in targets.items():
        for kind, dep, _ in t["deps"]:
            if kind == "target" and dep not in targets:
                errors.append(f"{name}: depends on unknown target {dep}")
            elif kind == "target" and t["kind"] != "executable" and t["kind"] != "test" \
                    and targets[dep]["kind"] == "executable":
                errors.append(f"{name}: library target depends on executable target {dep}")

    def visit(name, stack):
        state[name] = "open"
        for kind, dep, _ in targets[name]["deps"]:
            if kind != "target" or dep not in targets:
                continue
            if state.get(dep) == "open":
                cycle = stack[stack.index(dep):] + [dep]
                errors.append("dependency cycle: " + " -> ".join(cycle))
            elif dep not in state:
                visit(dep, stack + [dep])
        state[name] = "done"

    for name in sorted(targets):
        if name not in state:
            visit(name, [name])
    return errors


def generate(targets):
    shown = {n: t for n, t in sorted(targets.items()) if t["kind"] != "test"}
    edges = sorted({(n, d) for n, t in shown.items() for k, d, _ in t["deps"] if k == "target"})
    lines = [BEGIN, "<!-- generated by scripts/check-architecture.py --write; do not edit by hand -->",
             "", "```mermaid", "graph TD"] + [f"  {a} --> {b}" for a, b in edges] + ["```", "",
             "| Module | Depends on (package) | Depends on (external) |", "|---|---|---|"]
    for name, t in shown.items():
        def cell(kind):
            deps = sorted({(d, c) for k, d, c in t["deps"] if k == kind})
            return ", ".join(f"`{d}`" + (f" ({c})" if c else "") for d, c in deps) or "—"
        label = f"`{name}`" + (f" ({t['kind']})" if t["kind"] != "library" else "")
        lines.append(f"| {label} | {cell('target')} | {cell('product')} |")
    return "\n".join(lines + [END]), len(edges)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--root", type=Path, default=Path(__file__).resolve().parent.parent)
    ap.add_argument("--write", action="store_true", help="regenerate the block in docs/architecture.md")
    opts = ap.parse_args()
    root = opts.root.resolve()
    targets = parse_package(root)
    errors = check_graph(targets)
    for name, t in sorted(targets.items()):
        if t["kind"] == "system library":
            continue
        imports, err = scan_imports(root, name, t)
        if err:
            errors.append(err)
            continue
        declared = {m for k, d, _ in t["deps"] for m in modules_of(k, d)}
        for module, sites in sorted(imports.items()):
            if module not in declared and module not in SYSTEM_MODULES and module != name:
                for file, line in sites:
                    errors.append(f"{file}:{line}: {name} imports {module}, which is not a declared dependency")
        for kind, dep, _ in t["deps"]:
            if not any(m in imports for m in modules_of(kind, dep)):
                errors.append(f"{name}: declares {kind} dependency {dep}, but no file of the target imports it")

    doc = root / "docs" / "architecture.md"
    block, n_edges = generate(targets)
    text = doc.read_text() if doc.exists() else ""
    start, end = text.find(BEGIN), text.find(END)
    if opts.write:
        if start != -1 and end > start:
            text = text[:start] + block + text[end + len(END):]
        else:
            text = text.rstrip("\n") + ("\n\n" if text.strip() else "") + block + "\n"
        doc.parent.mkdir(parents=True, exist_ok=True)
        doc.write_text(text)
        print(f"architecture: wrote the module graph to {doc.relative_to(root)}")
    elif start == -1 or end < start:
        errors.append(f"docs/architecture.md: no {BEGIN} ... {END} block; run with --write")
    elif text[start:end + len(END)] != block:
        diff = difflib.unified_diff(text[start:end + len(END)].splitlines(), block.splitlines(),
                                    "docs/architecture.md", "generated", lineterm="", n=0)
        errors.append("docs/architecture.md: the module-graph block is out of date; run with --write\n"
                      + "\n".join(diff))

    for e in errors:
        print("error:", e, file=sys.stderr)
    if errors:
        print(f"architecture: {len(errors)} error(s)", file=sys.stderr)
        return 1
    print(f"architecture: {len(targets)} targets, {n_edges} internal edges, docs/architecture.md up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
