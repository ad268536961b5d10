"""IFEval (instruction following) as lm_eval 0.4.13 (tasks ``ifeval``, ``leaderboard_ifeval``) and lighteval 0.13.0
(task ``ifeval``) report it: four values per prompt, over one shared implementation.

Both harnesses run the same 25 instruction checkers with the same rules, the same loose readings of a response, and
the same aggregations (prompt level: the mean over prompts; instruction level: followed instructions over all
instructions), so each lighteval value has the same ID as lm_eval's. (Their copies differ only in checkers that
IFEval's registry leaves out: ``RephraseChecker`` strips ``*...*`` lazily in lm_eval and greedily in lighteval,
``KeySentenceChecker``'s default sentences; no IFEval instruction reaches them.)
"""
from __future__ import annotations

from ..metrics.instruction_following import InstructionFollowing
from .alias import Alias

_VALUES = {
    "prompt_level_strict_acc": ("prompt", "strict", "1 if the response follows every instruction of the prompt"),
    "inst_level_strict_acc": ("instruction", "strict",
                              "followed instructions over all instructions of all prompts"),
    "prompt_level_loose_acc": ("prompt", "loose", "1 if every instruction is followed by some loose reading of the "
                                                  "response (without '*', without its first / last line)"),
    "inst_level_loose_acc": ("instruction", "loose", "instructions followed by some loose reading, over all "
                                                     "instructions of all prompts"),
}


def _build(level: str, mode: str):
    return lambda: InstructionFollowing(level=level, mode=mode)


ALIASES = [
    Alias(harness, version, f"ifeval/{value}", _build(level, mode), f"{label} ifeval {value}: {what}")
    for harness, version, label in (("lm_eval", "0.4", "lm_eval"), ("lighteval", "0.13", "lighteval"))
    for value, (level, mode, what) in _VALUES.items()
]
