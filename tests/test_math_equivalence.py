"""MathEquivalence: each behavior of issue #5 point 7 as a named test (true and false cases), and the options."""
from __future__ import annotations

import pickle

import pytest

import evalmetrics as em

M = em.MathEquivalence()


def s(pred, ref, m=M):
    return m.score(pred, ref)


# ------------------------------------------------------------------------------ the public API


def test_api_id_registry_and_pickle():
    m = em.MathEquivalence()
    assert em.get("math_equivalence") == m
    assert em.get(m.id) == m and em.get(m.id).id == m.id
    assert pickle.loads(pickle.dumps(m)) == m
    for opt in ("rel_tol=", "abs_tol=", "tuples=", "bare_lists=", "equations=", "percent=", "units=",
                "imaginary=", "deadline_s=", "combine="):
        assert opt in m.id
    other = em.MathEquivalence(rel_tol=1e-3, percent="fraction_too", tuples="unordered")
    assert other.id != m.id and em.get(other.id) == other


def test_invalid_options_are_rejected_with_the_field_named():
    with pytest.raises(em.InvalidConfig, match="rel_tol"):
        em.MathEquivalence(rel_tol=-1.0)
    with pytest.raises(em.InvalidConfig, match="deadline_s"):
        em.MathEquivalence(deadline_s=0)
    with pytest.raises(em.InvalidConfig, match="percent"):
        em.MathEquivalence(percent="maybe")


def test_compute_result_and_input_errors():
    r = M.compute(["\\boxed{1/2}", "\\boxed{3}", "so #### 7"], ["0.5", "4", ["6", "7"]])
    assert isinstance(r, em.Result) and list(r.per_sample) == [1.0, 0.0, 1.0] and r.n_timeouts == 0
    with pytest.raises(em.InvalidInput) as e:
        M.compute(["1", None], ["1", "2"])
    assert e.value.index == 1 and e.value.field == "prediction"


def test_bound_hit_scores_zero_and_is_counted():
    preds = ["\\boxed{2}", "\\boxed{9999999!}", "\\boxed{10^{10^{10}}}", "\\boxed{3}"]
    with pytest.raises(em.Timeout):
        M.score(preds[1], "1")
    r = M.compute(preds, ["2", "1", "1", "3"])
    assert list(r.per_sample) == [1.0, 0.0, 0.0, 1.0]
    assert r.n_timeouts == 2 and list(r.timeout_indices) == [1, 2]


def test_deadline_is_cooperative_and_counted():
    tiny = em.MathEquivalence(deadline_s=1e-9)
    with pytest.raises(em.Timeout, match="deadline_s"):
        tiny.score("\\boxed{x^2}", "x \\cdot x")
    r = tiny.compute(["\\boxed{x^2}", "\\boxed{2x}"], ["x \\cdot x", "x+x"])
    assert list(r.per_sample) == [0.0, 0.0] and r.n_timeouts == 2
    assert M.score("\\boxed{x^2}", "x \\cdot x") == 1.0


def test_multiple_references_combine():
    assert s("\\boxed{2}", ["1", "2"]) == 1.0
    assert em.MathEquivalence(combine="mean").score("\\boxed{2}", ["1", "2"]) == 0.5


# ------------------------------------------------------------------------------ extraction order


def test_extraction_order():
    assert s("first \\boxed{1} then \\boxed{2}", "2") == 1.0
    assert s("first \\boxed{1} then \\boxed{2}", "1") == 0.0
    assert s("We get $x=4$. The final answer is 5.", "5") == 1.0
    assert s("We get $x = 4$ and then $y = 6$", "6") == 1.0
    assert s("so 3 apples and 12 pears", "12") == 1.0
    assert s("\\tfrac{2}{5}", "\\frac25") == 1.0  # a bare answer is read whole, not by its last digit
    assert s("there is no number here", "1") == 0.0


def test_minerva_style_and_dollar_answers():
    assert s("Final Answer: The final answer is $\\frac{1}{2}$. I hope it is correct.", "0.5") == 1.0
    assert s("The final answer is 5. I hope it is correct.", "5") == 1.0
    assert s("The answer is $5$ apples.", "5") == 1.0
    assert s("The answer is $\\$8,922.99$.", "\\$8922.99") == 1.0
    assert s("The answer is $5$ apples.", "6") == 0.0


def test_unknown_units_compare_when_both_sides_have_one():
    assert s("\\boxed{5\\text{ apples}}", "5") == 1.0
    assert s("\\boxed{5 apples}", "5\\text{ apple}") == 1.0
    assert s("\\boxed{5 apples}", "5\\text{ pears}") == 0.0


def test_set_membership_reads_like_an_equation():
    assert s("\\boxed{x \\in [1, 2]}", "[1,2]") == 1.0
    assert s("\\boxed{x \\in [1, 2]}", "[1,2)") == 0.0


def test_gold_is_boxed_aware():
    assert s("\\boxed{\\frac{1}{2}}", "The solution gives \\boxed{0.5}") == 1.0
    assert s("42", "Natalia sold 48/2 = 24 clips ... #### 42") == 1.0


# ------------------------------------------------------------------------------ issue #5 point 7, by name


def test_repeating_decimal_notations():
    for pred in ("0.\\overline{3}", "0.(3)", "0.333\\ldots", "0.333..."):
        assert s(f"\\boxed{{{pred}}}", "\\frac{1}{3}") == 1.0, pred
    assert s("\\boxed{0.1\\overline{6}}", "\\frac16") == 1.0
    assert s("\\boxed{0.\\overline{3}}", "\\frac{1}{4}") == 0.0


def test_rounded_decimal_is_not_the_exact_fraction_unless_asked():
    assert s("\\boxed{0.333}", "\\frac{1}{3}") == 0.0
    assert s("\\boxed{3.14}", "\\pi") == 0.0
    assert s("\\boxed{1.414}", "\\sqrt{2}") == 0.0
    assert em.MathEquivalence(rel_tol=1e-2).score("\\boxed{0.333}", "\\frac{1}{3}") == 1.0
    assert em.MathEquivalence(abs_tol=0.01).score("\\boxed{3.14}", "\\pi") == 1.0
    assert em.MathEquivalence(abs_tol=0.01).score("\\boxed{3.2}", "\\pi") == 0.0
    assert s("\\boxed{0.5}", "\\frac{1}{2}") == 1.0  # decimals are exact rationals
    assert s("\\boxed{10^{9999} + 1}", "10^{9999}") == 0.0  # exact: no relative tolerance by default
    assert em.MathEquivalence(rel_tol=1e-20).score("\\boxed{10^{9999} + 1}", "10^{9999}") == 1.0


def test_thousands_separators():
    for pred in ("1{,}000", "1\\,000", "1\u2009000", "1,000", "1\\ 000"):
        assert s(f"\\boxed{{{pred}}}", "1000") == 1.0, pred
    assert s("\\boxed{1{,}000}", "100") == 0.0
    assert s("\\boxed{1,2}", "12") == 0.0  # not a thousands group: a list


def test_units_are_kept_and_compared():
    assert s("\\boxed{5\\text{ m}}", "5\\text{ cm}") == 0.0
    assert s("\\boxed{5\\text{ cm}}", "5 centimeters") == 1.0
    assert s("\\boxed{5\\text{ cm}}", "5") == 1.0  # the reference has no unit: stripped
    assert s("\\boxed{30^\\circ}", "30\\%") == 0.0  # degrees are not percent
    assert s("\\boxed{30^\\circ}", "30") == 1.0
    assert em.MathEquivalence(units="ignore").score("\\boxed{5\\text{ m}}", "5\\text{ cm}") == 1.0


def test_percent_convention():
    assert s("\\boxed{50\\%}", "50") == 1.0
    assert s("\\boxed{50\\%}", "0.5") == 0.0
    assert s("\\boxed{50\\%}", "50%") == 1.0
    ft = em.MathEquivalence(percent="fraction_too")
    assert ft.score("\\boxed{50\\%}", "0.5") == 1.0 and ft.score("\\boxed{50\\%}", "50") == 1.0
    assert ft.score("\\boxed{50\\%}", "0.5\\%") == 0.0
    fr = em.MathEquivalence(percent="fraction")
    assert fr.score("\\boxed{50\\%}", "0.5") == 1.0 and fr.score("\\boxed{50\\%}", "50") == 0.0


def test_dollar_sign():
    assert s("\\boxed{\\$5}", "5") == 1.0
    assert s("It costs \\$5.", "5") == 1.0
    assert s("\\boxed{\\$5}", "6") == 0.0


def test_imaginary_unit():
    assert s("\\boxed{2i}", "2\\sqrt{-1}") == 1.0
    assert s("\\boxed{i^2}", "-1") == 1.0
    assert s("\\boxed{3+4i}", "4i+3") == 1.0
    assert s("\\boxed{3+4i}", "3-4i") == 0.0
    assert em.MathEquivalence(imaginary=False).score("\\boxed{i^2}", "-1") == 0.0


def test_base_subscripts():
    assert s("\\boxed{1011_2}", "11") == 1.0
    assert s("\\boxed{1011_{2}}", "11") == 1.0
    assert s("\\boxed{1011_2}", "1011") == 0.0


def test_unordered_lists_of_text_answers():
    assert s("\\boxed{\\text{red, blue}}", "\\text{blue, red}") == 1.0
    assert s("\\boxed{\\text{red, blue}}", "\\text{red, green}") == 0.0
    assert em.MathEquivalence(bare_lists="ordered").score("\\boxed{\\text{red, blue}}", "blue, red") == 0.0
    assert s("\\boxed{1, 2, 3}", "3, 2, 1") == 1.0


def test_negated_statements():
    assert s("The answer is not 7; it is 8", "8") == 1.0
    assert s("The answer is not 7; it is 8", "7") == 0.0


def test_gsm8k_marks_without_space():
    assert s("so she has 42 left\n####42", "42") == 1.0
    assert s("#### 1,072", "1072") == 1.0
    assert s("####42", "43") == 0.0


def test_number_words():
    assert s("\\boxed{seven}", "7") == 1.0
    assert s("\\boxed{\\text{twelve}}", "12") == 1.0
    assert s("\\boxed{twenty-one}", "21") == 1.0
    assert s("\\boxed{seven}", "8") == 0.0


def test_scientific_notation():
    assert s("\\boxed{3.2e4}", "32000") == 1.0
    assert s("\\boxed{3.2 \\times 10^4}", "32000") == 1.0
    assert s("\\boxed{3.2e4}", "3200") == 0.0


def test_unicode_minus_pi_infinity_sqrt():
    assert s("\\boxed{\u22123}", "-3") == 1.0
    assert s("\\boxed{\u22123}", "3") == 0.0
    assert s("\\boxed{2\u03c0}", "2\\pi") == 1.0
    assert s("\\boxed{\u221e}", "\\infty") == 1.0
    assert s("\\boxed{-\u221e}", "\\infty") == 0.0
    assert s("\\boxed{infinity}", "\\infty") == 1.0
    assert s("\\boxed{\u221a2}", "\\sqrt{2}") == 1.0
    assert s("\\boxed{\u221a3}", "\\sqrt{2}") == 0.0


def test_implicit_multiplication():
    assert s("\\boxed{4ab}", "4 \\cdot a \\cdot b") == 1.0
    assert s("\\boxed{4ab}", "4ba") == 1.0
    assert s("\\boxed{4ab}", "4a+b") == 0.0
    assert s("\\boxed{2\\pi r}", "2 r \\pi") == 1.0


# ------------------------------------------------------------------------------ comparison options


def test_sets_and_tuples():
    assert s("\\boxed{\\{1,2\\}}", "\\{2,1\\}") == 1.0
    assert s("\\boxed{(1,2)}", "(2,1)") == 0.0
    assert s("\\boxed{(1,2)}", "(1,2)") == 1.0
    assert em.MathEquivalence(tuples="unordered").score("\\boxed{(1,2)}", "(2,1)") == 1.0
    assert s("\\boxed{\\{1,2\\}}", "\\{1,3\\}") == 0.0


def test_intervals_ends_matter():
    assert s("\\boxed{(1,2]}", "(1, 2]") == 1.0
    assert s("\\boxed{(1,2]}", "[1,2]") == 0.0
    assert s("\\boxed{(1,2]}", "(1,2)") == 0.0
    assert s("\\boxed{(-\\infty, 3) \\cup (4, \\infty)}", "(4,\\infty)\\cup(-\\infty,3)") == 1.0
    assert s("\\boxed{[\\frac12, 1)}", "[0.5, 1)") == 1.0


def test_equations():
    assert s("\\boxed{x=3}", "3") == 1.0
    assert s("\\boxed{3}", "x = 3") == 1.0
    assert s("\\boxed{y = 2x+3}", "y - 2x = 3") == 1.0
    assert s("\\boxed{x=4}", "3") == 0.0
    assert em.MathEquivalence(equations="exact").score("\\boxed{x=3}", "3") == 0.0
    assert em.MathEquivalence(equations="exact").score("\\boxed{x=3}", "3 = x") == 1.0


def test_plus_minus_is_a_set_of_two():
    assert s("\\boxed{3 \\pm \\sqrt{2}}", "3+\\sqrt2, 3-\\sqrt2") == 1.0
    assert s("\\boxed{3 \\pm \\sqrt{2}}", "3+\\sqrt2") == 0.0


def test_matrices_elementwise():
    a = "\\begin{pmatrix} 1 & \\frac{2}{4} \\\\ 3 & 4 \\end{pmatrix}"
    assert s(f"\\boxed{{{a}}}", "\\begin{bmatrix} 1 & 0.5 \\\\ 3 & 4 \\end{bmatrix}") == 1.0
    assert s(f"\\boxed{{{a}}}", "\\begin{pmatrix} 1 & 0.5 \\\\ 4 & 3 \\end{pmatrix}") == 0.0
    assert s("\\boxed{\\begin{pmatrix} 5 \\\\ 0 \\end{pmatrix}}", "\\begin{pmatrix} 4 \\\\ 0 \\end{pmatrix}") == 0.0


def test_multiple_choice_letters():
    for pred in ("(B)", "B", "\\text{(B)}", "\\textbf{(B)}"):
        assert s(f"\\boxed{{{pred}}}", "B") == 1.0, pred
    assert s("\\boxed{(B)}", "(C)") == 0.0


def test_text_answers():
    assert s("\\boxed{\\text{Monday}}", "monday") == 1.0
    assert s("\\boxed{\\text{ Monday }}", "\\text{MONDAY}") == 1.0
    assert s("\\boxed{\\text{Monday}}", "Tuesday") == 0.0


def test_symbolic_identities():
    assert s("\\boxed{x^2+2x+1}", "(x+1)^2") == 1.0
    assert s("\\boxed{x^2+2x+1}", "(x+1)^3") == 0.0
    assert s("\\boxed{\\frac{\\sqrt{2}}{2}}", "\\frac{1}{\\sqrt{2}}") == 1.0
    assert s("\\boxed{\\sin^2 x + \\cos^2 x}", "1") == 1.0
    assert s("\\boxed{|x|}", "x") == 0.0  # differs at negative points
    assert s("\\boxed{\\frac{x+1}{x^2-1}}", "\\frac{1}{x-1}") == 1.0


# ------------------------------------------------------------------------------ answer forms from math-verify's tables


def test_several_final_boxes_read_together():
    assert s("\\boxed{(2, 2)} \\quad \\text{and} \\quad \\boxed{(6, 2)}", "(2, 2), (6, 2)") == 1.0
    assert s("\\boxed{1},\\boxed{2},\\boxed{3}", "\\{1,2,3\\}") == 1.0
    assert s("First \\boxed{3} was wrong; recomputing gives \\boxed{5}.", "5") == 1.0  # a sentence between them
    assert s("\\boxed{1}.\n\nLater: \\boxed{2}", "2") == 1.0  # a blank line between them
    assert s("\\boxed{1} no no no no no \\boxed{2}", "1, 2") == 0.0


def test_a_final_statement_after_a_box_wins():
    text = "Step: $0.05 \\cdot 10,200 = \\boxed{510}$. Final Answer: The final answer is $10,455$. I hope it is correct."
    assert s(text, "10455") == 1.0
    assert s(text, "510") == 0.0


def test_relations():
    assert s("We find that $x \\lt 3$.", "x < 3") == 1.0
    assert s("$x \\neq 5$", "x != 5") == 1.0
    assert s("$-x > -1$", "x < 1") == 1.0  # the same inequality, multiplied by -1
    assert s("$-x > -1$", "x > 1") == 0.0
    assert s("$x = 5+5+1 = 7 = 11$", "x = 11") == 1.0  # a chain reads as its first and last members
    assert s("$x \\approx 11$", "11") == 1.0
    assert s("$x=1/3\\approx 0.33$", "\\frac13") == 1.0  # the exact value before the approximation
    assert s("$-793 < a < 10$", "(-793, 10)") == 1.0  # a double inequality on a name is an interval
    assert s("$x \\in [-2,7]$", "-2 \\le x \\le 7") == 1.0
    assert s("$x \\in [-2,7]$", "-2 < x \\le 7") == 0.0


def test_equations_up_to_a_constant_factor():
    assert s("$y=-\\frac{1}{2}x+\\frac{3}{4}$", "2x+4y-3=0") == 1.0
    assert s("$x^2/16 + y^2/12 = 1/4$", "x^2/4 + y^2/3 = 1") == 1.0
    assert s("$x^2/16 + y^2/12 = 1$", "x^2/4 + y^2/3 = 1") == 0.0


def test_named_left_sides():
    assert s("$\\boxed{(3, 2)}$", "(p,q)=(3,2)") == 1.0
    assert s("$\\boxed{7:32}$", "S_{MBCN}:S=7:32") == 1.0  # a ratio is a quotient
    assert s("$1$", "f(x)=1") == 1.0
    assert s("$11a+c$", "7 = 11a+c") == 0.0  # a number on the left names nothing
    assert em.MathEquivalence(equations="exact").score("$1$", "f(x)=1") == 0.0


def test_decimal_comma_and_separators():
    assert s("1,22", "1.22") == 1.0
    assert s("0,111", "0.111") == 1.0
    assert s("\\boxed{1,2}", "1.2") == 0.0  # one digit after the comma: a list
    assert s("is $\\boxed{11,\\! 111,\\! 111,\\! 100}$", "11111111100") == 1.0
    assert s("\\boxed{(12,102)}", "(12, 102)") == 1.0  # a pair, not twelve thousand
    assert s("AZYUK2A", "2") == 0.0  # a digit inside a word is not a number


def test_sets_lists_and_plain_braces():
    assert s("${1,3}$", "(1,3)") == 1.0  # plain braces group: the list 1, 3 against the pair
    assert s("${1,3}$", "(3,1)") == 0.0
    assert s("$\\boxed{\\{1,3\\}}$", "(1,3)") == 0.0  # a set is not an ordered pair
    dup = "\\boxed{(3, 37), (3, 17), (3,17)}"
    assert s(dup, "(3,17),(3,37)") == 1.0  # answers listed twice count once
    assert s("\\boxed{(11,7)or(7,11)}", "(7,11),\\ (11,7)") == 1.0


def test_matrix_arithmetic():
    assert s("$\\begin{pmatrix}1 & 2 \\\\ 3 & 4\\end{pmatrix} + \\begin{pmatrix}5 & 6 \\\\ 7 & 8\\end{pmatrix}$",
             "\\begin{pmatrix}6 & 8 \\\\ 10 & 12\\end{pmatrix}") == 1.0
    assert s("$\\begin{pmatrix}1 & 2 \\\\ 3 & 4\\end{pmatrix} + \\begin{pmatrix}5 & 6 \\\\ 7 & 8\\end{pmatrix}$",
             "\\begin{pmatrix}6 & 8 \\\\ 10 & 13\\end{pmatrix}") == 0.0


def test_undefined_values_equal_only_the_same_expression():
    """Issue 14: 1/0 vs 1/0 scored 1 while docs/math.md said an undefined value equals nothing (and \\frac{1}{0}
    vs 1/0 scored 0). Decided (docs/math.md "Verdicts decided with evidence"): an undefined value equals only the
    same expression, however it is spelled, as every harness and math-verify say; never another undefined value."""
    assert s("1/0", "1/0") == 1.0
    assert s("\\boxed{\\frac{1}{0}}", "1/0") == 1.0  # scored 0 before: the same expression, spelled otherwise
    assert s("$\\dfrac{1}{0}$", "\\frac10") == 1.0
    assert s("0/0", "\\frac{0}{0}") == 1.0
    assert s("$12:00$", "1:00") == 0.0
    assert s("\\boxed{\\frac{1}{0}}", "\\frac{2}{0}") == 0.0  # another undefined value
    assert s("1/0", "0/0") == 0.0
    assert s("1/0", "\\infty") == 0.0 and s("\\infty", "1/0") == 0.0
    assert s("1/0", "1") == 0.0 and s("1/0", "0") == 0.0
    assert s("\\frac{1}{0} + 1", "\\frac{1}{0}") == 0.0


def test_doubly_escaped_latex():
    assert s("coordinates are $\\\\boxed{\\\\left( 3, \\\\frac{\\\\pi}{2} \\\\right)}.$", "(3, \\frac{\\pi}{2})") == 1.0


def test_english_words_are_not_products():
    assert s("The sum is $\\begin{pmatrix}1 \\\\ 2\\end{pmatrix}$", "\\begin{pmatrix}1 \\\\ 2\\end{pmatrix}") == 1.0
    assert s("\\boxed{3by}", "3yb") == 1.0


def test_braced_thousands_separator_with_spaces():
    for pred in ("14 {, }916", "14{, }916", "14 {,}916"):
        assert s(f"The final answer is ${pred}$. I hope it is correct.", "\\boxed{14{,}916}") == 1.0, pred
    assert s("$14 {, }916$", "14916") == 1.0
    assert s("$14 {, }916$", "1491") == 0.0
    assert s("$1 {, }91$", "191") == 0.0  # not a group of three digits: not a thousands separator


def test_equality_chain_with_an_unknown_command_reads_as_its_last_member():
    assert s("$0$", "$1 = \\zzz = x = 0$") == 1.0
    assert s("$1$", "$1 = \\zzz = x = 0$") == 0.0
    assert s("$5$", "$\\zzz = y = 5$") == 1.0
    assert s("$5$", "$1 = \\zzz = \\yyy$") == 0.0  # the last member does not parse: no answer to compare
    assert s("$5$", "$a = zzzzz = 5$") == 0.0  # a member that fails without a command: not a chain we read


def test_absolute_value_band_is_two_mirrored_intervals():
    gold = "$1\\leq|z|\\leq \\frac32$"
    assert s("$z \\in \\left[-\\frac{3}{2}, -1\\right] \\cup \\left[1, \\frac{3}{2}\\right]$", gold) == 1.0
    assert s("$z \\in [1, \\frac{3}{2}] \\cup [-\\frac{3}{2}, -1]$", gold) == 1.0  # the parts in either order
    assert s("$z \\in [1, \\frac{3}{2}]$", gold) == 0.0
    assert s("$z \\in (-\\frac{3}{2}, -1] \\cup [1, \\frac{3}{2})$", gold) == 0.0  # closures matter
    assert s("$z \\in (-2, -1) \\cup (1, 2)$", "$1 < |z| < 2$") == 1.0
    assert s("$z \\in [-2, 2]$", "$1 \\le |z| \\le 2$") == 0.0


def test_membership_binds_looser_than_union():
    assert s("$x \\in [0, 1] \\cup [2, 3]$", "[0,1] \\cup [2,3]") == 1.0
    assert s("$x \\in [0, 1] \\cup [2, 3]$", "[0,1] \\cup [2,4]") == 0.0


def test_cycled_named_equations_read_as_tuples():
    gold = "$p=5,q=2;p=7,q=2$"
    assert s("$(5,2),(7,2)$", gold) == 1.0
    assert s("$(7,2),(5,2)$", gold) == 1.0  # the solutions in any order
    assert s("$(2,5),(2,7)$", gold) == 0.0  # each solution keeps the order of its names
    assert s("$(5,2)$", gold) == 0.0
    assert s("$(5,2),(7,2)$", "$p=5,q=2;q=7,p=2$") == 0.0  # the names do not repeat in one cycle: not grouped


def test_sums_and_products_compare_unevaluated():
    gold = "$F_n = \\sum_{k=0}^{n-1} F_k F_{n-k-1}$"
    assert s("$F_n = \\sum_{k=0}^{n-1} F_{n-k-1} F_k$", gold) == 1.0  # the factors in the other order
    assert s("$F_n = \\sum_{k=0}^{n} F_{n-k-1} F_k$", gold) == 0.0  # another upper bound
    assert s("$F_n = \\sum_{k=1}^{n-1} F_{n-k-1} F_k$", gold) == 0.0  # another lower bound
    assert s("$\\prod_{k=1}^{n} (k+1)$", "$\\prod_{k=1}^{n} (1+k)$") == 1.0
    assert s("$\\prod_{k=1}^{n} (k+1)$", "$\\sum_{k=1}^{n} (k+1)$") == 0.0
    assert s("$\\sum_{k=1}^{10^{9}} k$", "$5$") == 0.0  # never evaluated: no long summation
    assert s("$a_{n-1}+1$", "$1+a_{n-1}$") == 1.0  # a subscript that is an expression: a term of a sequence
    assert s("$a_{n-1}$", "$a_{n+1}$") == 0.0


# ----------------------------------------------------------------- issue 14: verdicts decided with evidence


def test_infinity_spelled_oo_is_infinity():
    """Issue 14: `\\infty` vs `oo` scored 0 (`oo` read as the product o*o). `oo` is sympy's spelling of infinity."""
    assert s("oo", "\\infty") == 1.0
    assert s("\\boxed{\\infty}", "oo") == 1.0
    assert s("$-oo$", "-\\infty") == 1.0
    assert s("The answer is (-oo, 2).", "(-\\infty, 2)") == 1.0
    assert s("(-oo, oo)", "(-\\infty, \\infty)") == 1.0
    assert s("oo", "-\\infty") == 0.0
    assert s("-oo", "\\infty") == 0.0
    assert s("oo", "o^2") == 0.0
    assert s("(-oo, 2)", "(-\\infty, 3)") == 0.0


def test_mixed_numbers_read_as_whole_plus_fraction():
    """Issue 14: `3 1/2` vs `7/2` scored 0 (read 3*(1/2)); `1\\frac{1}{2}` vs `\\frac12` scored 1. A whole number
    followed by a proper fraction of whole numbers is a mixed number (MATH writes `1\\frac{4}{5}`)."""
    assert s("3 1/2", "7/2") == 1.0
    assert s("3 1/2", "3/2") == 0.0
    assert s("The answer is 3 1/2.", "\\frac72") == 1.0
    assert s("\\boxed{1\\frac{1}{2}}", "3/2") == 1.0
    assert s("\\boxed{1\\frac{1}{2}}", "\\frac{1}{2}") == 0.0
    assert s("$1 \\frac{1}{2}$", "1.5") == 1.0
    assert s("\\boxed{2\\frac34}", "2.75") == 1.0
    assert s("\\boxed{137\\frac{1}{2}}", "\\frac{275}{2}") == 1.0
    assert s("\\boxed{-1\\frac{1}{2}}", "-\\frac32") == 1.0
    assert s("5 - 1 1/2", "3.5") == 1.0
    assert s("(1 1/2, 2)", "(\\frac32, 2)") == 1.0
    assert s("x = 3 1/2", "3.5") == 1.0
    assert s("1\\frac{1}{2} \\cdot 2", "3") == 1.0  # an explicit product after the mixed number
    # not a mixed number: an improper fraction, a non-integer part, a factor right after, an exponent before
    assert s("3 5/2", "\\frac{15}{2}") == 1.0
    assert s("2\\frac{3}{2}", "3") == 1.0
    assert s("2\\frac{1}{3}\\pi", "\\frac{2\\pi}{3}") == 1.0
    assert s("2^3 1/2", "4") == 1.0
    assert s("\\frac{1}{2}3", "\\frac32") == 1.0


def test_long_decimal_matches_the_value_it_rounds():
    """Issue 14: `0.0833333333333333` vs `\\frac{1}{12}` scored 0 (math-verify's own tests count it equal). A decimal
    with at least 15 significant digits equals a value that rounds to it at its own number of places (or whose
    nearest double Python prints as it); shorter decimals stay approximations."""
    from evalmetrics.mathparse.compare import LONG_DECIMAL_DIGITS

    assert LONG_DECIMAL_DIGITS == 15
    assert s("0.0833333333333333", "\\frac{1}{12}") == 1.0  # 15 significant digits, correctly rounded
    assert s("\\frac{1}{12}", "0.0833333333333333") == 1.0  # either side
    assert s("0.083333333333333", "\\frac{1}{12}") == 0.0  # 14 significant digits: an approximation
    assert s("0.0833333333333334", "\\frac{1}{12}") == 0.0  # wrong last digit
    assert s("0.08333333333333333", "\\frac{1}{12}") == 1.0  # repr(1/12)
    assert s("8.33333333333333e-2", "\\frac{1}{12}") == 1.0
    assert s("-0.0833333333333333", "-\\frac{1}{12}") == 1.0
    assert s("-0.0833333333333333", "\\frac{1}{12}") == 0.0
    # short decimals stay distinct from the exact value (0.33, 0.333333, a 10-digit calculator display)
    for short in ("0.33", "0.3333", "0.333333", "0.3333333333", "0.33333333333333"):
        assert s(short, "\\frac13") == 0.0, short
    assert s("0.333333333333333", "\\frac13") == 1.0
    assert s("0.666666666666667", "\\frac23") == 1.0  # rounded
    assert s("0.6666666666666666", "\\frac23") == 1.0  # Python's repr(2/3): the nearest double, printed
    assert s("0.666666666666666", "\\frac23") == 0.0  # truncated at 15 digits: neither rounded nor a float print
    assert s("1.9999999999999999", "2") == 0.0  # reads as the double 2.0, but no float print writes it
    assert s("0.30000000000000004", "0.3") == 0.0  # binary float error is not rounding
    # irrational values
    assert s("4.123105625617661", "\\sqrt{17}") == 1.0
    assert s("\\sqrt{17}", "4.123105625617661") == 1.0
    assert s("4.123105625617662", "\\sqrt{17}") == 0.0
    assert s("3.14159265358979", "\\pi") == 1.0
    assert s("3.14159265358980", "\\pi") == 0.0
    assert s("2.71828182845905", "e") == 1.0
    assert s("1.41421356237310e-50", "\\sqrt{2} \\cdot 10^{-50}") == 1.0
    assert s("0.707106781186548", "\\frac{\\sqrt{2}}{2} i") == 0.0  # not a real value
    # inside collections and equations; only a whole literal (not a decimal inside an expression)
    assert s("(0.333333333333333, 2)", "(\\frac13, 2)") == 1.0
    assert s("x = 0.0833333333333333", "\\frac{1}{12}") == 1.0
    assert s("0.0833333333333333\\pi", "\\frac{\\pi}{12}") == 0.0
    assert s("0.5 + 0.333333333333333", "\\frac56") == 0.0


def test_long_decimal_rule_is_bounded():
    import time

    lit = "3." + "1" * 999  # 1,000 significant digits (the literal bound) against an irrational value
    t0 = time.process_time()
    assert s(lit, "\\pi") == 0.0
    assert s("1." + "4" * 998 + "e-9000", "\\sqrt{2}") == 0.0  # past the evaluation cap: the rule does not apply
    assert time.process_time() - t0 < 2.0


def test_docs_math_examples_match_their_comments():
    """The `m.score(...)  # value` lines of docs/math.md's first example run and give the values their comments say."""
    import ast
    import os
    import re

    path = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "docs", "math.md")
    block = re.search(r"```python\n(.*?)```", open(path, encoding="utf-8").read(), re.S).group(1)
    lines = re.findall(r"^m\.score\((.*)\)\s+# (\d\.\d)", block, re.M)
    assert len(lines) >= 7, lines
    for args, want in lines:
        pred, ref = ast.literal_eval(f"({args})")
        assert s(pred, ref) == float(want), (pred, ref, want)


def test_revision_bump_keeps_saved_ids_honest():
    """MathEquivalence's verdicts changed (oo, mixed numbers, long decimals, undefined values): its ID carries @2, a
    saved revision-1 ID is refused rather than silently upgraded, and the bare catalog name gives the current one."""
    m = em.MathEquivalence()
    assert m.id.startswith("math_equivalence@2(")
    assert em.get("math_equivalence") == m
    with pytest.raises(em.ParseError, match="revision 1 is not implemented"):
        em.get(m.id.replace("math_equivalence@2(", "math_equivalence(", 1))
