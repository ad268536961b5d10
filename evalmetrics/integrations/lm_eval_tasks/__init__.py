"""Read an lm_eval task config back as canonical IDs: what each reported score really computes.

``read_lm_eval_task(path)`` reads a task YAML (its ``include`` chain, ``output_type``, ``filter_list``,
``metric_list`` with options, ``doc_to_target``, ``repeats``, ``process_results``, ``class``) the way lm_eval
0.4.13 interprets it, and returns one :class:`MetricReading` per reported row ``"<metric>,<filter>"``: the canonical
ID of the whole pipeline (filters on the prediction, the reference as ``doc_to_target`` renders it, the metric with
its options), the shipped alias with exactly that ID if there is one, and the steps in plain words. A part that
evalmetrics does not model is reported as not reproduced, with the reason, never guessed.

A task, group or tag NAME (``gsm8k``, ``mmlu``) is found among the installed lm_eval's task folders, read as text
(:func:`find_lm_eval_task`; lm_eval must be installed for names, not for paths). ``!function`` metrics written
with :func:`evalmetrics.integrations.lm_eval.function_spec` carry their canonical ID in the YAML itself.

No harness package is needed and no task code is run: ``!function`` hooks are identified by the SHA-256 of their
source as lm_eval 0.4.13 ships it (read from the file next to the YAML), not imported. Group YAMLs (``group:`` with
a ``task:`` list, e.g. ``mmlu``) are read member by member, resolving names, groups and tags among the YAMLs under
the group's folder.

What the reference is. For ``doc_to_target: "{{answer}}"`` lm_eval renders the field; a rendered text that is a
Python list literal becomes a list, and a task whose first document yields a list is a multiple-target task (any
target matching scores 1). Which one a field is depends on the data, not the YAML, so such rows carry two readings:
``id`` (the field holds a text) and ``list_id`` (the field holds a list of texts). References are the field's value
in both.

One question per module, bottom to top:

* :mod:`.loading`: how lm_eval loads a task YAML (``!function``, ``include``), and where a task NAME is defined;
* :mod:`.readings`: what a reading holds and how it prints (:class:`TaskReading`, :class:`MetricReading`);
* :mod:`.filters`: what a ``filter_list`` means; :mod:`.entries`: what a ``metric_list`` entry names;
  :mod:`.hooks`: the ``process_results`` hooks evalmetrics recognizes (data);
* :mod:`.unitxt_recipes`: the rows of lm_eval's unitxt tasks (``class: task.Unitxt`` + ``recipe:``), from the recipe;
* :mod:`.rows`: what a reported row ``"<metric>,<filter>"`` computes;
* :mod:`.groups`: how a group expands into its members;
* :mod:`.reader`: the entry points (a path, a name or a config dict).
"""
from __future__ import annotations

from .entries import LM_EVAL_METRICS
from .hooks import KNOWN_HOOKS
from .loading import FunctionRef, find_lm_eval_task, is_task_name, lm_eval_tasks_dir, load_task_yaml
from .reader import explain_lm_eval_task, read_lm_eval_task, read_lm_eval_task_named
from .readings import MetricReading, TaskReading

__all__ = [
    "read_lm_eval_task",
    "explain_lm_eval_task",
    "find_lm_eval_task",
    "read_lm_eval_task_named",
    "lm_eval_tasks_dir",
    "is_task_name",
    "TaskReading",
    "MetricReading",
    "FunctionRef",
    "load_task_yaml",
    "KNOWN_HOOKS",
    "LM_EVAL_METRICS",
]
