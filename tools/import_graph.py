"""Measure the package's import graph: the largest strongly connected component (import cycle).

Every import statement counts, function-local and ``TYPE_CHECKING`` ones included, as import-linter counts them.
``from pkg import name`` counts as an import of ``pkg.name`` when that is a module, else of ``pkg``.

    python tools/import_graph.py            # prints modules, edges, the largest cycle and its members
    python tools/import_graph.py --json
"""
from __future__ import annotations

import argparse
import ast
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "evalmetrics"


def modules(package_dir: Path) -> dict[str, Path]:
    found = {}
    for path in sorted(package_dir.rglob("*.py")):
        rel = path.relative_to(package_dir.parent).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def imports_of(name: str, path: Path, known: dict[str, Path], package: str = PACKAGE) -> set[str]:
    is_package = path.name == "__init__.py"
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    out: set[str] = set()

    def add(target: str) -> None:
        # the closest known module at or above the target
        while target and target not in known:
            target = target.rpartition(".")[0]
        if target and target != name:
            out.add(target)

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == package:
                    add(alias.name)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = name.split(".") if is_package else name.split(".")[:-1]
                base = base[: len(base) - (node.level - 1)]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            if mod.split(".")[0] != package:
                continue
            for alias in node.names:
                sub = f"{mod}.{alias.name}"
                add(sub if sub in known else mod)
    return out


def strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    result: list[list[str]] = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            advanced = False
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                    advanced = True
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                result.append(sorted(component))
    return result


def measure(package_dir: Path = ROOT / PACKAGE, package: str = PACKAGE) -> dict:
    package_dir = Path(package_dir)
    known = modules(package_dir)
    graph = {name: imports_of(name, path, known, package) for name, path in known.items()}
    components = sorted(strongly_connected(graph), key=lambda c: (-len(c), c))
    largest = components[0] if components else []
    return {
        "modules": len(known),
        "edges": sum(len(v) for v in graph.values()),
        "largest_cycle": len(largest) if len(largest) > 1 else 0,
        "cycles": [c for c in components if len(c) > 1],
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    report = measure()
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print(f"{report['modules']} modules, {report['edges']} import edges; "
              f"largest import cycle: {report['largest_cycle']} modules")
        for component in report["cycles"]:
            print(f"  cycle of {len(component)}: {', '.join(component)}")
    return 1 if report["cycles"] else 0


if __name__ == "__main__":
    sys.exit(main())
