"""How lm_eval 0.4.13 loads a task YAML, read without lm_eval: its tags, its ``include`` chain, and task names.

* :func:`load_task_yaml`: a YAML as lm_eval's loader merges it (``include`` files first, local keys win), with
  every ``!function module.name`` as a :class:`FunctionRef` (never imported: :meth:`FunctionRef.digest` is the
  SHA-256 of the referenced definition's source, read with ``ast``).
* :func:`find_lm_eval_task`: the YAMLs defining a task, group or tag NAME among the installed lm_eval's task folders
  (:func:`lm_eval_tasks_dir`), read as text; :func:`is_task_name` tells a name from a path.
* :func:`folder_index`: the same for the YAMLs under one group's folder, read with the YAML loader.
"""
from __future__ import annotations

import ast
import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path

from ...errors import InvalidConfig
from ...io import read_text

__all__ = ["FunctionRef", "load_task_yaml", "is_task_name", "lm_eval_tasks_dir", "task_name_index",
           "find_lm_eval_task", "folder_index", "source_digest"]


@dataclass(frozen=True)
class FunctionRef:
    """A ``!function module.name`` reference as written in a YAML, with the folder it is relative to."""

    spec: str
    base_dir: str | None = None

    @property
    def name(self) -> str:
        return self.spec.rpartition(".")[2]

    @property
    def file(self) -> str | None:
        mod = self.spec.rpartition(".")[0]
        if not mod or self.base_dir is None:
            return None
        path = os.path.join(self.base_dir, mod.replace(".", "/") + ".py")
        if not os.path.isfile(path) and mod.startswith("lm_eval.tasks."):
            # No such file next to the YAML: lm_eval imports the module by name (noreval's
            # "!function lm_eval.tasks.noreval.noridiom.utils.process_results"), from the tasks tree the YAML is in.
            marker = os.sep + os.path.join("lm_eval", "tasks") + os.sep
            base = os.path.join(os.path.abspath(self.base_dir), "")
            i = base.rfind(marker)
            if i != -1:
                return os.path.join(base[:i], *mod.split(".")) + ".py"
        return path

    def source(self) -> str | None:
        """The source text of the referenced top-level function or class, read with ``ast`` (nothing is run)."""
        path = self.file
        if path is None or not os.path.isfile(path):
            return None
        return _definition_source(read_text(str(path)), self.name)

    def digest(self) -> str | None:
        src = self.source()
        return None if src is None else source_digest(src)

    def __str__(self) -> str:
        return f"!function {self.spec}"


def parse_source(text: str):
    """``ast.parse`` without the warnings a module's odd string escapes give (the module is read, not run)."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return ast.parse(text)
        except SyntaxError:
            return None


def _definition_source(text: str, name: str) -> str | None:
    tree = parse_source(text)
    if tree is None:
        return None
    lines = text.splitlines(keepends=True)
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.name == name:
            start = min([d.lineno for d in node.decorator_list] + [node.lineno])
            return "".join(lines[start - 1:node.end_lineno])
    return None


def source_digest(source: str) -> str:
    return hashlib.sha256(source.strip().encode("utf-8")).hexdigest()[:16]


def yaml_loader(base_dir: str):
    yaml = yaml_module()

    class Loader(yaml.SafeLoader):
        pass

    def ctor(loader, node):
        return FunctionRef(loader.construct_scalar(node), base_dir)

    Loader.add_constructor("!function", ctor)
    return Loader


def yaml_module():
    from .. import require

    return require("yaml", "reading lm_eval task YAMLs")


def load_task_yaml(path, _seen=None) -> dict:
    """A task YAML as lm_eval's loader merges it (``include`` files first, local keys win), with every
    ``!function`` as a :class:`FunctionRef`. Nothing is imported or run."""
    path = Path(path).expanduser().resolve()
    _seen = set() if _seen is None else _seen
    if path in _seen:
        raise InvalidConfig(f"include cycle at {path}")
    _seen.add(path)
    try:
        text = read_text(str(path))
    except OSError as e:
        raise InvalidConfig(f"cannot read task config {str(path)!r}: {e}") from None
    yaml = yaml_module()
    try:
        cfg = yaml.load(text, Loader=yaml_loader(str(path.parent)))  # noqa: S506 - SafeLoader subclass
    except yaml.YAMLError as e:
        raise InvalidConfig(f"{path}: not valid YAML: {e}") from None
    if not isinstance(cfg, dict):
        raise InvalidConfig(f"{path}: expected a mapping at the top level, got {type(cfg).__name__}")
    if "include" not in cfg:
        return cfg
    includes = cfg.pop("include")
    merged: dict = {}
    for inc in includes if isinstance(includes, list) else [includes]:
        inc_path = Path(inc) if os.path.isabs(inc) else path.parent / inc
        sub = load_task_yaml(inc_path, _seen)
        sub.pop("task_list", None)
        merged.update(sub)
    merged.update(cfg)
    return merged


def is_task_name(text: str) -> bool:
    """True when ``text`` is meant as a task name rather than a file: no such file, no folder separator, and no
    YAML or Python file suffix (a folder of the same name, e.g. lm_eval's ``tasks/gsm8k``, does not count)."""
    t = text.strip()
    if not t or os.path.isfile(t) or "/" in t or os.sep in t:
        return False
    return not t.lower().endswith((".yaml", ".yml", ".py", "yaml_module"))


def lm_eval_tasks_dir() -> Path:
    """The task folder of the installed lm_eval (found without importing lm_eval); InvalidConfig when lm_eval is
    not installed, since task NAMES are looked up in its folders (a YAML path works without it)."""
    import importlib.util

    try:
        spec = importlib.util.find_spec("lm_eval")
    except (ImportError, ValueError):
        spec = None
    roots = list(spec.submodule_search_locations or ()) if spec is not None else []
    for root in roots:
        d = Path(root) / "tasks"
        if d.is_dir():
            return d
    raise InvalidConfig(
        "finding an lm_eval task by NAME needs lm_eval installed (its task folders are where names are looked up): "
        "pip install 'lm-eval==0.4.13'; or give the task YAML's path, which is read without lm_eval"
    )


_NAME_LINE = re.compile(r"^(task|group|tag):[ \t]*(.*?)[ \t]*(?:#.*)?$", re.M)

_LIST_ITEM = re.compile(r"^[ \t]*-[ \t]+(.*?)[ \t]*(?:#.*)?$")

_NAME_INDEX: dict = {}


def _unquote(v: str) -> str:
    return v[1:-1] if len(v) >= 2 and v[0] == v[-1] and v[0] in "'\"" else v


def task_name_index(tasks_dir) -> dict:
    """{task, group or tag name: [YAML paths]} for the YAMLs under ``tasks_dir``, read as text (top-level ``task:``,
    ``group:``, ``tag:`` scalars and ``tag:`` lists); nothing is imported or run. Cached per folder."""
    root = Path(tasks_dir).resolve()
    if root in _NAME_INDEX:
        return _NAME_INDEX[root]
    out: dict = {}
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in ("__pycache__", ".ipynb_checkpoints"))
        for fn in sorted(filenames):
            if not fn.endswith((".yaml", ".yml", "yaml_module")):
                continue
            p = Path(dirpath) / fn
            try:
                text = p.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                continue
            lines = text.splitlines()
            for m in _NAME_LINE.finditer(text):
                key, value = m.group(1), _unquote(m.group(2))
                names = []
                if value and not value.startswith(("[", "{", "!", "|", ">")):
                    names.append(value)
                elif not value and key == "tag":  # a block list of tags on the following lines
                    at = text.count("\n", 0, m.start()) + 1
                    for line in lines[at:]:
                        item = _LIST_ITEM.match(line)
                        if not item:
                            break
                        names.append(_unquote(item.group(1)))
                elif value.startswith("[") and key == "tag":
                    names.extend(_unquote(x.strip()) for x in value.strip("[]").split(",") if x.strip())
                for n in names:
                    paths = out.setdefault(n, [])
                    if p not in paths:
                        paths.append(p)
    _NAME_INDEX[root] = out
    return out


def find_lm_eval_task(name: str, tasks_dir=None) -> list:
    """The YAML files defining the lm_eval task, group or tag ``name`` under ``tasks_dir`` (default: the installed
    lm_eval's task folder). Raises :class:`evalmetrics.errors.UnknownTask` with the closest names when none does."""
    import difflib

    from ...errors import UnknownTask

    root = Path(tasks_dir) if tasks_dir is not None else lm_eval_tasks_dir()
    index = task_name_index(root)
    paths = index.get(name.strip())
    if not paths:
        where = f"the lm_eval task folders under {root}"
        raise UnknownTask(name, difflib.get_close_matches(name.strip(), list(index), n=5, cutoff=0.6), where=where)
    return list(paths)


def folder_index(root: Path) -> dict:
    """{name: [yaml paths]} for every task, group and tag defined by YAMLs under ``root``."""
    out: dict = {}
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d not in ("__pycache__", ".ipynb_checkpoints")]
        for fn in filenames:
            if not (fn.endswith(".yaml") or fn.endswith(".yml") or fn.endswith("yaml_module")):
                continue
            p = Path(dirpath) / fn
            try:
                raw = yaml_module().load(p.read_text(encoding="utf-8"), Loader=yaml_loader(str(p.parent)))
            except Exception:
                continue
            if not isinstance(raw, dict):
                continue
            names = []
            for k in ("task", "group"):
                if isinstance(raw.get(k), str):
                    names.append(raw[k])
            tags = raw.get("tag")
            names.extend([tags] if isinstance(tags, str) else (tags or []))
            for n in names:
                out.setdefault(n, []).append(p)
    return out
