#!/usr/bin/env python
r"""Generate tests/data/math_labeled.jsonl: (prediction, gold, label) rows for math answer equivalence.

    python tests/data/make_math_labeled.py            # rewrite the file
    python tests/data/make_math_labeled.py --check    # exit 1 if the committed file differs

Every row is built BY CONSTRUCTION so its label is provably right. A generator draws a gold VALUE (an integer, a
reduced fraction, a radical, an interval ...) with a seeded ``random.Random``, renders the gold in one MATH-style
form, then renders:

* equivalent forms of the same value (label ``true``): other LaTeX spellings, ``\dfrac``/``a/b``/an exact decimal,
  ``\boxed{}`` or a sentence around it, thousands separators, a repeating decimal computed from the fraction, a
  permuted set, scientific notation whose mantissa times the power is exactly the value, ...
* perturbations (label ``false``): a different value, a tuple in the wrong order, an open end for a closed one, a
  different unit, a decimal ROUNDED from a non-terminating fraction (0.33 is not 1/3), a transposed matrix, ...

The labels state MATHEMATICAL truth; no row depends on a grader convention that could go either way (a bare
number against a number with a unit, a percentage against its fraction, degrees against radians, a base-2
numeral against the same digits read in base 10 are left out). ~150 hand-written hard rows
(``HAND_ROWS``) follow the generated ones; each carries a note saying why its label holds.

Fields: prediction, gold, label (bool), category, note. Output is deterministic (fixed seed, stdlib only, no
hash-order dependence); tests/test_math_labeled.py checks the committed file equals this script's output.
"""
from __future__ import annotations

import json
import math
import os
import random
import sys
from fractions import Fraction

SEED = 20261128
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "math_labeled.jsonl")

ROWS: list[dict] = []


def row(pred: str, gold: str, label: bool, category: str, note: str) -> None:
    ROWS.append({"prediction": pred, "gold": gold, "label": bool(label), "category": category, "note": note})


# ---------------------------------------------------------------------------------------------------- helpers

def frac_tex(f: Fraction, cmd: str = "frac") -> str:
    """LaTeX for a rational, sign in front: -\\frac{3}{4}, 5."""
    if f.denominator == 1:
        return str(f.numerator)
    sign = "-" if f < 0 else ""
    return f"{sign}\\{cmd}{{{abs(f.numerator)}}}{{{f.denominator}}}"


def terminating_decimal(f: Fraction) -> str | None:
    """The exact decimal of f if it terminates (denominator 2^a 5^b), else None."""
    d = f.denominator
    for p in (2, 5):
        while d % p == 0:
            d //= p
    if d != 1:
        return None
    sign = "-" if f < 0 else ""
    a = abs(f)
    k = 0
    while (a * 10 ** k).denominator != 1:
        k += 1
    n = int(a * 10 ** k)
    s = str(n).rjust(k + 1, "0")
    return sign + (s[:-k] + "." + s[-k:] if k else s)


def repeating_parts(f: Fraction) -> tuple[str, str, str]:
    """0 <= f < 1 with a non-terminating decimal -> (integer part, pre-period digits, period digits)."""
    assert 0 <= f < 1 and terminating_decimal(f) is None
    num, den = f.numerator, f.denominator
    seen: dict[int, int] = {}
    digits = []
    r = num % den
    while r not in seen:
        seen[r] = len(digits)
        r *= 10
        digits.append(str(r // den))
        r %= den
    start = seen[r]
    return "0", "".join(digits[:start]), "".join(digits[start:])


def rounded(f: Fraction, places: int) -> str:
    """f rounded (half up, away from the exact value) to `places` decimals, as text."""
    q = Fraction(round(f * 10 ** places), 10 ** places)
    return terminating_decimal(q) if q.denominator > 1 else f"{q.numerator}." + "0" * places


def thousands(n: int, sep: str) -> str:
    s = f"{abs(n):,}".replace(",", sep)
    return ("-" if n < 0 else "") + s


WRAPS = (
    lambda a: a,
    lambda a: f"\\boxed{{{a}}}",
    lambda a: f"${a}$",
    lambda a: f"The answer is ${a}$.",
    lambda a: f"Therefore, the final answer is $\\boxed{{{a}}}$.",
    lambda a: f"So we get \\[ \\boxed{{{a}}} \\]",
)


def wrap(rng: random.Random, a: str) -> str:
    return rng.choice(WRAPS)(a)


# ------------------------------------------------------------------------------------------------ generators

def gen_integers(rng):
    for _ in range(22):
        n = rng.choice([rng.randint(0, 99), rng.randint(100, 999), -rng.randint(1, 99)])
        g = str(n)
        row(wrap(rng, g), g, True, "integer", "same integer, wrapped")
        row(wrap(rng, f"{n}.0" if rng.random() < 0.5 else f"{n}.00"), g, True, "integer", "trailing zero decimals")
        d = rng.choice([1, -1, 10, 2]) if n else 1
        wrong = n + d if d in (1, -1) else n * d if n not in (0,) and d == 10 else n + 2
        row(wrap(rng, str(wrong)), g, False, "integer", "different integer")
        if n > 0:
            row(wrap(rng, str(-n)), g, False, "integer", "sign flipped")


def gen_fractions(rng):
    for _ in range(24):
        den = rng.randint(2, 16)
        num = rng.randint(1, 3 * den)
        f = Fraction(num, den) * rng.choice([1, 1, -1])
        if f.denominator == 1:
            f += Fraction(1, 7)
        g = frac_tex(f)
        row(wrap(rng, frac_tex(f, rng.choice(["dfrac", "tfrac"]))), g, True, "fraction", "\\dfrac/\\tfrac spelling")
        row(wrap(rng, f"{f.numerator}/{f.denominator}"), g, True, "fraction", "a/b form")
        k = rng.randint(2, 5)
        row(wrap(rng, ("-" if f < 0 else "") + f"\\frac{{{abs(f.numerator) * k}}}{{{f.denominator * k}}}"), g, True,
            "fraction", "unreduced equivalent fraction")
        dec = terminating_decimal(f)
        if dec is not None:
            row(wrap(rng, dec), g, True, "fraction", "exact terminating decimal")
        row(wrap(rng, ("-" if f < 0 else "") + f"\\frac{{{f.denominator}}}{{{abs(f.numerator)}}}"), g, False,
            "fraction", "reciprocal")
        row(wrap(rng, frac_tex(f + Fraction(1, f.denominator))), g, False, "fraction", "numerator off by one")
        if f > 0 and rng.random() < 0.4:
            row(wrap(rng, frac_tex(-f)), g, False, "fraction", "sign flipped")


def gen_rounded(rng):
    """Rounded decimals are NOT the exact fraction (0.33 vs 1/3); exact decimals are."""
    dens = [3, 6, 7, 9, 11, 12, 13, 15]
    for _ in range(20):
        den = rng.choice(dens)
        num = rng.randint(1, den - 1)
        f = Fraction(num, den)
        if terminating_decimal(f) is not None:
            continue
        g = frac_tex(f)
        places = rng.choice([2, 3, 4])
        row(wrap(rng, rounded(f, places)), g, False, "rounded_decimal",
            f"{rounded(f, places)} is {f} rounded to {places} places, not equal")
    for num, den in [(1, 8), (3, 8), (1, 16), (7, 20), (1, 40), (3, 25), (5, 32), (9, 80)]:
        f = Fraction(num, den)
        row(wrap(rng, terminating_decimal(f)), frac_tex(f), True, "rounded_decimal", "exact decimal equals the fraction")
        row(wrap(rng, terminating_decimal(f)[:-1]), frac_tex(f), False, "rounded_decimal", "last digit dropped")


def gen_repeating(rng):
    for _ in range(22):
        den = rng.choice([3, 6, 7, 9, 11, 12, 15, 18, 22, 27, 30, 33, 37, 45])
        num = rng.randint(1, den - 1)
        f = Fraction(num, den)
        if terminating_decimal(f) is not None:
            continue
        ip, pre, per = repeating_parts(f)
        g = frac_tex(f)
        forms = [f"{ip}.{pre}\\overline{{{per}}}", f"{ip}.{pre}({per})"]
        row(wrap(rng, forms[0]), g, True, "repeating_decimal", "overline period computed from the fraction")
        row(forms[1], g, True, "repeating_decimal", "parenthesized period")
        reps = per * max(2, 6 // len(per))
        row(f"{ip}.{pre}{reps}\\ldots", g, True, "repeating_decimal", "period written out then \\ldots")
        # perturbations: wrong period, and the truncated decimal without a repetition mark
        bad = per[:-1] + str((int(per[-1]) + 1) % 10)
        row(wrap(rng, f"{ip}.{pre}\\overline{{{bad}}}"), g, False, "repeating_decimal", "different period")
        row(wrap(rng, f"{ip}.{pre}{reps}"), g, False, "repeating_decimal", "truncated, no repetition mark")


def gen_radicals(rng):
    squarefree = [2, 3, 5, 6, 7, 10, 11, 13, 14, 15]
    for _ in range(20):
        a = rng.randint(2, 6)
        b = rng.choice(squarefree)
        g = f"{a}\\sqrt{{{b}}}"
        row(wrap(rng, f"\\sqrt{{{a * a * b}}}"), g, True, "radical", "a*sqrt(b) = sqrt(a^2 b)")
        row(wrap(rng, f"{a} \\sqrt{b}" if b < 10 and rng.random() < 0.5 else f"\\sqrt{{{b}}} \\cdot {a}"), g, True,
            "radical", "brace-less or commuted")
        row(wrap(rng, f"{a}\\sqrt{{{b + 1 if b + 1 not in (4, 9) else b + 2}}}"), g, False, "radical", "different radicand")
        row(wrap(rng, f"{a + 1}\\sqrt{{{b}}}"), g, False, "radical", "different coefficient")
        if rng.random() < 0.5:
            row(wrap(rng, f"\\frac{{{a * b}}}{{\\sqrt{{{b}}}}}"), g, True, "radical", "a b / sqrt(b) = a sqrt(b)")
        else:
            row(wrap(rng, f"{a * math.sqrt(b):.3f}"), g, False, "radical", "3-place decimal approximation")


def pi_tex(f: Fraction) -> str:
    """f * pi in LaTeX, coefficient 1 omitted: 3\\pi, \\frac{\\pi}{2}, \\frac{5\\pi}{6}."""
    c = "" if f.numerator == 1 else str(f.numerator)
    return f"{c}\\pi" if f.denominator == 1 else f"\\frac{{{c}\\pi}}{{{f.denominator}}}"


def gen_pi(rng):
    for _ in range(14):
        f = Fraction(rng.randint(1, 12), rng.choice([1, 2, 3, 4, 6]))
        g = pi_tex(f)
        if f.denominator == 1:
            eq = [f"\\pi \\cdot {f.numerator}", f"{f.numerator} \\pi", f"\\frac{{{2 * f.numerator}\\pi}}{{2}}"]
        else:
            eq = [f"\\frac{{{f.numerator}}}{{{f.denominator}}}\\pi", f"{f.numerator}\\pi/{f.denominator}"]
        row(wrap(rng, rng.choice(eq)), g, True, "pi", "same multiple of pi")
        row(wrap(rng, f"{float(f) * math.pi:.2f}"), g, False, "pi", "2-place decimal approximation")
        row(wrap(rng, pi_tex(f + 1)), g, False, "pi", "different multiple of pi")
        row(wrap(rng, frac_tex(f)), g, False, "pi", "pi dropped")


def _interval(lo, hi, lc, rc, left=False):
    o, c = ("[" if lc else "("), ("]" if rc else ")")
    if left:
        return f"\\left{o}{lo}, {hi}\\right{c}"
    return f"{o}{lo}, {hi}{c}"


def gen_intervals(rng):
    for _ in range(24):
        lo = rng.randint(-9, 5)
        hi = lo + rng.randint(1, 9)
        lc, rc = rng.random() < 0.5, rng.random() < 0.5
        los = rng.choice([str(lo), "-\\infty"])
        if los == "-\\infty":
            lc = False
        his = str(hi)
        g = _interval(los, his, lc, rc)
        row(wrap(rng, _interval(los, his, lc, rc, left=True)), g, True, "interval", "\\left/\\right spelling")
        row(_interval(los, his, lc, rc).replace(", ", ","), g, True, "interval", "no space after comma")
        if los != "-\\infty":
            row(wrap(rng, _interval(los, his, not lc, rc)), g, False, "interval", "left end open/closed swapped")
        row(wrap(rng, _interval(los, his, lc, not rc)), g, False, "interval", "right end open/closed swapped")
        row(wrap(rng, _interval(los, str(hi + 1), lc, rc)), g, False, "interval", "different right end")


def gen_sets(rng):
    for _ in range(20):
        k = rng.randint(2, 5)
        elems = rng.sample(range(-10, 20), k)
        g = "\\{" + ", ".join(map(str, sorted(elems))) + "\\}"
        perm = elems[:]
        while perm == sorted(elems):
            rng.shuffle(perm)
        row(wrap(rng, "\\{" + ", ".join(map(str, perm)) + "\\}"), g, True, "set", "same elements, other order")
        row(wrap(rng, "\\left\\{" + ",".join(map(str, sorted(elems))) + "\\right\\}"), g, True, "set", "\\left\\{ spelling")
        row(wrap(rng, "\\{" + ", ".join(map(str, sorted(elems)[:-1])) + "\\}"), g, False, "set", "element missing")
        extra = max(elems) + rng.randint(1, 5)
        row(wrap(rng, "\\{" + ", ".join(map(str, sorted(elems) + [extra])) + "\\}"), g, False, "set", "extra element")


def gen_tuples(rng):
    for _ in range(22):
        k = rng.randint(2, 4)
        vals = [rng.randint(-9, 12) for _ in range(k)]
        while len(set(vals)) < k:
            vals = [rng.randint(-9, 12) for _ in range(k)]
        g = "(" + ", ".join(map(str, vals)) + ")"
        row(wrap(rng, "\\left(" + ",".join(map(str, vals)) + "\\right)"), g, True, "tuple", "same ordered tuple")
        row(wrap(rng, "(" + ", ".join(frac_tex(Fraction(v * 2, 2)) if i else f"\\frac{{{2 * v}}}{{2}}"
                                     for i, v in enumerate(vals)) + ")"), g, True, "tuple", "first entry as 2v/2")
        rev = vals[::-1]
        row(wrap(rng, "(" + ", ".join(map(str, rev)) + ")"), g, False, "tuple", "entries in the wrong order")
        bad = vals[:]
        bad[rng.randrange(k)] += 1
        row(wrap(rng, "(" + ", ".join(map(str, bad)) + ")"), g, False, "tuple", "one entry different")


def _matrix(rows_, env="pmatrix"):
    body = " \\\\ ".join(" & ".join(map(str, r)) for r in rows_)
    return f"\\begin{{{env}}} {body} \\end{{{env}}}"


def gen_matrices(rng):
    for _ in range(16):
        r, c = rng.choice([(2, 2), (2, 2), (3, 3), (2, 1), (3, 1)])
        m = [[rng.randint(-5, 9) for _ in range(c)] for _ in range(r)]
        g = _matrix(m)
        row(wrap(rng, _matrix(m, "bmatrix")), g, True, "matrix", "bmatrix vs pmatrix, same entries")
        row(wrap(rng, _matrix([[f"\\frac{{{2 * v}}}{{2}}" if v else "0" for v in rr] for rr in m])), g, True,
            "matrix", "entries written as 2v/2")
        bad = [rr[:] for rr in m]
        bad[rng.randrange(r)][rng.randrange(c)] += 1
        row(wrap(rng, _matrix(bad)), g, False, "matrix", "one entry different")
        if r == c:
            t = [list(x) for x in zip(*m)]
            if t != m:
                row(wrap(rng, _matrix(t)), g, False, "matrix", "transposed")


UNITS = [("m", "meters", "cm"), ("cm", "centimeters", "mm"), ("kg", "kilograms", "g"), ("s", "seconds", "ms"),
         ("km", "kilometers", "m"), ("L", "liters", "mL"), ("ft", "feet", "in"), ("g", "grams", "kg")]


def gen_units(rng):
    for _ in range(22):
        n = rng.randint(1, 500)
        u, word, other = rng.choice(UNITS)
        g = f"{n} \\text{{ {u}}}"
        row(wrap(rng, f"{n}\\text{{{u}}}" if rng.random() < 0.5 else f"{n}\\,\\mathrm{{{u}}}"), g, True, "units",
            "same number, same unit symbol")
        row(f"The length is {n} {u}.", g, True, "units", "unit as plain text")
        row(wrap(rng, f"{n} \\text{{ {other}}}"), g, False, "units", f"{u} vs {other}: different unit")
        row(wrap(rng, f"{n + rng.randint(1, 9)} \\text{{ {u}}}"), g, False, "units", "different number, same unit")


def gen_percent(rng):
    for _ in range(20):
        n = rng.randint(1, 99)
        g = f"{n}\\%"
        row(wrap(rng, rng.choice([f"{n}%", f"{n} \\%", f"{n}\\%"])), g, True, "percent", "percent sign spellings")
        row(f"{n} percent", g, True, "percent", "the word percent")
        row(wrap(rng, f"{n + rng.randint(1, 9)}\\%"), g, False, "percent", "different percentage")
        row(wrap(rng, f"{n}^\\circ"), g, False, "percent", "degrees are not percent")


def gen_degrees(rng):
    for _ in range(18):
        n = rng.choice([15, 30, 36, 45, 60, 72, 90, 108, 120, 135, 150, 180, rng.randint(1, 359)])
        g = f"{n}^\\circ"
        row(wrap(rng, rng.choice([f"{n}^{{\\circ}}", f"{n}°", f"{n}^\\circ"])), g, True, "degrees", "degree spellings")
        row(f"{n} degrees", g, True, "degrees", "the word degrees")
        row(wrap(rng, f"{n + rng.choice([1, 5, 10])}^\\circ"), g, False, "degrees", "different angle")
        row(wrap(rng, f"{n}\\%"), g, False, "degrees", "percent is not degrees")


def gen_money(rng):
    for _ in range(18):
        cents = rng.choice([0, 0, 5, 25, 50, 99, rng.randint(1, 99)])
        dollars = rng.randint(1, 25000)
        if cents:
            g = f"\\${dollars}.{cents:02d}"
            eq = [f"\\${dollars:,}.{cents:02d}".replace(",", "{,}"), f"${dollars}.{cents:02d}" if False else
                  f"\\$ {dollars}.{cents:02d}", f"\\${dollars:,}.{cents:02d}"]
            bad = f"\\${dollars}.{(cents + 10) % 100:02d}" if (cents + 10) % 100 != cents else f"\\${dollars + 1}.{cents:02d}"
        else:
            g = f"\\${dollars}"
            eq = [f"\\${dollars:,}".replace(",", "{,}"), f"\\$ {dollars}", f"\\${dollars}.00"]
            bad = f"\\${dollars + rng.randint(1, 9)}"
        row(wrap(rng, rng.choice(eq)), g, True, "money", "same amount of dollars")
        row(f"It costs {g.replace(chr(92), '')} in total.", g, True, "money", "plain $ in a sentence")
        row(wrap(rng, bad), g, False, "money", "different amount")


def gen_thousands(rng):
    for _ in range(22):
        n = rng.randint(1000, 9_999_999)
        g = str(n)
        seps = [",", "{,}", ",\\!", "\\,", "\\ ", "\u2009"]
        s1, s2 = rng.sample(seps, 2)
        row(wrap(rng, thousands(n, s1)), g, True, "thousands", f"separator {s1!r}")
        row(thousands(n, s2), g, True, "thousands", f"separator {s2!r}")
        digits = list(str(n))
        i = rng.randrange(len(digits) - 1)
        if digits[i] != digits[i + 1]:
            digits[i], digits[i + 1] = digits[i + 1], digits[i]
        else:
            digits[-1] = str((int(digits[-1]) + 1) % 10)
        m = int("".join(digits))
        row(wrap(rng, thousands(m, s1)), g, False, "thousands", "digits swapped")
        row(wrap(rng, thousands(n * 10, s1)), g, False, "thousands", "one more digit")


def gen_scientific(rng):
    for _ in range(18):
        mant = Fraction(rng.randint(11, 99), 10)
        e = rng.randint(2, 7)
        val = mant * 10 ** e
        g = str(int(val))
        ms = terminating_decimal(mant)
        row(wrap(rng, f"{ms} \\times 10^{{{e}}}"), g, True, "scientific", "mantissa x 10^e, exact")
        row(f"{ms}e{e}" if rng.random() < 0.5 else f"{ms}E{e}", g, True, "scientific", "e-notation, exact")
        row(wrap(rng, f"{ms} \\times 10^{{{e - 1}}}"), g, False, "scientific", "exponent off by one")
        row(f"{ms}e{e + 1}", g, False, "scientific", "e-notation, exponent off by one")


def gen_base(rng):
    for _ in range(14):
        n = rng.randint(5, 200)
        b = rng.choice([2, 3, 5, 8])
        digs = []
        m = n
        while m:
            digs.append(str(m % b))
            m //= b
        numeral = "".join(reversed(digs))
        g = f"{numeral}_{{{b}}}" if rng.random() < 0.5 else f"{numeral}_{b}"
        row(wrap(rng, f"{numeral}_{{{b}}}"), g, True, "base", "same numeral, braced subscript")
        row(wrap(rng, f"{numeral}_{b}"), g, True, "base", "same numeral, bare subscript")
        # a different numeral in the same base (valid digits): n+1 rendered in base b
        m, digs = n + 1, []
        while m:
            digs.append(str(m % b))
            m //= b
        row(wrap(rng, "".join(reversed(digs)) + f"_{{{b}}}"), g, False, "base", "n+1 in the same base")


def gen_complex(rng):
    for _ in range(18):
        a, b = rng.randint(-9, 9), rng.choice([x for x in range(-9, 10) if x not in (0, 1, -1)])
        sa = str(a)
        g = f"{a} {'+' if b > 0 else '-'} {abs(b)}i" if a else f"{b}i"
        comm = f"{b}i {'+' if a >= 0 else '-'} {abs(a)}" if a else f"{b}i"
        row(wrap(rng, comm), g, True, "complex", "terms commuted")
        row(wrap(rng, f"{sa}+{b}i".replace("+-", "-") if a else f"{b} i"), g, True, "complex", "no spaces")
        row(wrap(rng, f"{a} {'-' if b > 0 else '+'} {abs(b)}i" if a else f"{-b}i"), g, False, "complex", "conjugate")
        if a != b:
            row(wrap(rng, f"{b} + {a}i".replace("+ -", "- ")), g, False, "complex", "real and imaginary parts swapped")


TEXTS = ["Monday", "Tuesday", "Wednesday", "January", "March", "red", "blue", "green", "Alice", "Bob", "Carol",
         "north", "south", "east", "west", "even", "odd", "yes", "no", "circle", "parabola", "ellipse", "hyperbola"]


def gen_text(rng):
    for _ in range(18):
        t = rng.choice(TEXTS)
        g = f"\\text{{{t}}}"
        row(wrap(rng, f"\\text{{{t}}}") if rng.random() < 0.5 else f"\\textbf{{{t}}}", g, True, "text",
            "same word, text command")
        row(t, g, True, "text", "bare word")
        other = rng.choice([x for x in TEXTS if x != t])
        row(wrap(rng, f"\\text{{{other}}}"), g, False, "text", "different word")


def gen_choice(rng):
    letters = "ABCDE"
    for _ in range(18):
        L = rng.choice(letters)
        g = L if rng.random() < 0.6 else f"\\text{{({L})}}"
        row(rng.choice([f"({L})", f"\\textbf{{({L})}}", f"The answer is ({L}).", f"\\boxed{{{L}}}",
                        f"\\boxed{{\\text{{{L}}}}}"]), g, True, "choice", "same letter")
        other = rng.choice([x for x in letters if x != L])
        row(rng.choice([f"({other})", f"The answer is ({other}).", f"\\boxed{{{other}}}"]), g, False, "choice",
            "different letter")


WORDS = {0: "zero", 1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight",
         9: "nine", 10: "ten", 11: "eleven", 12: "twelve", 13: "thirteen", 14: "fourteen", 15: "fifteen",
         16: "sixteen", 17: "seventeen", 18: "eighteen", 19: "nineteen", 20: "twenty", 30: "thirty",
         40: "forty", 50: "fifty"}


def gen_words(rng):
    for _ in range(18):
        n = rng.choice(list(WORDS))
        w = WORDS[n]
        row(rng.choice([w, w.capitalize(), f"The answer is {w}."]), str(n), True, "number_words", "number word")
        other = rng.choice([k for k in WORDS if k != n])
        row(rng.choice([WORDS[other], f"The answer is {WORDS[other]}."]), str(n), False, "number_words",
            "different number word")


def gen_equations(rng):
    for _ in range(18):
        v = rng.choice("xyzkn")
        n = rng.randint(-20, 40)
        row(wrap(rng, f"{v} = {n}") if rng.random() < 0.5 else f"{v}={n}", str(n), True, "equation",
            "variable = value vs value")
        row(wrap(rng, f"{v} = {n + rng.choice([1, 2, -1])}"), str(n), False, "equation", "variable = other value")
        a, b = rng.randint(2, 9), rng.randint(1, 9)
        g = f"y = {a}x + {b}"
        row(wrap(rng, f"y = {b} + {a}x"), g, True, "equation", "same line, terms commuted")
        row(wrap(rng, f"y = {a}x - {b}"), g, False, "equation", "intercept sign flipped")


FILLER = [
    "First, we simplify the expression.", "Let us consider the two cases separately.",
    "We note that the discriminant is positive.", "Substituting back, we check the result.",
    "By the Pythagorean theorem, the hypotenuse follows.", "We multiply both sides by the denominator.",
    "Using Vieta's formulas, the sum of the roots is known.", "The sequence is arithmetic with common difference 3.",
]


def gen_chains(rng):
    for _ in range(24):
        kind = rng.random()
        if kind < 0.4:
            n = rng.randint(2, 999)
            gold, ans, alt = str(n), str(n), str(n + rng.randint(1, 20))
        elif kind < 0.7:
            f = Fraction(rng.randint(1, 20), rng.randint(2, 13))
            if f.denominator == 1:
                f += Fraction(1, 3)
            gold, ans, alt = frac_tex(f), frac_tex(f, "dfrac"), frac_tex(f + 1)
        else:
            a, b = rng.randint(2, 9), rng.choice([2, 3, 5, 7])
            gold, ans, alt = f"{a}\\sqrt{{{b}}}", f"\\sqrt{{{a * a * b}}}", f"{a + 1}\\sqrt{{{b}}}"
        # 3 to 12 sentences of reasoning, with inline math and distractor values, before the final box
        k = rng.randint(3, 12)
        parts = []
        for j in range(k):
            if j % 3 == 2:
                u, v = rng.randint(2, 60), rng.randint(2, 60)
                parts.append(f"Step {j + 1}: ${u} \\times {v} = {u * v}$, so the partial result is ${u * v}$.")
            else:
                parts.append(rng.choice(FILLER))
        steps = " ".join(parts)
        mid = f"An intermediate value is ${rng.randint(2, 500)}$, and we also get ${alt}$ for the other case."
        row(f"{steps}\n{mid}\nThus the answer is $\\boxed{{{ans}}}$.", gold, True, "chain_of_thought",
            "distractor numbers earlier, last \\boxed is the gold")
        row(f"{steps} We first guess ${gold}$.\n{mid}\nTherefore the final answer is $\\boxed{{{alt}}}$.", gold,
            False, "chain_of_thought", "gold appears mid-text but the last \\boxed differs")


def gen_gsm8k(rng):
    for _ in range(20):
        n = rng.randint(2, 99999)
        a = rng.randint(1, n)
        text = f"She has {a} apples and buys {n - a} more.\n{a} + {n - a} = {n}."
        g = str(n)
        row(f"{text}\n#### {n}", g, True, "gsm8k", "#### answer")
        row(f"{text}\n####{n}", g, True, "gsm8k", "#### without a space")
        if n >= 1000:
            row(f"{text}\n#### {n:,}", g, True, "gsm8k", "#### answer with comma thousands")
        row(f"{text.replace(str(n) + '.', str(n + 1) + '.')}\n#### {n + 1}", g, False, "gsm8k", "different #### answer")
        row(f"{text}\n#### {n - 1}", g, False, "gsm8k", "#### answer differs from the worked value")


def gen_negated(rng):
    for _ in range(14):
        good, bad = rng.sample(range(2, 60), 2)
        pred = rng.choice([f"The answer is not {bad}; it is {good}.", f"It is not {bad}. The answer is {good}.",
                           f"At first I thought {bad}, but that is wrong. The correct answer is {good}."])
        row(pred, str(good), True, "negated", "stated answer is the last one, the negated value comes first")
        row(pred, str(bad), False, "negated", "gold is the value the prediction rejects")


def gen_unicode(rng):
    for _ in range(12):
        n = rng.randint(1, 99)
        row(f"\u2212{n}", f"-{n}", True, "unicode", "Unicode minus sign")
        row(f"\u2212{n}", f"{n}", False, "unicode", "Unicode minus is still a minus")
        b = rng.choice([2, 3, 5, 6, 7])
        row(f"\u221a{b}", f"\\sqrt{{{b}}}", True, "unicode", "square-root sign")
        row(f"\u221a{b + 1 if b + 1 != 4 else 8}", f"\\sqrt{{{b}}}", False, "unicode", "square-root sign, other radicand")
        k = rng.randint(2, 9)
        row(f"{k}\u03c0", f"{k}\\pi", True, "unicode", "Greek pi letter")
        row(f"{k + 1}\u03c0", f"{k}\\pi", False, "unicode", "Greek pi letter, other multiple")


def gen_implicit(rng):
    for _ in range(14):
        c = rng.randint(2, 9)
        x, y = rng.sample("abcxyz", 2)
        g = f"{c}{x}{y}"
        row(wrap(rng, rng.choice([f"{c} {x} {y}", f"{c}\\cdot {x}\\cdot {y}", f"{c}{y}{x}", f"{x}{y}\\cdot {c}"])),
            g, True, "implicit_mult", "same product")
        row(wrap(rng, f"{c}{x}+{y}"), g, False, "implicit_mult", "sum instead of product")
        row(wrap(rng, f"{c + 1}{x}{y}"), g, False, "implicit_mult", "different coefficient")


def gen_algebra(rng):
    for _ in range(16):
        a, b = rng.randint(1, 9), rng.randint(1, 9)
        g = f"x^2 + {a + b}x + {a * b}"
        row(wrap(rng, f"(x+{a})(x+{b})"), g, True, "expression", "factored form of the same polynomial")
        row(wrap(rng, f"{a * b} + {a + b}x + x^2"), g, True, "expression", "terms reordered")
        row(wrap(rng, f"(x+{a})(x-{b})"), g, False, "expression", "one factor sign flipped")
        row(wrap(rng, f"x^2 + {a + b}x + {a * b + 1}"), g, False, "expression", "constant off by one")


# ---------------------------------------------------------------------------------------------- hand-written

# (prediction, gold, label, category, note); the note says why the label holds.
HAND_ROWS = [
    # repeating decimals
    (r"0.\overline{3}", r"\frac{1}{3}", True, "repeating_decimal", "hand: 0.333... = 1/3"),
    ("0.(3)", r"\frac13", True, "repeating_decimal", "hand: 0.(3) = 1/3"),
    (r"0.333\ldots", r"\frac{1}{3}", True, "repeating_decimal", "hand: 0.333... = 1/3"),
    (r"0.\overline{9}", "1", True, "repeating_decimal", "hand: 0.999... = 1"),
    (r"0.1\overline{6}", r"\frac{1}{6}", True, "repeating_decimal", "hand: 0.1666... = 1/6"),
    (r"0.\overline{142857}", r"\frac{1}{7}", True, "repeating_decimal", "hand: period of 1/7"),
    (r"0.\overline{12}", r"\frac{4}{33}", True, "repeating_decimal", "hand: 0.1212... = 12/99 = 4/33"),
    (r"0.\overline{3}", r"\frac{3}{10}", False, "repeating_decimal", "hand: 1/3 is not 3/10"),
    ("0.333", r"\frac{1}{3}", False, "repeating_decimal", "hand: a terminating decimal is never 1/3"),
    ("0.33", r"\frac{1}{3}", False, "repeating_decimal", "hand: rounded decimal"),
    ("0.67", r"\frac{2}{3}", False, "repeating_decimal", "hand: rounded decimal"),
    ("0.6667", r"\frac{2}{3}", False, "repeating_decimal", "hand: rounded decimal"),
    ("0.142857", r"\frac{1}{7}", False, "repeating_decimal", "hand: six digits of 1/7, terminating"),
    ("3.14", r"\pi", False, "repeating_decimal", "hand: pi is irrational"),
    ("3.14159", r"\pi", False, "repeating_decimal", "hand: pi is irrational"),
    ("1.414", r"\sqrt{2}", False, "repeating_decimal", "hand: sqrt 2 is irrational"),
    ("2.718", r"e", False, "repeating_decimal", "hand: e is irrational; gold names Euler's number"),
    ("0.5", r"\frac{1}{2}", True, "repeating_decimal", "hand: exact decimal"),
    (".5", r"\frac12", True, "repeating_decimal", "hand: leading-dot decimal"),
    ("0.125", r"\frac{1}{8}", True, "repeating_decimal", "hand: exact decimal"),
    ("1.25", r"\frac{5}{4}", True, "repeating_decimal", "hand: exact decimal"),
    ("-0.75", r"-\frac{3}{4}", True, "repeating_decimal", "hand: exact decimal, negative"),
    (r"\frac{-3}{4}", r"-\frac{3}{4}", True, "repeating_decimal", "hand: sign inside the numerator"),
    (r"\frac{3}{-4}", r"-\frac{3}{4}", True, "repeating_decimal", "hand: sign inside the denominator"),
    (r"\frac{3}{4}", r"-\frac{3}{4}", False, "repeating_decimal", "hand: sign lost"),
    # thousands separators
    ("1{,}000{,}000", "1000000", True, "thousands", "hand: {,} thousands separators"),
    ("1\u2009000\u2009000", "1000000", True, "thousands", "hand: thin-space thousands separators"),
    (r"1\,000\,000", "1000000", True, "thousands", r"hand: \, thousands separators"),
    ("1,000,000", "1000000", True, "thousands", "hand: comma thousands separators"),
    ("10,000", "10000", True, "thousands", "hand: comma thousands separator"),
    ("10{,}000", "1000", False, "thousands", "hand: ten thousand vs one thousand"),
    ("12,345.67", "12345.67", True, "thousands", "hand: comma thousands with decimals"),
    # scientific notation
    ("3.2e4", "32000", True, "scientific", "hand: 3.2e4 = 32000"),
    (r"3.2 \times 10^4", "32000", True, "scientific", "hand: 3.2 x 10^4"),
    ("3.2E4", "32000", True, "scientific", "hand: capital E"),
    ("3.2e-3", "0.0032", True, "scientific", "hand: negative exponent"),
    (r"6.02 \times 10^{23}", r"6.02 \times 10^{23}", True, "scientific", "hand: identical"),
    ("3.2e4", "3200", False, "scientific", "hand: off by a factor 10"),
    (r"1.5 \times 10^{-2}", "0.15", False, "scientific", "hand: off by a factor 10"),
    # units and degrees
    (r"5 \text{ m}", r"5 \text{ cm}", False, "units", "hand: 5 m is not 5 cm"),
    ("5 m", "5 cm", False, "units", "hand: 5 m is not 5 cm"),
    ("5 cm", "5 mm", False, "units", "hand: different unit"),
    ("5 kg", "5 g", False, "units", "hand: different unit"),
    (r"5\text{ meters}", r"5 \text{ m}", True, "units", "hand: meters spelled out"),
    (r"12 \text{ inches}", r"12 \text{ in}", True, "units", "hand: inches spelled out"),
    (r"30^\circ", r"30\%", False, "units", "hand: degrees are not percent"),
    (r"30\%", r"30^\circ", False, "units", "hand: percent is not degrees"),
    (r"45^{\circ}", r"45^\circ", True, "units", "hand: braced circ"),
    ("45°", r"45^\circ", True, "units", "hand: degree sign"),
    (r"45 \text{ degrees}", r"45^\circ", True, "units", "hand: degrees spelled out"),
    (r"90^\circ", r"45^\circ", False, "units", "hand: different angle"),
    # percent
    (r"50\%", r"50\%", True, "percent", "hand: identical"),
    ("50%", r"50\%", True, "percent", "hand: unescaped percent"),
    ("50 percent", r"50\%", True, "percent", "hand: word percent"),
    (r"12.5\%", r"12.5\%", True, "percent", "hand: decimal percent"),
    (r"12.5\%", r"125\%", False, "percent", "hand: different percent"),
    (r"5\%", r"50\%", False, "percent", "hand: different percent"),
    # money
    (r"\$5", r"\$5", True, "money", "hand: identical"),
    (r"\$5.00", r"\$5", True, "money", "hand: cents zero"),
    ("$5", r"\$5", True, "money", "hand: plain dollar sign before a number"),
    (r"\$5.50", r"\$5.05", False, "money", "hand: different cents"),
    (r"\$1{,}250", r"\$1250", True, "money", "hand: money with {,}"),
    (r"\$12.50", r"\$12.5", True, "money", "hand: trailing zero"),
    # imaginary unit
    ("i", "i", True, "complex", "hand: identical"),
    ("2i", "2i", True, "complex", "hand: identical"),
    ("-i", "i", False, "complex", "hand: sign"),
    (r"i\sqrt{2}", r"\sqrt{2}i", True, "complex", "hand: commuted"),
    (r"\sqrt{-4}", "2i", True, "complex", "hand: principal square root of -4"),
    ("1+i", "1-i", False, "complex", "hand: conjugate"),
    ("(1+i)^2", "2i", True, "complex", "hand: (1+i)^2 = 2i"),
    ("i^2", "-1", True, "complex", "hand: i^2 = -1"),
    # base subscripts
    ("1011_2", "1011_2", True, "base", "hand: identical"),
    ("1011_{2}", "1011_2", True, "base", "hand: braced subscript"),
    ("1101_2", "1011_2", False, "base", "hand: different numeral"),
    ("1011_2", "11", True, "base", "hand: 1011 in base 2 is eleven"),
    ("12_3", "5", True, "base", "hand: 12 in base 3 is five"),
    ("10_8", "10", False, "base", "hand: 10 in base 8 is eight"),
    # infinity, pi, sqrt spellings
    (r"(-\infty, 3)", r"(-\infty, 3)", True, "constants", "hand: identical"),
    ("(-∞, 3)", r"(-\infty, 3)", True, "constants", "hand: infinity sign"),
    ("(-infinity, 3)", r"(-\infty, 3)", True, "constants", "hand: infinity word"),
    (r"(-\infty, 3]", r"(-\infty, 3)", False, "constants", "hand: closed vs open"),
    (r"\infty", r"\infty", True, "constants", "hand: identical"),
    ("infinity", r"\infty", True, "constants", "hand: the word"),
    (r"-\infty", r"\infty", False, "constants", "hand: sign"),
    (r"2\pi", r"2\pi", True, "constants", "hand: identical"),
    ("2π", r"2\pi", True, "constants", "hand: Greek letter"),
    (r"\pi/2", r"\frac{\pi}{2}", True, "constants", "hand: slash form"),
    (r"\frac{\pi}{3}", r"\frac{\pi}{2}", False, "constants", "hand: different angle"),
    ("√3/2", r"\frac{\sqrt{3}}{2}", True, "constants", "hand: square-root sign"),
    (r"\sqrt{3}/2", r"\frac{\sqrt3}{2}", True, "constants", "hand: slash form"),
    (r"\frac{1}{\sqrt{2}}", r"\frac{\sqrt{2}}{2}", True, "constants", "hand: rationalized denominator"),
    (r"\sqrt{8}", r"2\sqrt{2}", True, "constants", "hand: simplified radical"),
    (r"\sqrt[3]{8}", "2", True, "constants", "hand: cube root"),
    (r"\sqrt[3]{9}", "3", False, "constants", "hand: cube root of 9 is not 3"),
    # intervals, sets, tuples
    (r"[2, 5)", r"[2,5)", True, "interval_set_tuple", "hand: spacing"),
    (r"(2, 5)", r"[2,5)", False, "interval_set_tuple", "hand: open vs closed"),
    (r"(-\infty,1)\cup(2,\infty)", r"(-\infty, 1) \cup (2, \infty)", True, "interval_set_tuple", "hand: union, spacing"),
    (r"(2,\infty)\cup(-\infty,1)", r"(-\infty, 1) \cup (2, \infty)", True, "interval_set_tuple", "hand: union is commutative"),
    (r"(-\infty,1]\cup(2,\infty)", r"(-\infty, 1) \cup (2, \infty)", False, "interval_set_tuple", "hand: closed end"),
    (r"\{1,2,3\}", r"\{3,2,1\}", True, "interval_set_tuple", "hand: set order"),
    (r"\{1,2\}", r"\{1,2,3\}", False, "interval_set_tuple", "hand: missing element"),
    ("(1,2)", "(2,1)", False, "interval_set_tuple", "hand: ordered pair"),
    ("(3, -1)", "(3,-1)", True, "interval_set_tuple", "hand: spacing"),
    (r"\left( 3, -1 \right)", "(3,-1)", True, "interval_set_tuple", "hand: left/right"),
    # equations and relations
    ("x=3", "3", True, "equation", "hand: x = 3 states the value 3"),
    ("x = 3", "x=3", True, "equation", "hand: spacing"),
    ("x = 4", "3", False, "equation", "hand: different value"),
    ("y = 2x + 3", "y = 3 + 2x", True, "equation", "hand: commuted"),
    ("y = 2x + 3", "y = 2x - 3", False, "equation", "hand: sign"),
    # multiple choice, words, text
    ("(B)", "B", True, "choice_words_text", "hand: parenthesized letter"),
    (r"\textbf{(B)}", r"\text{(B)}", True, "choice_words_text", "hand: bold letter"),
    ("The answer is (C).", "B", False, "choice_words_text", "hand: different letter"),
    ("seven", "7", True, "choice_words_text", "hand: number word"),
    ("Seventeen", "17", True, "choice_words_text", "hand: capitalized number word"),
    ("seventy", "17", False, "choice_words_text", "hand: 70 is not 17"),
    ("twelve", "12", True, "choice_words_text", "hand: number word"),
    (r"\text{Tuesday}", r"\text{Tuesday}", True, "choice_words_text", "hand: identical"),
    ("Tuesday", r"\text{Thursday}", False, "choice_words_text", "hand: different day"),
    (r"\text{even}", r"\text{odd}", False, "choice_words_text", "hand: different word"),
    # GSM8K
    ("Total: 5 + 7 = 12.\n####12", "12", True, "gsm8k", "hand: #### without space"),
    ("Total: 5 + 7 = 12.\n#### 12", "12", True, "gsm8k", "hand: #### with space"),
    ("Total: 5 + 7 = 12.\n#### 1,200", "1200", True, "gsm8k", "hand: #### with comma"),
    ("Total: 5 + 7 = 12.\n#### 13", "12", False, "gsm8k", "hand: #### differs"),
    ("The cost is $18.\n#### 18", "18", True, "gsm8k", "hand: #### after a dollar sentence"),
    # negated statements
    ("The answer is not 7; it is 8.", "8", True, "negated", "hand: negated first value"),
    ("The answer is not 7; it is 8.", "7", False, "negated", "hand: gold is the negated value"),
    ("It can't be 4, so the answer is 6.", "6", True, "negated", "hand: negated first value"),
    ("It can't be 4, so the answer is 6.", "4", False, "negated", "hand: gold is the negated value"),
    # chains of thought
    ("We have $x + 1 = 5$ so $x = 4$. Then $x^2 = \\boxed{16}$.", "16", True, "chain_of_thought", "hand: last boxed"),
    ("We have $x + 1 = 5$ so $x = 4$. Then $x^2 = \\boxed{16}$.", "4", False, "chain_of_thought", "hand: 4 is an intermediate value"),
    ("First \\boxed{3} was wrong; recomputing gives \\boxed{5}.", "5", True, "chain_of_thought", "hand: last of two boxes"),
    ("First \\boxed{3} was wrong; recomputing gives \\boxed{5}.", "3", False, "chain_of_thought", "hand: first box was retracted"),
    (r"The area is $\boxed{\dfrac{25\sqrt{3}}{4}}$ square units.", r"\frac{25\sqrt3}{4}", True, "chain_of_thought", "hand: boxed radical fraction"),
    (r"The area is $\boxed{\dfrac{25\sqrt{3}}{2}}$ square units.", r"\frac{25\sqrt3}{4}", False, "chain_of_thought", "hand: half of it"),
    # implicit multiplication and algebra
    ("4ab", "4ab", True, "expression", "hand: identical"),
    ("4ba", "4ab", True, "expression", "hand: commuted"),
    ("4 a b", "4ab", True, "expression", "hand: spaces"),
    ("4a+b", "4ab", False, "expression", "hand: sum"),
    (r"2\sqrt{2}x", r"2x\sqrt2", True, "expression", "hand: commuted"),
    (r"\frac{x+1}{2}", r"\frac{x}{2}+\frac{1}{2}", True, "expression", "hand: distributed"),
    ("x^2-1", "(x-1)(x+1)", True, "expression", "hand: difference of squares"),
    ("x^2+1", "(x-1)(x+1)", False, "expression", "hand: sign"),
    ("2^{10}", "1024", True, "expression", "hand: power evaluated"),
    ("2^{10}", "1000", False, "expression", "hand: not a thousand"),
    ("10!", "3628800", True, "expression", "hand: factorial evaluated"),
    (r"\binom{5}{2}", "10", True, "expression", "hand: binomial coefficient"),
    (r"\binom{5}{2}", "20", False, "expression", "hand: binomial coefficient"),
    (r"\log_2 8", "3", True, "expression", "hand: logarithm evaluated"),
    (r"-\frac{1}{2}", "-0.5", True, "expression", "hand: exact decimal"),
    ("2^{-1}", r"\frac12", True, "expression", "hand: negative exponent"),
    (r"\dfrac{1}{2}+\dfrac{1}{3}", r"\frac56", True, "expression", "hand: 1/2 + 1/3 = 5/6"),
    (r"\frac{1}{2}+\frac{1}{3}", r"\frac25", False, "expression", "hand: fractions do not add numerators"),
    ("-(-3)", "3", True, "expression", "hand: double negation"),
    ("0.1 + 0.2", "0.3", True, "expression", "hand: exact decimal arithmetic (no binary float error)"),
    (r"\sqrt{2}\cdot\sqrt{8}", "4", True, "expression", "hand: sqrt 16"),
    (r"\frac{10}{4}", "2.5", True, "fraction", "hand: unreduced fraction vs exact decimal"),
    ("2.50", r"\frac{5}{2}", True, "fraction", "hand: trailing zero"),
    ("1e-3", "0.001", True, "scientific", "hand: negative exponent e-notation"),
    (r"\boxed{0.0010}", "0.001", True, "scientific", "hand: trailing zero"),
    (r"\boxed{0.01}", "0.001", False, "scientific", "hand: factor 10"),
    (r"\boxed{\text{(C)}}", "C", True, "choice_words_text", "hand: boxed text letter"),
    (r"\frac{1}{2}", "-0.5", False, "expression", "hand: sign"),
]


GENERATORS = [gen_integers, gen_fractions, gen_rounded, gen_repeating, gen_radicals, gen_pi, gen_intervals,
              gen_sets, gen_tuples, gen_matrices, gen_units, gen_percent, gen_degrees, gen_money, gen_thousands,
              gen_scientific, gen_base, gen_complex, gen_text, gen_choice, gen_words, gen_equations, gen_chains,
              gen_gsm8k, gen_negated, gen_unicode, gen_implicit, gen_algebra]


def build(seed: int = SEED) -> list[dict]:
    """All rows. Another ``seed`` draws other values in the same forms (a fresh set for held-out checks)."""
    ROWS.clear()
    for i, gen in enumerate(GENERATORS):
        gen(random.Random(seed * 1000 + i))      # one stream per category: adding rows to one moves no other
    for pred, gold, label, cat, note in HAND_ROWS:
        row(pred, gold, label, cat, note)
    # de-duplicate (prediction, gold) pairs, keeping the first; a pair cannot carry two labels
    seen: dict[tuple[str, str], bool] = {}
    out = []
    for r in ROWS:
        key = (r["prediction"], r["gold"])
        if key in seen:
            if seen[key] != r["label"]:
                raise AssertionError(f"conflicting labels for {key}")
            continue
        seen[key] = r["label"]
        out.append(r)
    return out


def render(rows: list[dict]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n" for r in rows)


def main(argv: list[str]) -> int:
    text = render(build())
    if "--check" in argv:
        with open(OUT, encoding="utf-8") as f:
            same = f.read() == text
        print("up to date" if same else f"{OUT} differs from the generator's output")
        return 0 if same else 1
    with open(OUT, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)
    print(f"wrote {len(text.splitlines())} rows to {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
