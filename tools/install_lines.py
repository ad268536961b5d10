"""Every ``pip install`` line the repository's docs give, and whether pip can resolve each one.

    python tools/install_lines.py            # list the lines (file:line), the extras they name, the distinct installs
    python tools/install_lines.py --check    # pip install --dry-run each distinct install, each extra on its own and
                                             # the environment table's claims (needs the package index; CI runs it)

A line is a ``pip install ...`` command (also ``python -m pip``, ``.venv/bin/pip``) in a shell or unlabeled fenced
block, an indented code block, or an inline code span of a Markdown file: README.md, docs/*.md and every other *.md
of the repository (vendored upstream files under tests/data/ excepted). Lines in ``python`` blocks are program text
or printed output, not commands, and are skipped.

``--check`` runs, for every distinct install (the same requirements and options count once; ``-e``, ``-q`` and
``-U`` do not change what resolves), ``pip install --dry-run --ignore-installed --report`` from the repository root
with the constraint ``torch==2.13.0`` (otherwise pip resolves a multi-GB CUDA build of torch). It also dry-runs
every extra of pyproject.toml on its own, and checks the "Extras and environments" table of docs/integrations.md
against pip: an extra with every extra its row does not exclude must resolve, and each pair the table says needs
separate environments must not. A failure prints the doc line(s) and pip's error; a warning that a package "does
not provide the extra" is a failure too (older pips drop a misspelled extra with only that warning).
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shlex
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROJECT = "evalmetrics"
TORCH_PIN = "torch==2.13.0"
ENV_DOC = "docs/integrations.md"
ENV_TABLE_HEADING = "Extras and environments"
#: Markdown under these folders is upstream text kept as test data, not this project's docs.
EXCLUDED = ("tests/data/",)
_SKIP_DIRS = {".git", ".venv", "build", "dist", "node_modules", "site-packages", "__pycache__"}
_SHELL_LANGS = {"", "bash", "sh", "shell", "console", "shell-session", "zsh"}

_PIP = re.compile(r"(?:^|(?<=[\s;&|(]))(?:[\w./~-]*python[\d.]*\s+-m\s+)?(?:[\w./~-]*/)?pip3?(?:[\d.]*)\s+install\b")
_INLINE = re.compile(r"(`+)(.+?)\1")
_FENCE = re.compile(r"^\s{0,3}(```+|~~~+)\s*([\w+-]*)")
#: pip options that take a value (the value is the next word unless written --opt=value).
_VALUE_OPTS = {"-c", "--constraint", "-r", "--requirement", "-i", "--index-url", "--extra-index-url", "-f",
               "--find-links", "--target", "-t", "--prefix", "--root", "--python-version", "--platform",
               "--implementation", "--abi", "--only-binary", "--no-binary", "--config-settings", "-C",
               "--upgrade-strategy", "--progress-bar", "--report", "--src", "--group"}
#: pip options that do not change what resolves (dropped when comparing installs and when dry-running).
_NEUTRAL_OPTS = {"-e", "--editable", "-q", "--quiet", "-v", "--verbose", "-U", "--upgrade", "--no-input",
                 "--user", "--force-reinstall", "--no-cache-dir", "--dry-run", "--ignore-installed", "-I"}


def normalize_name(name: str) -> str:
    """PEP 503 / PEP 685 normal form of a project or extra name."""
    return re.sub(r"[-_.]+", "-", name).lower()


@dataclass(frozen=True)
class Requirement:
    text: str                 # as written (shell quoting removed)
    name: str                 # project name, or PROJECT for a path to this checkout
    extras: tuple[str, ...]   # as spelled
    local: bool               # a path (., ./x, /abs) rather than a name from the index


@dataclass
class InstallLine:
    path: str                 # relative to ROOT
    lineno: int
    text: str                 # the command as written, from "pip"
    options: tuple[str, ...]
    requirements: tuple[Requirement, ...]
    error: str | None = None  # why the line could not be parsed

    @property
    def where(self) -> str:
        return f"{self.path}:{self.lineno}"

    def key(self) -> tuple:
        """What pip resolves: the same key, the same resolution (one dry-run for all of them)."""
        return (tuple(sorted(self.options)), tuple(sorted(_project_spec(r.extras) if r.name == PROJECT and r.local else r.text
                                                          for r in self.requirements)))

    def project_extras(self) -> list[str]:
        return [e for r in self.requirements if r.name == PROJECT for e in r.extras]


@dataclass
class Install:
    """One distinct dry-run and every place that asks for it."""
    args: tuple[str, ...]
    label: str
    sources: list[str] = field(default_factory=list)
    expect_ok: bool = True
    extras: frozenset | None = None  # this checkout with these extras and nothing else (options, other packages)
    group: bool = False              # a largest set of extras the environment table lets share an environment


def doc_files(root: Path = ROOT) -> list[Path]:
    """README.md, docs/*.md and every other Markdown file of the repository, in a stable order."""
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in _SKIP_DIRS and not d.startswith(".")
                             and not d.endswith(".egg-info"))
        for name in sorted(filenames):
            if name.lower().endswith(".md"):
                path = Path(dirpath, name)
                rel = path.relative_to(root).as_posix()
                if not rel.startswith(EXCLUDED):
                    found.append(path)
    return sorted(found, key=lambda p: (p.relative_to(root).as_posix() != "README.md", p.relative_to(root).as_posix()))


def _commands(text: str):
    """(lineno, command text) for every pip install command in Markdown ``text``."""
    lines = text.splitlines()
    fence = None            # (marker, language) inside a fenced block
    indented = False        # inside an indented code block
    prev_blank = True
    i = 0
    while i < len(lines):
        line, lineno = lines[i], i + 1
        m = _FENCE.match(line)
        if fence is None and m:
            fence, indented = (m.group(1), m.group(2).lower()), False
        elif fence is not None and line.strip().startswith(fence[0]) and not line.strip().strip(fence[0][0]):
            fence = None
        elif fence is not None and fence[1] not in _SHELL_LANGS:
            pass  # program text or its printed output, not a command
        else:
            if fence is None:
                indented = line.startswith("    ") and "`" not in line and (prev_blank or indented) \
                    or (indented and not line.strip())
            if fence is not None or indented:
                cmd = line  # a shell line: join backslash continuations
                while cmd.rstrip().endswith("\\") and i + 1 < len(lines):
                    i += 1
                    cmd = cmd.rstrip()[:-1] + " " + lines[i].strip()
                for found in _split_shell(cmd):
                    yield lineno, found
            else:
                for span in _INLINE.finditer(line):
                    for found in _split_shell(span.group(2)):
                        yield lineno, found
        prev_blank = not line.strip()
        i += 1


def _split_shell(text: str):
    """The pip install commands in one shell line (``a && pip install x; b`` gives ``pip install x``)."""
    for m in _PIP.finditer(text):
        rest = text[m.start():].lstrip()
        # the command ends at a shell separator outside quotes or at a comment
        out, quote = [], None
        for k, ch in enumerate(rest):
            if quote:
                if ch == quote:
                    quote = None
            elif ch in "'\"":
                quote = ch
            elif ch in ";|&" or (ch == "#" and (k == 0 or rest[k - 1].isspace())):
                break
            out.append(ch)
        yield "".join(out).strip()


def parse_command(command: str, path: str = "<text>", lineno: int = 0) -> InstallLine:
    """Split ``pip install ...`` into options and requirements."""
    m = _PIP.match(command)
    words_text = command[m.end():] if m else command
    try:
        words = shlex.split(words_text)
    except ValueError as e:
        return InstallLine(path, lineno, command, (), (), error=f"cannot split the command: {e}")
    options, reqs, error = [], [], None
    k = 0
    while k < len(words):
        w = words[k]
        if w.startswith("-"):
            opt, eq, val = w.partition("=")
            if opt in ("-e", "--editable"):
                if eq:
                    reqs.append(_requirement(val))
                elif k + 1 < len(words):
                    reqs.append(_requirement(words[k + 1]))
                    k += 1
                else:
                    error = f"{opt} without a path"
            elif opt in _VALUE_OPTS and not eq:
                if k + 1 >= len(words):
                    error = f"{opt} without a value"
                else:
                    options.append(f"{opt}={words[k + 1]}")
                    k += 1
            elif opt not in _NEUTRAL_OPTS:
                options.append(w)
        elif w == "...":
            error = "'...' stands for something left out"
        else:
            reqs.append(_requirement(w))
        k += 1
    if not reqs and not any(o.startswith(("-r=", "--requirement=")) for o in options) and error is None:
        error = "no requirement"
    return InstallLine(path, lineno, command, tuple(options), tuple(reqs), error=error)


_REQ = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)?\s*(?:\[([^\]]*)\])?")


def _requirement(text: str) -> Requirement:
    local = text.startswith((".", "/", "~")) or text.startswith("file:")
    if local:
        base, _, rest = text.partition("[")
        extras = tuple(e.strip() for e in rest.rstrip("]").split(",") if e.strip()) if rest else ()
        target = Path(os.path.expanduser(base or ".")) if not base.startswith("file:") else Path(base[5:])
        is_project = (ROOT / target).resolve() == ROOT if not target.is_absolute() else target.resolve() == ROOT
        return Requirement(text, PROJECT if is_project else base, extras, True)
    m = _REQ.match(text)
    name = m.group(1) or text
    extras = tuple(e.strip() for e in (m.group(2) or "").split(",") if e.strip())
    return Requirement(text, normalize_name(name), extras, False)


def install_lines(root: Path = ROOT) -> list[InstallLine]:
    """Every pip install line of the docs, in file and line order."""
    out = []
    for path in doc_files(root):
        rel = path.relative_to(root).as_posix()
        for lineno, command in _commands(path.read_text(encoding="utf-8")):
            out.append(parse_command(command, rel, lineno))
    return out


def _load_toml(path: Path) -> dict:
    try:
        import tomllib
    except ImportError:  # Python 3.10
        import tomli as tomllib
    with open(path, "rb") as f:
        return tomllib.load(f)


def project_extras(root: Path = ROOT) -> dict[str, list[str]]:
    """pyproject.toml's extras: {name as declared: requirements}."""
    return dict(_load_toml(root / "pyproject.toml")["project"].get("optional-dependencies", {}))


@dataclass(frozen=True)
class EnvRow:
    extra: str
    apart_from: tuple[str, ...]  # extras it cannot share an environment with
    lineno: int


def environment_table(root: Path = ROOT) -> list[EnvRow]:
    """The rows of the "Extras and environments" table: first cell the extra, last cell the extras it must be kept
    apart from (backticked names; "none" or a dash for none)."""
    lines = (root / ENV_DOC).read_text(encoding="utf-8").splitlines()
    start = next((i for i, l in enumerate(lines) if l.startswith("#") and ENV_TABLE_HEADING in l), None)
    if start is None:
        raise ValueError(f"{ENV_DOC} has no heading {ENV_TABLE_HEADING!r}")
    rows, in_table = [], False
    for i in range(start + 1, len(lines)):
        line = lines[i].strip()
        if line.startswith("#"):
            break
        if not line.startswith("|"):
            if in_table:
                break
            continue
        in_table = True
        cells = [c.strip() for c in line.strip("|").split("|")]
        if set("".join(cells)) <= set("-: ") or not cells[0].startswith("`"):
            continue  # the delimiter row, the header
        extra = cells[0].strip("`")
        apart = tuple(re.findall(r"`([^`]+)`", cells[-1]))
        rows.append(EnvRow(extra, apart, i + 1))
    if not rows:
        raise ValueError(f"{ENV_DOC}: no table under {ENV_TABLE_HEADING!r}")
    return rows


def planned_installs(root: Path = ROOT, with_table: bool = True) -> list[Install]:
    """Every distinct dry-run ``--check`` makes: doc lines, each extra alone, the environment table's claims."""
    installs: dict[tuple, Install] = {}

    def add(key, args, label, source, expect_ok=True):
        inst = installs.setdefault(key, Install(tuple(args), label, expect_ok=expect_ok))
        if inst.expect_ok != expect_ok:
            raise ValueError(f"{source} and {inst.sources} expect opposite outcomes for {label}")
        inst.sources.append(source)

    for line in install_lines(root):
        if line.error:
            continue
        add(line.key(), list(line.options) + [r.text for r in line.requirements], line.text,
            f"{line.where}: {line.text}")
    extras = list(project_extras(root))

    def add_project(names, source, expect_ok=True, group=False):
        spec = _project_spec(names)
        add(((), (spec,)), [spec], f"pip install '{spec}'", source, expect_ok)
        installs[((), (spec,))].group |= group

    for name in extras:
        add_project([name], f"pyproject.toml: extra {name!r} on its own")
    rows = environment_table(root) if with_table else []
    apart = conflicts(rows)
    # Every pair the table does not separate shares an environment: each largest group of mutually compatible extras
    # must resolve (that covers every such pair), and every separated pair must not.
    for group in compatible_groups(extras, apart) if rows else ():
        add_project(group, f"{ENV_DOC}: the table lets {', '.join(f'`{e}`' for e in group)} share an environment",
                    group=True)
    for row in rows:
        for other in row.apart_from:
            add_project([row.extra, other], f"{ENV_DOC}:{row.lineno}: `{row.extra}` and `{other}` need separate "
                        "environments", expect_ok=False)
    for inst in installs.values():
        if len(inst.args) == 1 and not inst.args[0].startswith("-"):
            req = _requirement(inst.args[0])
            if req.name == PROJECT and req.local and set(req.extras) <= set(extras):
                inst.extras = frozenset(req.extras)
    return list(installs.values())


def covering_groups(installs: list[Install]) -> dict[int, Install]:
    """{index of an install: the group install it is a subset of}. If pip resolves this checkout with a set of extras
    it resolves it with any subset (the same versions satisfy the subset), so one dry-run of each group stands for
    the lines and single extras inside it; a group that fails is followed by its members' own dry-runs."""
    groups = [g for g in installs if g.group and g.expect_ok]
    covered = {}
    for n, inst in enumerate(installs):
        if inst.expect_ok and not inst.group and inst.extras is not None:
            group = next((g for g in groups if inst.extras <= g.extras), None)
            if group is not None:
                covered[n] = group
    return covered


def _project_spec(extras) -> str:
    return f".[{','.join(sorted(extras))}]" if extras else "."


def conflicts(rows: list[EnvRow]) -> set[frozenset]:
    """The pairs of extras the environment table keeps apart (either row saying so suffices)."""
    return {frozenset((r.extra, other)) for r in rows for other in r.apart_from}


def compatible_groups(extras: list[str], apart: set[frozenset]) -> list[list[str]]:
    """The maximal sets of extras no two of which the table keeps apart (Bron-Kerbosch; a handful of extras)."""
    groups = []

    def grow(chosen, candidates, excluded):
        if not candidates and not excluded:
            groups.append(sorted(chosen))
            return
        for e in list(candidates):
            fits = {o for o in candidates if frozenset((e, o)) not in apart and o != e}
            grow(chosen | {e}, fits, {o for o in excluded if frozenset((e, o)) not in apart})
            candidates = candidates - {e}
            excluded = excluded | {e}

    grow(set(), set(extras), set())
    return sorted(groups)


def dry_run(args, pip: list[str], report: Path, constraint: Path) -> tuple[int, str, float]:
    cmd = [*pip, "install", "--dry-run", "--ignore-installed", "--quiet", "--no-input", "--report", str(report),
           "-c", str(constraint), *args]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    elapsed = time.perf_counter() - t0
    messages = [l for l in (proc.stdout + proc.stderr).splitlines()
                if l.strip() and not re.match(r"WARNING: Location '.*' is ignored", l)]
    return proc.returncode, "\n".join(messages), elapsed


def _resolved(report: Path, args) -> str:
    """The resolved versions of what the install asks for by name (an extra: its requirements), and torch's."""
    try:
        data = json.loads(report.read_text())
    except (OSError, ValueError):
        return ""
    versions = {normalize_name(i["metadata"]["name"]): i["metadata"]["version"] for i in data.get("install", [])}
    extras = project_extras()
    wanted = []
    for a in args:
        if a.startswith("-"):
            continue
        req = _requirement(a)
        if req.name == PROJECT:
            wanted += [normalize_name(_REQ.match(r).group(1)) for e in req.extras for r in extras.get(e, ())]
        else:
            wanted.append(req.name)
    shown = [n for n in dict.fromkeys(wanted + ["torch"]) if n in versions and n != PROJECT]
    return f"{len(versions)} packages; " + ", ".join(f"{n} {versions[n]}" for n in shown)


_NO_EXTRA = re.compile(r"WARNING: (\S+) \S+ does not provide the extra '([^']+)'")


def _asked_extra_missing(message: str, args) -> bool:
    """A pip warning that a package lacks an extra this install asks for by name (the line's own requirements,
    evalmetrics' extras and their requirements). pip drops such an extra and goes on, so it counts as a failure.
    The same warning about a dependency's own requirement (pip < 23.3 on math-verify's `latex2sympy2_extended
    [antlr4_11_0]`) is the dependency's business, not these docs'."""
    m = _NO_EXTRA.search(message)
    if not m:
        return False
    name, extra = normalize_name(m.group(1)), normalize_name(m.group(2))
    if name == PROJECT:
        return True
    extras = project_extras()
    asked = []
    for a in args:
        if a.startswith("-"):
            continue
        req = _requirement(a)
        asked.append(req)
        if req.name == PROJECT:
            asked += [_requirement(r) for e in req.extras for r in extras.get(e, ())]
    return any(r.name == name and extra in {normalize_name(x) for x in r.extras} for r in asked)


def _verdict(inst: Install, rc: int, out: str, elapsed: float, report: Path) -> bool:
    """Print one dry-run's outcome against what the docs expect; True when they agree."""
    missing_extra = [l for l in out.splitlines() if _asked_extra_missing(l, inst.args)]
    ok = rc == 0 and not missing_extra
    good = ok == inst.expect_ok
    outcome = ("resolves: " + _resolved(report, inst.args)) if ok else "does not resolve"
    if not inst.expect_ok:
        outcome += " (expected: does not resolve)"
    print(f"{'ok  ' if good else 'FAIL'} [{elapsed:5.1f} s] {inst.label}: {outcome}")
    for s in inst.sources:
        print(f"       from {s}")
    if not good:
        errors = [l for l in out.splitlines() if l.startswith(("ERROR", "WARNING"))] or out.splitlines()
        for l in (errors if not ok else ["pip resolved it: the docs say it must not"])[-12:]:
            print(f"       pip: {l}")
    sys.stdout.flush()
    return good


def check(pip: list[str], jobs: int = 3, each: bool = False) -> int:
    lines = install_lines()
    bad = [l for l in lines if l.error]
    for l in bad:
        print(f"FAIL {l.where}: {l.text!r}: {l.error}")
    try:
        installs = planned_installs()
    except ValueError as e:  # no environment table: still dry-run the lines
        print(f"FAIL {e}")
        failures = len(bad) + 1
        installs = planned_installs(with_table=False)
    else:
        failures = len(bad)
    covered = {} if each else covering_groups(installs)
    to_run = [inst for n, inst in enumerate(installs) if n not in covered]
    print(f"{len(lines)} install lines in the docs; {len(installs)} distinct installs, {len(to_run)} dry-runs "
          f"({len(covered)} inside a group that is dry-run), {jobs} at a time (pip: {' '.join(pip)})", flush=True)
    total0 = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp, ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        constraint = Path(tmp, "constraints.txt")
        constraint.write_text(TORCH_PIN + "\n")

        def start(batch, tag):
            reports = [Path(tmp, f"{tag}{n}.json") for n in range(len(batch))]
            return [(inst, report, pool.submit(dry_run, inst.args, pip, report, constraint))
                    for inst, report in zip(batch, reports)]

        failed_groups = []
        for inst, report, run in start(to_run, "report"):  # in order, each as soon as it and those before end
            good = _verdict(inst, *run.result(), report)
            failures += not good
            members = [installs[n] for n, g in covered.items() if g is inst]
            if good and members:
                for m in members:
                    print(f"ok   [covered] {m.label}: resolves (its extras are a subset of the line above)")
                    for src in m.sources:
                        print(f"       from {src}")
            elif members:
                failed_groups += members
        if failed_groups:  # say which lines themselves fail
            print(f"a group failed: dry-running its {len(failed_groups)} member install(s) one by one")
            for inst, report, run in start(failed_groups, "member"):
                failures += not _verdict(inst, *run.result(), report)
    runs = len(to_run) + len(failed_groups)
    print(f"{runs} dry-runs in {time.perf_counter() - total0:.1f} s; {failures} failure(s)")
    return 1 if failures else 0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="dry-run every distinct install (needs the package index)")
    ap.add_argument("--pip", default=f"{sys.executable} -m pip",
                    help="the pip command to resolve with (default: this interpreter's pip)")
    ap.add_argument("--jobs", type=int, default=2, help="dry-runs at a time (default 2)")
    ap.add_argument("--each", action="store_true",
                    help="dry-run every distinct install itself, also those inside a group that resolves")
    args = ap.parse_args(argv)
    if args.check:
        return check(shlex.split(args.pip), args.jobs, args.each)
    for l in install_lines():
        extras = l.project_extras()
        note = f"  [extras: {', '.join(extras)}]" if extras else ""
        print(f"{l.where}: {l.text}{note}" + (f"  ERROR: {l.error}" if l.error else ""))
    installs = planned_installs()
    covered = covering_groups(installs)
    for n, inst in enumerate(installs):
        how = f"inside {covered[n].args[0]}" if n in covered else "dry-run" + ("" if inst.expect_ok else ", must fail")
        print(f"{' '.join(inst.args)}  ({how})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
