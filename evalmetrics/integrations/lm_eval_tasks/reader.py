"""The entry points: an lm_eval task or group, given as a YAML path, a task/group/tag name or a config dict, read
back as a :class:`TaskReading`."""
from __future__ import annotations

import os
from pathlib import Path

from ...errors import InvalidConfig
from .groups import read_group, task_tags
from .loading import find_lm_eval_task, is_task_name, load_task_yaml
from .readings import TaskReading
from .rows import read_task

__all__ = ["read_lm_eval_task", "explain_lm_eval_task", "read_lm_eval_task_named"]


def read_lm_eval_task(source) -> TaskReading:
    """Read an lm_eval task or group: a YAML path, a task, group or tag name (``gsm8k``, ``mmlu``: found among the
    installed lm_eval's task folders, see :func:`find_lm_eval_task`), or a config dict (e.g.
    ``results["configs"][task]``).

    >>> from evalmetrics.integrations.lm_eval_tasks import read_lm_eval_task
    >>> r = read_lm_eval_task({"task": "t", "output_type": "multiple_choice", "metric_list": [{"metric": "acc"}]})
    >>> r.get("acc").alias
    'lm_eval:acc'
    """
    path = None
    if isinstance(source, str) and is_task_name(source):
        return read_lm_eval_task_named(source)
    if isinstance(source, (str, os.PathLike)):
        path = str(Path(source).expanduser().resolve())
        cfg = load_task_yaml(path)
    elif isinstance(source, dict):
        cfg = dict(source)
    else:
        raise InvalidConfig(f"read_lm_eval_task: expected a YAML path or a config dict, got {type(source).__name__}")
    if "group" in cfg and isinstance(cfg.get("task"), list):
        return read_group(cfg, path)
    return read_task(cfg, path)


def explain_lm_eval_task(path) -> str:
    """The reading of an lm_eval task YAML (or task name) as text: per reported row, its canonical ID and steps in
    plain words.

    This is what ``evalmetrics explain --lm-eval-task PATH_OR_NAME`` prints."""
    return str(read_lm_eval_task(path))


def read_lm_eval_task_named(name: str, tasks_dir=None) -> TaskReading:
    """Read the lm_eval task, group or tag ``name`` (see :func:`find_lm_eval_task`); a tag, or a name several YAMLs
    define, reads as a group of those tasks."""
    paths = find_lm_eval_task(name, tasks_dir)
    readings = []
    for p in paths:
        cfg = load_task_yaml(p)
        if "group" in cfg and isinstance(cfg.get("task"), list) and cfg.get("group") != name:
            continue  # a group that merely tags itself with the name
        if "group" not in cfg and cfg.get("task") != name and name not in task_tags(cfg):
            continue  # the name matched in an included template, not in this file's own keys
        readings.append(read_lm_eval_task(str(p)))
    if not readings:
        raise InvalidConfig(f"lm_eval task {name!r}: the YAMLs naming it ({', '.join(map(str, paths))}) define no "
                            f"task or group of that name")
    if len(readings) == 1:
        return readings[0]
    g = TaskReading(task=None, path=None, group=name, members=readings)
    g.notes.append(f"{name!r} is a tag (or a name several YAMLs define): {len(readings)} tasks")
    return g
