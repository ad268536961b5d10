"""Rows and documents of two harnesses' runs of one benchmark (``evalmetrics why`` across harnesses).

**Rows.** An lm_eval row and a lighteval row are of the same benchmark when

1. their tasks read the same dataset, as the run cards record it: lm_eval's ``tasks.<task>.dataset_path`` and
   ``dataset_name`` equal lighteval's ``tasks.<task>.hf_repo`` and ``hf_subset`` (a dataset renamed on the Hub is
   read under its new name, :data:`DATASET_RENAMES`); or
2. their task names are listed together in :data:`BENCHMARKS` (lighteval's task name without its suite and few-shot
   count: ``lighteval|gsm8k|5`` and ``gsm8k|0`` are ``gsm8k``); or
3. the caller names the pair (``why(..., benchmarks={"<A's task>": "<B's task>"})``).

Every row of A's task pairs with every row of B's; the pair says both canonical IDs and whether they are one meaning.

**Documents.** Each harness logs a document its own way: lm_eval's samples hold the dataset row (``doc``) and the
rendered prompt, lighteval's details hold the rendered query and the gold choices. They are aligned by content:

* an lm_eval document's *question* is the longest text field of its logged ``doc`` that occurs in its own rendered
  prompt and is not its gold (gsm8k: ``question``); its *gold* is its logged ``target`` (a multiple-choice row: the
  gold choice's text);
* a lighteval document's *query* is its logged ``doc.query``; its *gold* the gold choices' texts
  (``doc.choices[i]`` for ``i`` in ``doc.gold_index``);
* every text is compared whitespace-normalized (each run of whitespace one space, none at either end).

A lighteval document is an lm_eval document when its query contains the lm_eval document's question; when several
lm_eval questions occur in it, the ones with the same gold (the set of normalized gold texts) decide; one left: the
two are aligned, else the document is **ambiguous**. An lm_eval document claimed by two lighteval documents is
ambiguous with both (a question twice in one run). Ambiguous documents are reported (their ids, per side) and never
merged: like documents only one run has, they fall in the decomposition's ``docs`` part. An aligned pair's content
key is the SHA-256 (16 hex digits) of the JSON ``[question, gold]`` of its lm_eval document; pairs aligned on the
question whose golds differ in form (``gsm8k_cot``'s target is the number alone, lighteval's the whole solution) are
counted (``gold_differs``), and the metric part then includes that difference (B's outputs are rescored against A's
gold).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .card import RunCard, digest

__all__ = ["BENCHMARKS", "DATASET_RENAMES", "KEY", "Alignment", "align_documents", "benchmark_pairs", "norm",
           "task_name"]

# benchmark: {harness: task names}; lighteval's names without suite and few-shot count
BENCHMARKS = {
    "gsm8k": {"lm_eval": ("gsm8k", "gsm8k_cot", "gsm8k_cot_zeroshot", "gsm8k_cot_llama",
                          "gsm8k_cot_self_consistency"),
              "lighteval": ("gsm8k",)},
    "arc_easy": {"lm_eval": ("arc_easy",), "lighteval": ("arc:easy",)},
    "arc_challenge": {"lm_eval": ("arc_challenge", "arc_challenge_chat"), "lighteval": ("arc:challenge",)},
    "hellaswag": {"lm_eval": ("hellaswag",), "lighteval": ("hellaswag",)},
}
# Hub datasets moved under an organisation: the old name reads as the new one
DATASET_RENAMES = {"gsm8k": "openai/gsm8k", "ai2_arc": "allenai/ai2_arc", "hellaswag": "Rowan/hellaswag"}
KEY = ("whitespace-normalized texts; an lm_eval document's question (its longest doc text field found in its own "
       "prompt, not its gold) contained in the lighteval document's doc.query, the gold texts deciding among "
       "several; content key = SHA-256 of JSON [question, sorted gold texts]")


def norm(text) -> str:
    """Whitespace-normalized text: each run of whitespace one space, none at either end."""
    return " ".join(str(text).split())


def task_name(harness: str, task: str) -> str:
    """A task's name without lighteval's suite and few-shot count (``lighteval|gsm8k|5`` -> ``gsm8k``)."""
    if harness != "lighteval":
        return task
    parts = task.split("|")
    if len(parts) == 3:
        return parts[1]
    if len(parts) == 2 and parts[1].isdigit():
        return parts[0]
    return task


def _dataset(card: RunCard, task: str):
    """(repo, subset) of a task's dataset as the card records it, or None."""
    f = card.fields
    if card.harness == "lm_eval":
        path, name = f.get(f"tasks.{task}.dataset_path"), f.get(f"tasks.{task}.dataset_name")
    elif card.harness == "lighteval":
        path, name = f.get(f"tasks.{task}.hf_repo"), f.get(f"tasks.{task}.hf_subset")
    else:
        return None
    if path is None or not isinstance(path.value, str) or path.value in ("json", "csv", "parquet", "text", "arrow"):
        return None  # a local file format names no dataset
    repo = DATASET_RENAMES.get(path.value, path.value)
    subset = None if name is None or name.value in (None, "default") else name.value
    return repo, subset


def benchmark_pairs(a: RunCard, b: RunCard, benchmarks: dict | None = None) -> list[tuple[str, str, str, str]]:
    """[(A's task, B's task, benchmark, why)] for the tasks of two runs of different harnesses that are one
    benchmark (see the module docstring), in A's task order then B's."""
    tasks_a = list(dict.fromkeys(r.task for r in a.rows))
    tasks_b = list(dict.fromkeys(r.task for r in b.rows))
    out = []
    for ta in tasks_a:
        for tb in tasks_b:
            how = _same_benchmark(a, ta, b, tb, benchmarks or {})
            if how is not None:
                out.append((ta, tb, *how))
    return out


def _same_benchmark(a, ta, b, tb, given):
    if given.get(ta) == tb:
        return ta, "named by the caller"
    na, nb = task_name(a.harness, ta), task_name(b.harness, tb)
    for bench, names in BENCHMARKS.items():
        if na in names.get(a.harness, ()) and nb in names.get(b.harness, ()):
            return bench, f"task names ({a.harness} {na!r}, {b.harness} {nb!r}) in evalmetrics.runs.align.BENCHMARKS"
    da, db = _dataset(a, ta), _dataset(b, tb)
    if da is not None and da == db:
        return da[0] + (f"/{da[1]}" if da[1] else ""), "the same dataset (path and subset) in both run cards"
    return None


# -- documents --------------------------------------------------------------------------------------------------

@dataclass
class Doc:
    """One logged document: its position in the run's rows, its id, the question (lm_eval) or the query that holds
    it (lighteval), its gold texts (normalized, sorted) and its rendered prompt."""

    index: int
    doc_id: str
    question: str | None
    query: str | None
    gold: tuple
    prompt: str | None
    prompt_source: str


@dataclass
class Alignment:
    """Aligned pairs (A's row index, B's row index), the documents only one run has, the ambiguous groups
    ({"a": [ids], "b": [ids]}), and how many aligned pairs have golds that differ in form."""

    pairs: list = field(default_factory=list)
    keys: list = field(default_factory=list)
    only_a: list = field(default_factory=list)
    only_b: list = field(default_factory=list)
    ambiguous: list = field(default_factory=list)
    gold_differs: int = 0
    unalignable: list = field(default_factory=list)

    def to_dict(self, docs_a: list, docs_b: list, limit: int = 20) -> dict:
        return {
            "by": "content", "key": KEY, "aligned": len(self.pairs), "only_a": len(self.only_a),
            "only_b": len(self.only_b), "ambiguous_a": sum(len(g["a"]) for g in self.ambiguous),
            "ambiguous_b": sum(len(g["b"]) for g in self.ambiguous), "ambiguous": self.ambiguous[:limit],
            "gold_differs": self.gold_differs, "without_question": len(self.unalignable),
            "only_a_ids": _ids(docs_a[i].doc_id for i in self.only_a)[:limit],
            "only_b_ids": _ids(docs_b[i].doc_id for i in self.only_b)[:limit],
        }


def _golds(row: dict) -> tuple:
    if "logprobs" in row and row.get("texts") is not None and row.get("gold") is not None:
        gold = row["gold"]
        golds = gold if isinstance(gold, list) else [gold]
        texts = [row["texts"][g] for g in golds if isinstance(g, int) and 0 <= g < len(row["texts"])]
    else:
        ref = row.get("references")
        texts = ref if isinstance(ref, (list, tuple)) else [ref]
    return tuple(sorted({norm(t) for t in texts if t is not None}))


def lm_eval_docs(rows: list) -> list[Doc]:
    """The documents of an lm_eval samples file (one filter's rows)."""
    from .lm_eval_run import _prompt_of

    out = []
    for i, r in enumerate(rows):
        gold = _golds(r)
        prompt = _prompt_of(r)
        where = norm(prompt) if isinstance(prompt, str) else ""
        doc = r.get("doc") if isinstance(r.get("doc"), dict) else {}
        fields = sorted((norm(v) for v in doc.values() if isinstance(v, str) and norm(v)), key=lambda s: (-len(s), s))
        question = next((s for s in fields if s in where and s not in gold), None)
        out.append(Doc(i, str(r.get("doc_id", i)), question, None, gold, prompt, "arguments (lm_eval's context)"))
    return out


def lighteval_docs(rows: list) -> list[Doc]:
    """The documents of a lighteval details file."""
    out = []
    for i, r in enumerate(rows):
        doc = r.get("doc") or {}
        query = doc.get("query")
        full = (r.get("model_response") or {}).get("input")
        prompt, source = (full, "model_response.input") if isinstance(full, str) and full else (query, "doc.query")
        out.append(Doc(i, str(doc.get("id", i)), None, norm(query) if isinstance(query, str) else "", _golds(r),
                       prompt, source))
    return out


def _ids(ids) -> list:
    """Document ids in order (numbers by value)."""
    return sorted(ids, key=lambda x: (0, int(x), "") if str(x).isdigit() else (1, 0, str(x)))


def align_documents(docs_a: list[Doc], docs_b: list[Doc]) -> Alignment:
    """Align the documents of two runs (one side lm_eval's, with questions; the other lighteval's, with queries);
    see the module docstring. Each lighteval document links to its candidate lm_eval documents; a linked group of
    exactly one document per side is aligned, a larger one is ambiguous (all its documents reported, none merged)."""
    swap = bool(docs_a) and docs_a[0].question is None and docs_a[0].query is not None
    q_docs, h_docs = (docs_b, docs_a) if swap else (docs_a, docs_b)
    al = Alignment()
    by_gold: dict = {}
    for q in q_docs:
        if q.question is None:
            al.unalignable.append(q.index)
        else:
            by_gold.setdefault(q.gold, []).append(q)
    parent: dict = {}

    def find(x):
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for h in h_docs:
        find(("h", h.index))
        cands = [q for q in by_gold.get(h.gold, ()) if q.question in h.query]
        if not cands:  # no question with h's gold: any question it contains (golds written differently)
            cands = [q for qs in by_gold.values() for q in qs if q.question in h.query]
        for q in cands:
            parent[find(("h", h.index))] = find(("q", q.index))
    for q in q_docs:
        find(("q", q.index))
    groups: dict = {}
    for node in list(parent):
        groups.setdefault(find(node), []).append(node)
    qmap = {q.index: q for q in q_docs}
    hmap = {h.index: h for h in h_docs}
    pairs, only_q, only_h, ambiguous = [], [], [], []
    for members in groups.values():
        qs = sorted(i for s, i in members if s == "q")
        hs = sorted(i for s, i in members if s == "h")
        if len(qs) == 1 and len(hs) == 1:
            pairs.append((qs[0], hs[0]))
        elif not hs:
            only_q.extend(i for i in qs if qmap[i].question is not None)
        elif not qs:
            only_h.extend(hs)
        else:
            ambiguous.append((qs, hs))
    pairs.sort()
    for qi, hi in pairs:
        q, h = qmap[qi], hmap[hi]
        al.keys.append(digest([q.question, list(q.gold)]))
        al.gold_differs += q.gold != h.gold
    only_q = sorted(set(only_q) | set(al.unalignable))
    side_q, side_h = ("b", "a") if swap else ("a", "b")
    al.ambiguous = [{side_q: _ids(qmap[i].doc_id for i in qs), side_h: _ids(hmap[i].doc_id for i in hs)}
                    for qs, hs in sorted(ambiguous)]
    if swap:
        order = sorted(range(len(pairs)), key=lambda k: pairs[k][1])
        al.pairs = [(pairs[k][1], pairs[k][0]) for k in order]
        al.keys = [al.keys[k] for k in order]
        al.only_a, al.only_b = sorted(only_h), only_q
    else:
        al.pairs = pairs
        al.only_a, al.only_b = only_q, sorted(only_h)
    return al
