#!/usr/bin/env python3
"""Checks the house rules of src/ from its `use` lines and `crate::` paths:

1. the layers: each top-level module imports only the modules below it
   (main -> cli, app -> lesson -> analysis, viz, data -> io -> engine);
2. no import circle between files (two or more files that import each other);
3. nothing outside src/app imports egui or eframe (main.rs opens the app through app::run).

    python3 scripts/check-imports.py          # prints what breaks a rule; exit 1 if anything
    python3 scripts/check-imports.py --graph  # also prints every file's imports

Paths are resolved to the file that defines the item, following one `pub use` re-export,
so `use crate::engine::Model` is an import of src/engine/model/mod.rs, not of engine/mod.rs;
a re-export itself (`pub use`) and a folder's mod.rs declaring its files (`mod x;`) are not
imports.
"""
import os
import re
import sys

SRC = "src"

# What each top-level module may import (besides itself).
ALLOWED = {
    "engine": set(),
    "io": {"engine"},
    "data": {"engine", "io"},
    "analysis": {"engine", "io"},
    "viz": {"engine", "io"},
    "lesson": {"engine", "io", "analysis"},
    "cli": {"engine", "io", "data", "analysis", "viz", "lesson"},
    "app": {"engine", "io", "data", "analysis", "viz", "lesson"},
}
GENERATED = {"src/io/onnx/proto.rs"}


def module_files():
    """Every .rs file under src/ with its module path (`crate::io::onnx::graph`)."""
    out = {}
    for d, _, files in os.walk(SRC):
        for f in files:
            if not f.endswith(".rs"):
                continue
            path = os.path.join(d, f)
            rel = os.path.relpath(path, SRC)[:-3].split(os.sep)
            if rel[-1] in ("mod", "lib", "main"):
                rel = rel[:-1]
            out[path] = ["crate"] + rel
    return out


FILES = module_files()
BY_MODULE = {tuple(m): p for p, m in FILES.items() if not p.endswith("main.rs")}


def code_of(path):
    """The file without comments and string literals, and without its #[cfg(test)] part."""
    text = open(path, encoding="utf-8").read()
    text = re.sub(r"//[^\n]*", "", text)
    text = re.sub(r'"(\\.|[^"\\])*"', '""', text)
    cut = re.search(r"^#\[cfg\(test\)\]\s*\n(#\[[^\n]*\]\s*\n)*mod \w+\s*\{", text, re.M)
    return text[: cut.start()] if cut else text


def inline_modules(code):
    """The spans of `mod name { ... }` blocks in a file: (start, end, name)."""
    spans = []
    for m in re.finditer(r"\bmod\s+(\w+)\s*\{", code):
        depth, i = 0, m.end() - 1
        while i < len(code):
            depth += {"{": 1, "}": -1}.get(code[i], 0)
            if depth == 0:
                break
            i += 1
        spans.append((m.start(), i, m.group(1)))
    return spans


def use_paths(code):
    """Every path a file names, with the inline modules it is written in: `use` trees
    flattened, and paths in code. A re-export (`pub use`) is not an import: who names the
    item through it is resolved past it."""
    code = re.sub(r"\bpub(?:\([^)]*\))?\s+use\s+[^;]+;", lambda m: " " * len(m.group(0)), code)
    spans = inline_modules(code)
    inside = lambda at: [n for a, b, n in spans if a < at < b]
    paths = []
    for m in re.finditer(r"\buse\s+([^;]+);", code):
        for p in flatten(m.group(1).replace("\n", " ")):
            paths.append((p, inside(m.start())))
    for m in re.finditer(r"(?<![\w:])((?:crate|super|\w+)(?:::\w+)+)", code):
        paths.append((m.group(1).split("::"), inside(m.start())))
    return paths


def flatten(tree, prefix=()):
    """`a::{b, c::{d, e}}` -> [a,b], [a,c,d], [a,c,e]."""
    tree = tree.strip()
    if "{" not in tree:
        head = tree.split(" as ")[0].strip()
        return [list(prefix) + [s for s in head.split("::") if s]] if head else []
    i = tree.index("{")
    base = [s for s in tree[:i].split("::") if s]
    inner, depth, parts, cur = tree[i + 1 : tree.rindex("}")], 0, [], ""
    for ch in inner:
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append(cur)
            cur = ""
        else:
            cur += ch
    parts.append(cur)
    out = []
    for part in parts:
        if part.strip() in ("", "self"):
            if part.strip() == "self":
                out.append(list(prefix) + base)
            continue
        out.extend(flatten(part, tuple(prefix) + tuple(base)))
    return out


def absolute(path, module):
    """`super::x`, `self::x` and a child module's `x::y` as seen from `module`, made
    absolute."""
    if path[0] == "crate":
        return path
    if tuple(module) + (path[0],) in BY_MODULE:
        return list(module) + path
    if path[0] in ("super", "self"):
        here = list(module)
        while path and path[0] in ("super", "self"):
            if path[0] == "super":
                here = here[:-1]
            path = path[1:]
        return here + path
    return None  # another crate


def reexport(target, item):
    """Where `target` (a file) gets `item` from, when it re-exports it with `pub use`."""
    code = code_of(target)
    for m in re.finditer(r"\bpub(?:\([^)]*\))?\s+use\s+([^;]+);", code):
        for p in flatten(m.group(1).replace("\n", " ")):
            if p and p[-1] == item:
                full = absolute(p, FILES[target])
                if full:
                    return resolve(full, follow=False)
    return target


def resolve(path, follow=True):
    """The file defining the item a path names."""
    for n in range(len(path), 1, -1):
        f = BY_MODULE.get(tuple(path[:n]))
        if f:
            if follow and n < len(path):
                return reexport(f, path[n])
            return f
    return None


def imports():
    graph = {}
    for path, module in FILES.items():
        if path in GENERATED:
            continue
        code = code_of(path)
        targets = set()
        for p, nested in use_paths(code):
            full = absolute(p, module + nested)
            if not full or len(full) < 2:
                continue
            t = resolve(full)
            if t and t != path:
                targets.add(t)
        # A mod.rs declaring a child is not importing it.
        graph[path] = targets
    return graph


def circles(graph):
    """Strongly connected components of two or more files (Tarjan)."""
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in graph:
        if v not in index:
            visit(v)
    return out


def top(path):
    parts = os.path.relpath(path, SRC).split(os.sep)
    return parts[0][:-3] if parts[0].endswith(".rs") else parts[0]


def main():
    graph = imports()
    problems = []
    for src, targets in sorted(graph.items()):
        a = top(src)
        if a not in ALLOWED:
            continue
        for t in sorted(targets):
            b = top(t)
            if b != a and b in ALLOWED and b not in ALLOWED[a]:
                problems.append(f"layer: {src} ({a}) imports {t} ({b})")
    for comp in circles(graph):
        problems.append("circle: " + " <-> ".join(comp))
    for path in FILES:
        if top(path) in ("app", "main") or path in GENERATED:
            continue
        if re.search(r"\b(egui|eframe)::", code_of(path)):
            problems.append(f"egui: {path} uses egui or eframe")
    if "--graph" in sys.argv:
        for src, targets in sorted(graph.items()):
            print(src, "->", ", ".join(sorted(targets)))
    files = len(graph)
    edges = sum(len(t) for t in graph.values())
    for p in problems:
        print(p)
    print(f"{files} files, {edges} imports between them, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
