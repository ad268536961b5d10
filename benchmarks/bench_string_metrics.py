#!/usr/bin/env python
"""Speed and identity of evalmetrics' string metrics against the real harness code, on the same pairs, in one run.

Run it in the conformance environment, which has the real harnesses (lm-eval 0.4.13, lighteval 0.13.0,
crfm-helm 0.5.16)::

    PYTHONPATH=. ~/.cache/evalmetrics-conformance/harness/bin/python \\
        benchmarks/bench_string_metrics.py [--n 1000000 | --quick] [--out results.json]

A harness that cannot be imported is reported and its comparisons are skipped (exit 0), unless
``--require-peers`` is given (exit 2). evalmetrics is timed in every case.

What is timed
-------------
One set of N (prediction, reference) pairs (default 1,000,000; ``--quick``: 50,000) is generated once, before any
timing. For every metric below, evalmetrics' ``metric.compute(preds, refs)`` (single-reference strings) and each
reference implementation are run once over all N pairs, after a warm-up on a separate 2,000-pair set generated
from a different seed (so no cache evalmetrics might keep is primed with the timed data). The clock
(``--clock cpu``, the default: ``time.process_time``, this process's CPU time, which other jobs on a shared machine
do not inflate; ``--clock wall``: ``time.perf_counter``) brackets only the scoring calls. Per-sample scores must be IDENTICAL (``==`` on float64, no tolerance); the
mismatch count and the first differing pairs are reported.

1. ``lm_eval:exact_match`` (default options) vs ``lm_eval.api.metrics.exact_match_hf_evaluate``
   A: called once per pair, ``(predictions=[p], references=[r])``, as lm_eval's task loop calls it;
   B: called once on the full lists (its fastest use: one fixed-width numpy array per side). B only returns the
   mean, so B is checked by comparing its mean with evalmetrics' mean (exact float equality); if they differ, the
   lm_eval steps are re-run element-wise (same numpy calls, not timed) to locate the differing pairs.
2. ``lm_eval:exact_match`` with gsm8k's options (``ignore_case=True, ignore_punctuation=False,
   regexes_to_ignore=[",", "\\$", "(?s).*#### ", "\\.$"]``), same A and B.
3. ``helm:quasi_exact_match`` vs ``evaluate_reference_metrics.quasi_exact_match(gold, pred.strip())`` per pair
   (HELM strips completions before calling it).
4. ``lighteval:quasi_exact_match`` vs ``ExactMatches(normalize_gold=helm_normalizer,
   normalize_pred=helm_normalizer, strip_strings=True).compute_one_item(gold=..., pred=...)`` per pair.
5. ``helm:f1_score`` vs ``evaluate_reference_metrics.f1_score(gold, pred.strip())`` per pair, and
   ``squad@v1.1:f1`` vs lm_eval's verbatim copy of the SQuAD v1.1 F1,
   ``lm_eval.tasks.qasper.metrics.f1_abstractive([pred], [gold])`` per pair.

The ratio is evalmetrics pairs/s divided by reference pairs/s (> 1: evalmetrics is faster). A second table gives,
per metric, the ratio against the fastest reference (the issue's target is >= 3x).

The generated data (stdlib ``random.Random(seed)`` only; deterministic for a given ``--seed``/``--n``/``--pool``)
----------------------------------------------------------------------------------------------------------
A pool of ``--pool`` (default 20,000) distinct references is built first:

* 80% short answers, by kind: person names ("Marie Curie", "John F. Kennedy", "Curie"), places (incl. multi-word
  names with articles: "the United Kingdom", "The Hague"), titles with articles ("The Silent River",
  "A Tale of Two Cities"-style), common-noun phrases ("carbon dioxide", "the mitochondria"), hyphenated
  terms ("well-known", "Austria-Hungary", "twenty-one"), numbers (integers with and without thousands
  separators, signs, decimals, percentages, currency, fractions), dates ("July 4, 1776", "4 July 1776",
  "1776-07-04", "the 1990s"), yes/no/true/false, and a few accented or non-Latin answers ("São Paulo",
  "Zürich", "Москва", "東京") and Unicode punctuation (curly quotes, en dashes).
* 20% GSM8K-style references: 2-4 arithmetic rationale lines with ``<<a+b=c>>`` calculator annotations, then
  ``\\n#### N`` (N an integer, sometimes negative, sometimes written with a thousands separator).

Each of the N rows is a GSM8K row with probability 0.2 (reference drawn from the GSM8K part of the pool), else a
short-answer row (kind drawn by weight, then a reference of that kind uniformly). Predictions imitate model
outputs:

* short-answer rows: an exact copy (~27%); a case variant (lower/UPPER/Title); punctuation added or removed
  (trailing period, quotes, commas); whitespace variants (leading/trailing spaces or newlines, doubled inner
  spaces, a tab); an article added or removed; a hyphen turned into a space (or a space into a hyphen); numbers
  reformatted ("1,234" -> "1234", "1234.0", "+1234", "3.50" -> "3.5", Unicode minus); the answer followed by
  extra text (an explanation sentence, a following "Question: ..." turn); the answer preceded by "The answer
  is" / "Answer:"; a wrong answer (another reference of the pool, or of the same kind); empty or blank strings.
* GSM8K rows: a copy of the reference; a different rationale ending in ``#### N``; ``The answer is N.``;
  ``#### 1,234`` / ``#### $N`` / ``#### N.``; the bare number; a wrong number; a correct answer followed by a
  new "Question:" turn; blank or empty.

Predictions are at most a few hundred characters, so lm_eval's vectorized path (B) allocates fixed-width arrays
of about N x max_len x 4 bytes per side (~1.5 GB each at N = 1,000,000).
"""
from __future__ import annotations

import argparse
import gc
import importlib
import json
import os
import platform
import random
import re
import subprocess
import sys
import time
from pathlib import Path

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["HF_DATASETS_OFFLINE"] = "1"
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

import numpy as np  # noqa: E402

import evalmetrics as em  # noqa: E402

GSM8K_OPTIONS = {
    "ignore_case": True,
    "ignore_punctuation": False,
    "regexes_to_ignore": [",", "\\$", "(?s).*#### ", "\\.$"],
}
WARMUP_N = 2000
N_SHOW = 5

# =====================================================================================================
# Data generator (stdlib only)
# =====================================================================================================

FIRST = (
    "John Mary James Patricia Robert Jennifer Michael Linda William Elizabeth David Barbara Richard Susan Joseph "
    "Jessica Thomas Sarah Charles Karen Marie Albert Isaac Ada Alan Grace Nikola Leonardo Ludwig Wolfgang Johann "
    "Jane Emily Charlotte George Abraham Franklin Theodore Winston Margaret Indira Nelson Mahatma Frida Pablo "
    "Vincent Claude Rosa Martin Louis Pierre Jean Carl Niels Werner Erwin Max Enrico Lise Dmitri Leo Fyodor Anton "
    "Hideki Akira Haruki Yuki Chen Wei Li Mohammed Fatima Omar Ahmed Olga Ivan Sofia Lucas Mateo Nan Ella Ray"
).split()
LAST = (
    "Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Curie Einstein Newton Lovelace "
    "Turing Hopper Tesla Beethoven Mozart Bach Austen Bronte Washington Lincoln Roosevelt Churchill Thatcher "
    "Gandhi Mandela Kahlo Picasso Gogh Monet Parks King Pasteur Darwin Bohr Heisenberg Schrodinger Planck Fermi "
    "Meitner Mendeleev Tolstoy Dostoevsky Chekhov Yukawa Kurosawa Murakami Lee Wang Zhang Hassan Ali Petrov "
    "Ivanova Rossi Ferrari Silva Santos Dubois Moreau Muller Schmidt Fischer Weber Goldin Kennedy Fitzgerald "
    "Hemingway Faulkner Twain Poe Dickens Orwell Shelley Keats Byron Wilde Joyce Woolf Eliot Frost"
).split()
CITY = (
    "Paris London Berlin Madrid Rome Vienna Prague Warsaw Budapest Lisbon Dublin Oslo Stockholm Helsinki "
    "Copenhagen Amsterdam Brussels Athens Istanbul Cairo Nairobi Lagos Johannesburg Mumbai Delhi Karachi Dhaka "
    "Bangkok Jakarta Manila Tokyo Osaka Seoul Beijing Shanghai Sydney Melbourne Auckland Toronto Vancouver "
    "Montreal Chicago Boston Seattle Denver Houston Dallas Atlanta Miami Lima Bogota Santiago Caracas Havana "
    "Quebec Edinburgh Glasgow Manchester Liverpool Geneva Munich Hamburg Milan Naples Venice Florence Seville"
).split()
MULTI_PLACE = (
    "New York City|Los Angeles|San Francisco|Buenos Aires|Rio de Janeiro|Mexico City|Hong Kong|Cape Town|"
    "the United Kingdom|the United States|the Netherlands|the Philippines|the Czech Republic|The Hague|"
    "the Pacific Ocean|the Atlantic Ocean|the Indian Ocean|the Arctic Circle|the Sahara Desert|the Amazon River|"
    "the Nile|the Alps|the Andes|the Himalayas|Mount Everest|Lake Victoria|the Great Barrier Reef|"
    "the Mediterranean Sea|the Black Sea|the Red Sea|Death Valley|the Grand Canyon|Salt Lake City|St. Louis|"
    "St. Petersburg|Washington, D.C.|the Middle East|South Africa|North Korea|New Zealand|Saudi Arabia|"
    "the Soviet Union|the Roman Empire|the Ottoman Empire|the Byzantine Empire|the Holy Roman Empire"
).split("|")
ADJ = (
    "silent old great little hidden lost golden red blue green dark bright last first second ancient modern "
    "quiet broken hollow iron crystal distant frozen burning wild gentle secret final northern southern"
).split()
NOUN = (
    "river mountain king queen city house garden road forest ocean island bridge tower castle star moon sun "
    "wind storm fire sea valley door window book song war peace time night day dream mirror key ship train "
    "clock heart stone wolf bird lion eagle rose shadow voice letter map crown sword"
).split()
PHRASE = (
    "carbon dioxide|oxygen|nitrogen|hydrogen|photosynthesis|the mitochondria|the nucleus|DNA|RNA|gravity|"
    "electricity|magnetism|the speed of light|the Big Bang|evolution|natural selection|the French Revolution|"
    "World War II|World War I|the Cold War|the Renaissance|the Industrial Revolution|the printing press|"
    "the steam engine|the telephone|the internet|a triangle|a square|an octagon|a hexagon|an apple|an orange|"
    "a banana|the heart|the liver|the lungs|the brain|an elephant|a whale|a dolphin|the cheetah|a penguin|"
    "water|ice|steam|salt|sugar|iron|gold|silver|copper|helium|neon|uranium|plutonium|the Moon|the Sun|Mars|"
    "Jupiter|Saturn|Venus|Mercury|Neptune|Uranus|Pluto|the Milky Way|Andromeda|a black hole|a comet|"
    "the Magna Carta|the Declaration of Independence|the Constitution|the Bill of Rights|the Treaty of Versailles|"
    "basketball|football|soccer|tennis|chess|the violin|the piano|the guitar|jazz|blues|opera|ballet|"
    "Infinity|Nan|inf|NaN"
).split("|")
HYPHEN = (
    "well-known|Austria-Hungary|twenty-one|forty-two|ninety-nine|self-driving|long-term|short-term|"
    "Jean-Paul Sartre|Jean-Luc Godard|Saint-Exupery|Rolls-Royce|Coca-Cola|Hewlett-Packard|X-ray|T-shirt|"
    "e-mail|mother-in-law|check-in|state-of-the-art|up-to-date|high-speed|low-cost|non-profit|co-operate|"
    "re-entry|anti-inflammatory|Alsace-Lorraine|Schleswig-Holstein|Baden-Wurttemberg|Guinea-Bissau|"
    "Timor-Leste|Winston-Salem|Wilkes-Barre|Stratford-upon-Avon|Newcastle-upon-Tyne|three-quarters|"
    "one-third|two-thirds|half-life|half-time|hand-in-hand|face-to-face|merry-go-round|a well-known fact"
).split("|")
UNICODE = (
    "São Paulo|Zürich|Köln|Düsseldorf|Málaga|Córdoba|Bogotá|Montréal|Québec|Reykjavík|Kraków|Łódź|Gdańsk|"
    "Brno|Plzeň|Dvořák|Chopin|Gödel|Erdős|Schrödinger|Poincaré|Descartes|Fermat|Ångström|Mañana|El Niño|"
    "naïve|café|résumé|fiancée|déjà vu|Москва|Санкт-Петербург|Толстой|東京|北京|大阪|서울|Αθήνα|Ελλάδα|"
    "“Hamlet”|‘Yesterday’|“The Raven”|1939–1945|pages 10–20|e = mc²|π|Ω|€100|£50|¥1,000|50 °C|-40 °F|"
    "“yes”|«non»|„Ja“|A–Z|x × y|½|¾|3½"
).split("|")
MONTHS = "January February March April May June July August September October November December".split()
YESNO = ("yes", "no", "Yes", "No", "true", "false", "True", "False", "maybe", "Yes.", "No.")
ITEMS = (
    "apples cookies marbles books pencils stickers cards eggs cupcakes tickets shirts toys stamps flowers "
    "bottles candies coins chairs boxes dollars"
).split()


def _int_str(rng: random.Random) -> str:
    mag = rng.choice((10, 100, 1000, 10_000, 100_000, 1_000_000, 100_000_000))
    v = rng.randrange(0, mag)
    r = rng.random()
    if r < 0.35 and v >= 1000:
        s = f"{v:,}"
    else:
        s = str(v)
    r = rng.random()
    if r < 0.1:
        s = "-" + s
    elif r < 0.13:
        s = "+" + s
    return s


def _number(rng: random.Random) -> str:
    r = rng.random()
    if r < 0.45:
        return _int_str(rng)
    if r < 0.65:  # decimals
        v = rng.uniform(-1000, 10000) if rng.random() < 0.2 else rng.uniform(0, 1000)
        d = rng.choice((1, 2, 2, 3))
        s = f"{v:.{d}f}"
        if rng.random() < 0.2 and abs(v) >= 1000:
            s = f"{v:,.{d}f}"
        return s
    if r < 0.73:
        return f"{rng.randrange(0, 101)}%" if rng.random() < 0.7 else f"{rng.uniform(0, 100):.1f}%"
    if r < 0.83:
        v = rng.randrange(1, 100000)
        return f"${v:,}" if rng.random() < 0.6 else f"${v / 100:.2f}"
    if r < 0.9:
        return f"{rng.randrange(1, 10)}/{rng.randrange(2, 13)}"
    if r < 0.95:
        return f"{rng.uniform(1, 10):.2f}e{rng.randrange(-12, 25)}"
    return f"0{rng.randrange(0, 99)}" if rng.random() < 0.5 else f"{rng.randrange(1, 10)}.0"


def _date(rng: random.Random) -> str:
    y, m, d = rng.randrange(1000, 2025), rng.randrange(12), rng.randrange(1, 29)
    r = rng.random()
    if r < 0.3:
        return f"{MONTHS[m]} {d}, {y}"
    if r < 0.5:
        return f"{d} {MONTHS[m]} {y}"
    if r < 0.65:
        return f"{y}-{m + 1:02d}-{d:02d}"
    if r < 0.75:
        return f"{m + 1}/{d}/{y}"
    if r < 0.85:
        return str(y)
    if r < 0.93:
        return f"the {y // 10 * 10}s" if rng.random() < 0.5 else f"{y // 10 * 10}s"
    return f"the {y // 100 + 1}th century"


def _person(rng: random.Random) -> str:
    r = rng.random()
    f, l_ = rng.choice(FIRST), rng.choice(LAST)
    if r < 0.55:
        return f"{f} {l_}"
    if r < 0.7:
        return f"{f} {rng.choice('ABCDEFGHJKLMNPRSTW')}. {l_}"
    if r < 0.85:
        return l_
    if r < 0.93:
        return f"{f} {rng.choice(LAST)}-{l_}"
    return f"{f} {l_} {rng.choice(('Jr.', 'Sr.', 'III', 'II'))}"


def _place(rng: random.Random) -> str:
    r = rng.random()
    if r < 0.45:
        return rng.choice(CITY)
    if r < 0.8:
        return rng.choice(MULTI_PLACE)
    if r < 0.9:
        return f"{rng.choice(CITY)}, {rng.choice(MULTI_PLACE + CITY)}"
    return f"{rng.choice(('North', 'South', 'East', 'West', 'New', 'Old', 'Port'))} {rng.choice(CITY)}"


def _title(rng: random.Random) -> str:
    a, n, n2 = rng.choice(ADJ), rng.choice(NOUN), rng.choice(NOUN)
    r = rng.random()
    if r < 0.3:
        return f"The {a.title()} {n.title()}"
    if r < 0.5:
        return f"A {n.title()} of {rng.choice(CITY + ['Two Cities', 'the ' + n2.title() + 's'])}"
    if r < 0.65:
        return f"The {n.title()} and the {n2.title()}"
    if r < 0.8:
        return f"{n.title()}s of the {a.title()} {n2.title()}"
    if r < 0.9:
        return f"An {rng.choice(('Old', 'Iron', 'Ancient', 'Empty', 'Open'))} {n.title()}"
    return f"the {a} {n}"


def _phrase(rng: random.Random) -> str:
    r = rng.random()
    if r < 0.6:
        return rng.choice(PHRASE)
    if r < 0.85:
        return f"{rng.choice(('a', 'an', 'the', ''))} {rng.choice(ADJ)} {rng.choice(NOUN)}".strip()
    return f"{rng.choice(NOUN)}s and {rng.choice(NOUN)}s"


def _hyphen(rng: random.Random) -> str:
    r = rng.random()
    if r < 0.6:
        return rng.choice(HYPHEN)
    if r < 0.8:
        return f"{rng.choice(ADJ)}-{rng.choice(NOUN)}"
    return f"{rng.choice(CITY)}-{rng.choice(CITY)}"


def _unicode(rng: random.Random) -> str:
    r = rng.random()
    if r < 0.7:
        return rng.choice(UNICODE)
    return f"{rng.choice(UNICODE)} {rng.choice(('City', 'Street', 'Station', 'Park', 'Museum'))}"


SHORT_KINDS = {  # kind: (generator, weight in the pool, weight in the rows)
    "person": (_person, 0.22, 0.20),
    "place": (_place, 0.10, 0.14),
    "title": (_title, 0.14, 0.10),
    "phrase": (_phrase, 0.08, 0.10),
    "hyphen": (_hyphen, 0.05, 0.05),
    "number": (_number, 0.25, 0.22),
    "date": (_date, 0.12, 0.08),
    "yesno": (lambda rng: rng.choice(YESNO), 0.0, 0.06),
    "unicode": (_unicode, 0.04, 0.05),
}

_CALC = re.compile(r"<<[^>]*>>")
NAMES = "Natalia Weng Betty Julie James Mark Albert Ken Alexis Tina Randy Joy Carla Sam Maria".split()


def _gsm8k(rng: random.Random) -> tuple[str, str, int]:
    """A GSM8K-style (reference, model-like alternative rationale, answer)."""

    def rationale() -> tuple[list[str], int]:
        name, item = rng.choice(NAMES), rng.choice(ITEMS)
        a, b = rng.randrange(2, 500), rng.randrange(2, 60)
        lines = []
        op = rng.random()
        if op < 0.35:
            c = a + b
            lines.append(f"{name} has {a} {item} and gets {b} more, so {name} has {a}+{b} = <<{a}+{b}={c}>>{c} {item}.")
        elif op < 0.6:
            c = a * b
            lines.append(f"Each box holds {a} {item}, so {b} boxes hold {a}*{b} = <<{a}*{b}={c}>>{c} {item}.")
        elif op < 0.8:
            c = a - b
            lines.append(f"{name} gives away {b} of {a} {item}, leaving {a}-{b} = <<{a}-{b}={c}>>{c} {item}.")
        else:
            c = a * b // b
            lines.append(f"{name} splits {a * b} {item} into {b} groups: {a * b}/{b} = <<{a * b}/{b}={c}>>{c} {item} each.")
        for _ in range(rng.randrange(1, 4)):
            d = rng.randrange(1, 40)
            r = rng.random()
            if r < 0.4:
                e = c + d
                lines.append(f"Then {d} more are added, so there are {c}+{d} = <<{c}+{d}={e}>>{e}.")
            elif r < 0.7:
                e = c * d if c * d < 10_000_000 else c + d
                sym = "*" if e == c * d else "+"
                lines.append(f"That is {c}{sym}{d} = <<{c}{sym}{d}={e}>>{e} in total.")
            else:
                e = c - d
                lines.append(f"After losing {d}, {c}-{d} = <<{c}-{d}={e}>>{e} are left.")
            c = e
        return lines, c

    lines, ans = rationale()
    ans_s = f"{ans:,}" if (abs(ans) >= 1000 and rng.random() < 0.05) else str(ans)
    ref = "\n".join(lines) + f"\n#### {ans_s}"
    alt_lines = [_CALC.sub("", ln) if rng.random() < 0.5 else ln for ln in lines]
    return ref, " ".join(alt_lines), ans


def make_pool(rng: random.Random, size: int) -> tuple[dict[str, list[str]], list[tuple[str, str, int]]]:
    """Distinct references: 80% short answers by kind, 20% GSM8K-style."""
    n_gsm = size // 5
    gsm: dict[str, tuple[str, str, int]] = {}
    tries = 0
    while len(gsm) < n_gsm and tries < 50 * n_gsm:
        tries += 1
        ref, alt, ans = _gsm8k(rng)
        gsm.setdefault(ref, (ref, alt, ans))
    short: dict[str, list[str]] = {}
    seen: set[str] = set()
    total_w = sum(w for _, w, _ in SHORT_KINDS.values())
    for kind, (gen, w, _) in SHORT_KINDS.items():
        target = int((size - n_gsm) * w / total_w)
        bucket: list[str] = []
        tries = 0
        while len(bucket) < target and tries < 50 * max(target, 1):
            tries += 1
            s = gen(rng)
            if s and s not in seen:
                seen.add(s)
                bucket.append(s)
        short[kind] = bucket
    short["yesno"] = list(YESNO)
    return short, list(gsm.values())


_ARTICLES = ("the ", "The ", "a ", "an ", "A ")
_EXTRA = (
    ". This is because it is the most widely accepted answer.",
    "\n\nQuestion: What is the capital of France?\nAnswer: Paris",
    "\n\nExplanation: the passage states this directly.",
    " (according to the text)",
    ", which is the correct answer.",
    "\nQ: Who wrote Hamlet?\nA:",
    " is the answer.",
    "\n",
    " - see above",
)
_PREFIX = ("The answer is ", "Answer: ", "A: ", "I think it is ", "The answer is: ", "It is ")


def _reformat_number(rng: random.Random, s: str) -> str | None:
    core = s.strip()
    sign = ""
    if core[:1] in "+-":
        sign, core = core[0], core[1:]
    unit_pre = unit_post = ""
    if core.startswith("$"):
        unit_pre, core = "$", core[1:]
    if core.endswith("%"):
        unit_post, core = "%", core[:-1]
    plain = core.replace(",", "")
    try:
        v = float(plain)
    except ValueError:
        return None
    r = rng.random()
    if r < 0.25 and "," in core:
        out = plain
    elif r < 0.4 and "." not in plain and "e" not in plain:
        out = plain + ".0"
    elif r < 0.5 and "." in plain and "e" not in plain:
        out = plain.rstrip("0").rstrip(".") or "0"
    elif r < 0.6 and v.is_integer() and abs(v) >= 1000:
        out = f"{int(v):,}"
    elif r < 0.7:
        out = plain
        sign = "+" if sign == "" else ("−" if sign == "-" else sign)
    elif r < 0.8:
        unit_pre, unit_post = ("", "") if (unit_pre or unit_post) else ("$", "")
        out = core
    elif r < 0.9:
        out = f"{v:.2f}"
    else:
        out = str(v)
    return f"{sign}{unit_pre}{out}{unit_post}"


def _short_pred(rng: random.Random, ref: str, kind: str, pool: dict[str, list[str]], all_short: list[str]) -> str:
    r = rng.random()
    if r < 0.27:
        return ref
    if r < 0.35:  # case
        return rng.choice((ref.lower(), ref.upper(), ref.title(), ref.capitalize()))
    if r < 0.43:  # punctuation
        q = rng.random()
        if q < 0.35:
            return ref + rng.choice((".", "!", ".", "?"))
        if q < 0.55:
            return rng.choice(('"', "'", "*", "**", "`")) + ref + rng.choice(('"', "'", "*", "**", "`"))
        if q < 0.8:
            return ref.replace(",", "").replace(".", "")
        return ref.replace(" ", ", ", 1) if " " in ref else ref + ","
    if r < 0.51:  # whitespace
        q = rng.random()
        if q < 0.3:
            return " " + ref
        if q < 0.55:
            return ref + rng.choice(("\n", " ", "\n\n", "  "))
        if q < 0.75:
            return ref.replace(" ", "  ")
        if q < 0.9:
            return "\n" + ref + "\n"
        return ref.replace(" ", "\t", 1)
    if r < 0.57:  # articles
        low = ref.lower()
        for a in _ARTICLES:
            if low.startswith(a.lower()):
                return ref[len(a):]
        return rng.choice(_ARTICLES) + ref
    if r < 0.6:  # hyphens
        return ref.replace("-", " ") if "-" in ref else ref.replace(" ", "-", 1)
    if r < 0.67:  # numbers reformatted
        if kind == "number":
            out = _reformat_number(rng, ref)
            if out is not None:
                return out
        if kind == "date" and ", " in ref:
            return ref.replace(", ", " ")
        return ref.lower()
    if r < 0.76:  # extra text after
        return ref + rng.choice(_EXTRA)
    if r < 0.81:  # text before
        return rng.choice(_PREFIX) + ref + rng.choice(("", ".", "", "\n"))
    if r < 0.93:  # wrong answer
        if rng.random() < 0.5:
            return rng.choice(pool[kind])
        return rng.choice(all_short)
    if r < 0.96:
        return ""
    if r < 0.98:
        return rng.choice((" ", "\n", "  \n"))
    # partial answer
    toks = ref.split()
    return toks[-1] if len(toks) > 1 else ref[: max(1, len(ref) // 2)]


def _gsm_pred(rng: random.Random, ref: str, alt: str, ans: int) -> str:
    r = rng.random()
    if r < 0.1:
        return ref
    if r < 0.35:
        return f"{alt}\n#### {ans}"
    if r < 0.5:
        return f"{alt} The answer is {ans}."
    if r < 0.55:
        return f"{alt}\n#### {ans:,}"
    if r < 0.6:
        return f"{alt}\n#### ${ans}"
    if r < 0.65:
        return f"{alt}\n#### {ans}."
    if r < 0.7:
        return str(ans)
    if r < 0.85:
        wrong = ans + rng.choice((-10, -2, -1, 1, 2, 5, 100)) if rng.random() < 0.8 else ans * 10
        return f"{alt}\n#### {wrong}"
    if r < 0.95:
        return f"{alt}\n#### {ans}\n\nQuestion: {rng.choice(NAMES)} has {rng.randrange(3, 90)} {rng.choice(ITEMS)}. How many?"
    if r < 0.97:
        return f"  #### {ans}  "
    return rng.choice(("", " ", "\n"))


def make_pairs(n: int, seed: int, pool_size: int) -> tuple[list[str], list[str], dict]:
    """N deterministic (prediction, reference) pairs; returns (preds, refs, facts about the data)."""
    rng = random.Random(seed)
    pool, gsm = make_pool(rng, pool_size)
    all_short = [s for v in pool.values() for s in v]
    kinds = [k for k in SHORT_KINDS if pool.get(k)]
    weights = [SHORT_KINDS[k][2] for k in kinds]
    preds: list[str] = []
    refs: list[str] = []
    n_gsm = 0
    for _ in range(n):
        if gsm and rng.random() < 0.2:
            ref, alt, ans = rng.choice(gsm)
            pred = _gsm_pred(rng, ref, alt, ans)
            n_gsm += 1
        else:
            kind = rng.choices(kinds, weights)[0]
            ref = rng.choice(pool[kind])
            pred = _short_pred(rng, ref, kind, pool, all_short)
        preds.append(pred)
        refs.append(ref)
    facts = {
        "seed": seed,
        "n": n,
        "pool_distinct_references": len(all_short) + len(gsm),
        "pool_gsm8k_references": len(gsm),
        "gsm8k_rows": n_gsm,
        "distinct_references_used": len(set(refs)),
        "distinct_predictions": len(set(preds)),
        "exact_copies": sum(p == r for p, r in zip(preds, refs)),
        "empty_predictions": sum(not p for p in preds),
        "max_prediction_chars": max(map(len, preds)),
        "max_reference_chars": max(map(len, refs)),
        "mean_prediction_chars": round(sum(map(len, preds)) / n, 1),
    }
    return preds, refs, facts


# =====================================================================================================
# Reference implementations (the real harness code)
# =====================================================================================================


def load_peers() -> tuple[dict, dict]:
    """Import the harness functions. Returns ({name: object}, {harness: error message})."""
    peers: dict = {}
    errors: dict = {}
    try:
        import lm_eval.api.metrics as lm_metrics
        import lm_eval.tasks.qasper.metrics as qasper

        peers["lm_eval_em"] = lm_metrics.exact_match_hf_evaluate
        peers["squad_f1"] = qasper.f1_abstractive
    except Exception as e:  # noqa: BLE001
        errors["lm_eval"] = f"{type(e).__name__}: {e}"
    try:
        import nltk

        real_download = nltk.download
        nltk.download = lambda *a, **k: False  # importing the module would try to download punkt_tab
        try:
            erm = importlib.import_module("helm.benchmark.metrics.evaluate_reference_metrics")
        finally:
            nltk.download = real_download
        peers["helm_qem"] = erm.quasi_exact_match
        peers["helm_f1"] = erm.f1_score
    except Exception as e:  # noqa: BLE001
        errors["helm"] = f"{type(e).__name__}: {e}"
    try:
        from lighteval.metrics.metrics_sample import ExactMatches
        from lighteval.metrics.normalizations import helm_normalizer

        peers["lighteval_qem"] = ExactMatches(
            normalize_gold=helm_normalizer, normalize_pred=helm_normalizer, strip_strings=True
        )
    except Exception as e:  # noqa: BLE001
        errors["lighteval"] = f"{type(e).__name__}: {e}"
    return peers, errors


def _lm_em_per_pair(fn, kw):
    def run(preds, refs):
        return [fn(predictions=[p], references=[r], **kw)["exact_match"] for p, r in zip(preds, refs)]

    return run


def _lm_em_vectorized(fn, kw):
    def run(preds, refs):
        return fn(predictions=preds, references=refs, **kw)["exact_match"]

    return run


def _lm_em_elementwise(preds, refs, regexes_to_ignore=None, ignore_case=False, ignore_punctuation=False,
                       ignore_numbers=False):
    """Diagnostic only (never timed): lm_eval 0.4.13's exact_match_hf_evaluate steps, returning the element-wise
    comparison instead of its mean, to locate pairs when the vectorized mean differs."""
    import string

    if regexes_to_ignore is not None:
        for s in regexes_to_ignore:
            preds = np.array([re.sub(s, "", x) for x in preds])
            refs = np.array([re.sub(s, "", x) for x in refs])
    else:
        preds, refs = np.asarray(preds), np.asarray(refs)
    if ignore_case:
        preds, refs = np.char.lower(preds), np.char.lower(refs)
    if ignore_punctuation:
        t = string.punctuation.maketrans("", "", string.punctuation)
        preds, refs = np.char.translate(preds, table=t), np.char.translate(refs, table=t)
    if ignore_numbers:
        t = string.digits.maketrans("", "", string.digits)
        preds, refs = np.char.translate(preds, table=t), np.char.translate(refs, table=t)
    return (preds == refs).astype(np.float64)


def build_cases(peers: dict) -> list[dict]:
    """Each case: evalmetrics alias (+ kwargs) and its references [(label, kind, runner)]; kind is
    'per_sample' (runner returns one score per pair) or 'mean' (runner returns the mean only)."""
    cases = []

    def add(key, title, alias, kwargs, refs):
        cases.append({"key": key, "title": title, "alias": alias, "kwargs": kwargs, "refs": refs})

    lm = peers.get("lm_eval_em")
    add(
        "lm_eval_exact_match",
        "lm_eval `exact_match` (default options)",
        "lm_eval:exact_match",
        {},
        [] if lm is None else [
            ("A: exact_match_hf_evaluate per pair", "per_sample", _lm_em_per_pair(lm, {})),
            ("B: exact_match_hf_evaluate once on the lists (numpy)", "mean", _lm_em_vectorized(lm, {})),
        ],
    )
    add(
        "lm_eval_exact_match_gsm8k",
        "lm_eval `exact_match` (gsm8k options)",
        "lm_eval:exact_match",
        dict(GSM8K_OPTIONS),
        [] if lm is None else [
            ("A: exact_match_hf_evaluate per pair", "per_sample", _lm_em_per_pair(lm, GSM8K_OPTIONS)),
            ("B: exact_match_hf_evaluate once on the lists (numpy)", "mean", _lm_em_vectorized(lm, GSM8K_OPTIONS)),
        ],
    )
    qem = peers.get("helm_qem")
    add(
        "helm_quasi_exact_match",
        "HELM `quasi_exact_match`",
        "helm:quasi_exact_match",
        {},
        [] if qem is None else [
            ("quasi_exact_match(gold, pred.strip()) per pair", "per_sample",
             lambda preds, refs: [qem(g, p.strip()) for p, g in zip(preds, refs)]),
        ],
    )
    lq = peers.get("lighteval_qem")
    if lq is not None:
        one = lq.compute_one_item
    add(
        "lighteval_quasi_exact_match",
        "lighteval quasi exact match",
        "lighteval:quasi_exact_match",
        {},
        [] if lq is None else [
            ("ExactMatches(helm_normalizer x2, strip_strings=True).compute_one_item per pair", "per_sample",
             lambda preds, refs: [one(gold=g, pred=p) for p, g in zip(preds, refs)]),
        ],
    )
    hf1 = peers.get("helm_f1")
    add(
        "helm_f1_score",
        "HELM `f1_score`",
        "helm:f1_score",
        {},
        [] if hf1 is None else [
            ("f1_score(gold, pred.strip()) per pair", "per_sample",
             lambda preds, refs: [hf1(g, p.strip()) for p, g in zip(preds, refs)]),
        ],
    )
    sf1 = peers.get("squad_f1")
    add(
        "squad_v1_1_f1",
        "SQuAD v1.1 F1",
        "squad@v1.1:f1",
        {},
        [] if sf1 is None else [
            ("lm_eval qasper f1_abstractive([pred], [gold]) per pair", "per_sample",
             lambda preds, refs: [sf1([p], [g]) for p, g in zip(preds, refs)]),
        ],
    )
    return cases


CASE_PEERS = {
    "lm_eval_exact_match": "lm_eval",
    "lm_eval_exact_match_gsm8k": "lm_eval",
    "helm_quasi_exact_match": "helm",
    "lighteval_quasi_exact_match": "lighteval",
    "helm_f1_score": "helm",
    "squad_v1_1_f1": "lm_eval",
}

# =====================================================================================================
# Timing
# =====================================================================================================


def _evalmetrics_runner(metric):
    def run(preds, refs):
        try:
            return metric.compute(preds, refs, progress=False)
        except TypeError:
            return metric.compute(preds, refs)

    return run


# CPU time of this process (default) is the fair measure on a shared machine: other jobs do not inflate it.
# --clock wall switches to time.perf_counter.
CLOCK = time.process_time


def _timed(fn, preds, refs):
    gc.collect()
    t0 = CLOCK()
    out = fn(preds, refs)
    dt = CLOCK() - t0
    return out, dt


def _log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def _diff_examples(idx, preds, refs, ours, theirs):
    return [
        {"index": int(i), "prediction": preds[i], "reference": refs[i],
         "evalmetrics": float(ours[i]), "reference_score": float(theirs[i])}
        for i in idx[:N_SHOW]
    ]


def run_case(case, preds, refs, warm_preds, warm_refs):
    metric = em.get(case["alias"], **case["kwargs"])
    ours_fn = _evalmetrics_runner(metric)
    rows = []
    # warm-up on a separate data set, every engine
    ours_fn(warm_preds, warm_refs)
    for _, _, fn in case["refs"]:
        fn(warm_preds, warm_refs)

    n = len(preds)
    _log(f"{case['title']}: evalmetrics ...")
    res, t_ours = _timed(ours_fn, preds, refs)
    ours = np.asarray(res.per_sample, dtype=np.float64)
    ours_rate = n / t_ours
    _log(f"{case['title']}: evalmetrics {t_ours:.2f}s ({ours_rate:,.0f} pairs/s), mean {res.score!r}")
    for label, kind, fn in case["refs"]:
        _log(f"{case['title']}: {label} ...")
        out, t_ref = _timed(fn, preds, refs)
        ref_rate = n / t_ref
        row = {
            "metric": case["title"],
            "alias": case["alias"],
            "kwargs": case["kwargs"],
            "metric_id": metric.id,
            "reference": label,
            "comparison": kind,
            "n": n,
            "evalmetrics_seconds": t_ours,
            "reference_seconds": t_ref,
            "evalmetrics_pairs_per_s": ours_rate,
            "reference_pairs_per_s": ref_rate,
            "ratio": ours_rate / ref_rate,
            "evalmetrics_mean": res.score,
        }
        if kind == "per_sample":
            theirs = np.fromiter((float(x) for x in out), dtype=np.float64, count=n)
            bad = np.nonzero(theirs != ours)[0]
            row["reference_mean"] = float(np.mean(theirs))
            row["mismatches"] = int(len(bad))
            row["first_mismatches"] = _diff_examples(bad, preds, refs, ours, theirs)
        else:
            row["reference_mean"] = float(out)
            same = float(out) == float(res.score)
            row["mean_identical"] = same
            if same:
                row["mismatches"] = 0
                row["first_mismatches"] = []
            else:
                _log(f"{case['title']}: {label}: means differ; locating pairs (not timed) ...")
                theirs = _lm_em_elementwise(preds, refs, **case["kwargs"])
                bad = np.nonzero(theirs != ours)[0]
                row["mismatches"] = int(len(bad))
                row["first_mismatches"] = _diff_examples(bad, preds, refs, ours, theirs)
            del out
        _log(f"{case['title']}: {label} {t_ref:.2f}s ({ref_rate:,.0f} pairs/s); ratio {row['ratio']:.2f}; "
             f"mismatches {row['mismatches']}")
        rows.append(row)
        gc.collect()
    if not case["refs"]:
        rows.append({
            "metric": case["title"], "alias": case["alias"], "kwargs": case["kwargs"], "metric_id": metric.id,
            "reference": None, "comparison": None, "n": n, "evalmetrics_seconds": t_ours,
            "evalmetrics_pairs_per_s": ours_rate, "evalmetrics_mean": res.score,
        })
    del res, ours
    gc.collect()
    return rows


# =====================================================================================================
# Report
# =====================================================================================================


def machine_facts() -> dict:
    def ver(dist):
        try:
            from importlib.metadata import version

            return version(dist)
        except Exception:  # noqa: BLE001
            return None

    cpu = platform.processor() or None
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        commit = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True,
                                text=True, timeout=10).stdout.strip() or None
        dirty = bool(subprocess.run(["git", "-C", str(REPO), "status", "--porcelain", "--", "evalmetrics"],
                                    capture_output=True, text=True, timeout=10).stdout.strip())
    except Exception:  # noqa: BLE001
        commit, dirty = None, None
    try:
        affinity = len(os.sched_getaffinity(0))
    except AttributeError:
        affinity = None
    return {
        "cpu_count": os.cpu_count(),
        "cpus_usable": affinity,
        "cpu_model": cpu,
        "platform": platform.platform(),
        "python": platform.python_version(),
        "python_implementation": platform.python_implementation(),
        "numpy": np.__version__,
        "evalmetrics": em.__version__,
        "evalmetrics_commit": commit,
        "evalmetrics_tree_dirty": dirty,
        "lm_eval": ver("lm_eval"),
        "lighteval": ver("lighteval"),
        "crfm-helm": ver("crfm-helm"),
        "nltk": ver("nltk"),
        "loadavg_start": list(os.getloadavg()) if hasattr(os, "getloadavg") else None,
    }


def _fmt_rate(x):
    return f"{x:,.0f}"


def markdown(rows: list[dict], facts: dict, data: dict, skipped: dict, cmd: str) -> str:
    out = [
        "## String metrics: evalmetrics vs the harnesses' own code",
        "",
        f"Command: `{cmd}`",
        "",
        f"Machine: {facts['cpu_model']}, {facts['cpu_count']} CPUs (usable {facts['cpus_usable']}); "
        f"Python {facts['python']} ({facts['python_implementation']}); numpy {facts['numpy']}; "
        f"{facts['platform']}; load average at start {facts['loadavg_start']}, at end {facts.get('loadavg_end')}.",
        f"Packages: evalmetrics {facts['evalmetrics']} (commit {facts['evalmetrics_commit']}"
        f"{', package tree modified' if facts['evalmetrics_tree_dirty'] else ''}), lm_eval {facts['lm_eval']}, "
        f"lighteval {facts['lighteval']}, crfm-helm {facts['crfm-helm']}.",
        f"Data: N = {data['n']:,} pairs (seed {data['seed']}), {data['distinct_references_used']:,} distinct "
        f"references used of a pool of {data['pool_distinct_references']:,} ({data['gsm8k_rows']:,} GSM8K-style rows), "
        f"{data['exact_copies']:,} exact copies, {data['empty_predictions']:,} empty predictions, predictions "
        f"{data['mean_prediction_chars']} chars on average (max {data['max_prediction_chars']}).",
        "",
        "| metric | reference | evalmetrics pairs/s | reference pairs/s | ratio (evalmetrics / reference; > 1 means "
        "evalmetrics is faster) | identical scores |",
        "|---|---|---:|---:|---:|---|",
    ]
    for r in rows:
        if r.get("reference") is None:
            out.append(f"| {r['metric']} | (not importable: skipped) | {_fmt_rate(r['evalmetrics_pairs_per_s'])} "
                       f"| - | - | - |")
            continue
        if r["mismatches"] == 0:
            ident = "yes" if r["comparison"] == "per_sample" else "yes (means equal)"
        else:
            ident = f"**{r['mismatches']:,} mismatches**"
        out.append(
            f"| {r['metric']} | {r['reference']} | {_fmt_rate(r['evalmetrics_pairs_per_s'])} | "
            f"{_fmt_rate(r['reference_pairs_per_s'])} | {r['ratio']:.2f} | {ident} |"
        )
    best: dict[str, dict] = {}
    for r in rows:
        if r.get("reference") is None:
            continue
        b = best.get(r["metric"])
        if b is None or r["reference_pairs_per_s"] > b["reference_pairs_per_s"]:
            best[r["metric"]] = r
    if best:
        out += ["", "Against the fastest reference of each metric (target >= 3x):", "",
                "| metric | fastest reference | ratio | target met |", "|---|---|---:|---|"]
        for m, r in best.items():
            out.append(f"| {m} | {r['reference']} | {r['ratio']:.2f} | {'yes' if r['ratio'] >= 3 else 'no'} |")
    if skipped:
        out += ["", "Skipped (harness not importable): " + "; ".join(f"{k}: {v}" for k, v in skipped.items())]
    bad = [r for r in rows if r.get("mismatches")]
    if bad:
        out += ["", "### Mismatches (first pairs, verbatim)", ""]
        for r in bad:
            out.append(f"- {r['metric']} vs {r['reference']}: {r['mismatches']:,} of {r['n']:,}")
            for d in r["first_mismatches"]:
                out.append(f"  - #{d['index']}: prediction={d['prediction']!r} reference={d['reference']!r} "
                           f"evalmetrics={d['evalmetrics']!r} reference_score={d['reference_score']!r}")
    return "\n".join(out)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=1_000_000, help="number of pairs (default 1,000,000)")
    ap.add_argument("--quick", action="store_true", help="N = 50,000")
    ap.add_argument("--seed", type=int, default=20240601)
    ap.add_argument("--pool", type=int, default=20_000, help="distinct references in the pool (default 20,000)")
    ap.add_argument("--out", type=Path, help="write the results as JSON here")
    ap.add_argument("--metrics", help="comma-separated subset of: " + ", ".join(CASE_PEERS))
    ap.add_argument("--require-peers", action="store_true",
                    help="fail (exit 2) if a harness cannot be imported instead of skipping its comparisons")
    ap.add_argument("--clock", choices=("cpu", "wall"), default="cpu",
                    help="cpu: this process's CPU time (default; fair on a shared machine); wall: elapsed time")
    args = ap.parse_args(argv)
    global CLOCK
    CLOCK = time.process_time if args.clock == "cpu" else time.perf_counter
    n = 50_000 if args.quick else args.n
    cmd = " ".join([Path(sys.executable).as_posix()] + [Path(sys.argv[0]).as_posix()] + sys.argv[1:])

    facts = machine_facts()
    facts["clock"] = args.clock
    peers, errors = load_peers()
    for h, e in errors.items():
        print(f"NOTE: {h} is not importable ({e}); its comparisons are skipped", file=sys.stderr)
    if errors and args.require_peers:
        print("--require-peers: a reference harness is missing", file=sys.stderr)
        return 2

    _log(f"generating {n:,} pairs (seed {args.seed}, pool {args.pool:,}) ...")
    preds, refs, data = make_pairs(n, args.seed, args.pool)
    warm_preds, warm_refs, _ = make_pairs(WARMUP_N, args.seed + 1, max(WARMUP_N, 2000))
    _log(f"data: {json.dumps(data)}")

    cases = build_cases(peers)
    if args.metrics:
        want = {s.strip() for s in args.metrics.split(",") if s.strip()}
        unknown = want - set(CASE_PEERS)
        if unknown:
            ap.error(f"unknown metrics: {sorted(unknown)}")
        cases = [c for c in cases if c["key"] in want]
    rows: list[dict] = []
    for case in cases:
        rows.extend(run_case(case, preds, refs, warm_preds, warm_refs))
    facts["loadavg_end"] = list(os.getloadavg()) if hasattr(os, "getloadavg") else None
    skipped = {h: e for h, e in errors.items() if any(CASE_PEERS[c["key"]] == h for c in cases)}
    print(markdown(rows, facts, data, skipped, cmd))
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(
            {"command": cmd, "machine": facts, "data": data, "skipped": skipped, "rows": rows},
            indent=2, ensure_ascii=False) + "\n")
        _log(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
