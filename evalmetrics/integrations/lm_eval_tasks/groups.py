"""How an lm_eval group expands: its members (tasks, subgroups and tags, by name or inline), resolved among the
YAMLs under the group's folder, each read with the group's overrides (lm_eval's rule: the group's non-group keys
apply to its members; an enclosing group's overrides win).
"""
from __future__ import annotations

from pathlib import Path

from .loading import folder_index, load_task_yaml
from .readings import TaskReading
from .rows import read_task

__all__ = ["read_group", "task_tags"]

_GROUP_KEYS = ("group", "group_alias", "task", "aggregate_metric_list", "metadata", "tag")


def read_group(cfg: dict, path: str | None, cache: dict | None = None, overrides: dict | None = None) -> TaskReading:
    """A group's members, with lm_eval's override rule: a group's non-group keys apply to its members, and the
    caller's overrides win over the group's."""
    cache = {} if cache is None else cache
    overrides = {**{k: v for k, v in cfg.items() if k not in _GROUP_KEYS}, **(overrides or {})}
    g = TaskReading(task=None, path=path, group=str(cfg.get("group")))
    agg = cfg.get("aggregate_metric_list")
    if agg:
        for a in agg if isinstance(agg, list) else [agg]:
            if isinstance(a, dict):
                how = "weighted by task size" if a.get("weight_by_size") else "unweighted"
                g.notes.append(
                    f"group row {a.get('metric')},{a.get('filter_list', 'none')}: mean over the members' values "
                    f"({how}); each member's value is read below"
                )
    if overrides:
        g.notes.append(f"members read with the group's overrides: {', '.join(sorted(overrides))}")
    if path is None and cache.get("__root__") is None:
        g.notes.append("members are named, not given: read the group's YAML file to resolve them")
        return g
    root = str(Path(path).parent) if path is not None else cache["__root__"]
    cache.setdefault("__root__", root)
    if root not in cache:
        cache[root] = folder_index(Path(root))
    index = cache[root]
    seen = {Path(path).resolve()} if path is not None else set()
    for member in cfg["task"]:
        g.members.extend(_member(member, index, seen, cache, overrides))
    return g


def _member(member, index: dict, seen: set, cache: dict, overrides: dict) -> list[TaskReading]:
    if isinstance(member, dict):
        if "group" in member:  # a group by name with overrides, or an inline group
            inline = {k: v for k, v in member.items() if k != "group"}
            if member["group"] in index:
                return _by_name(member["group"], index, seen, cache, {**overrides, **inline})
            return [read_group(member, None, cache, overrides)]
        item = {**overrides, **member}
        name = member.get("task")
        found = _by_name(name, index, seen, cache, item) if isinstance(name, str) else []
        return found or [read_task(item, None)]
    return _by_name(member, index, seen, cache, overrides)


def _by_name(name, index: dict, seen: set, cache: dict, overrides: dict) -> list[TaskReading]:
    paths = index.get(name)
    if not paths:
        return [TaskReading(task=str(name), notes=[f"{name!r} is not defined under this group's folder"])]
    out = []
    for p in sorted(paths):
        cfg = load_task_yaml(p)
        if "group" in cfg and isinstance(cfg.get("task"), list):
            if cfg.get("group") == name and p.resolve() not in seen:  # a group inside itself: read once
                seen.add(p.resolve())
                out.append(read_group(cfg, str(p), cache, overrides))
        elif cfg.get("task") == name or name in task_tags(cfg):
            merged = {**cfg, **{k: v for k, v in overrides.items() if k != "task" or cfg.get("task") == name}}
            out.append(read_task(merged, str(p)))
    return out


def task_tags(cfg) -> list:
    t = cfg.get("tag")
    return [t] if isinstance(t, str) else list(t or [])
