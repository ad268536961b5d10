"""IFEval (instruction following): the metric, its checkers and the loose readings. The harnesses' own functions
are the reference in tests/conformance/test_ifeval.py; these tests pin the rules and the errors."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

import evalmetrics as em
from evalmetrics import _punkt as P
from evalmetrics.metrics import instructions as I
from evalmetrics.metrics.instruction_following import LOOSE_VARIANTS

pytest.importorskip("langdetect")


def doc(*pairs):
    return {"instruction_id_list": [i for i, _ in pairs], "kwargs": [k for _, k in pairs]}


NO_COMMA = ("punctuation:no_comma", {})
QUOTED = ("startend:quotation", {})


@pytest.fixture
def punkt(tmp_path, monkeypatch):
    """A stand-in Punkt English model (no download): sentence ends at . ! ? with 'mr' an abbreviation."""
    nltk = pytest.importorskip("nltk")
    import nltk.tokenize as tok

    d = tmp_path / "tokenizers" / "punkt_tab" / "english"
    d.mkdir(parents=True)
    for name, body in (("collocations.tab", ""), ("sent_starters.txt", ""), ("ortho_context.tab", ""),
                       ("abbrev_types.txt", "mr\n")):
        (d / name).write_text(body, encoding="utf-8")
    monkeypatch.setattr(nltk.data, "path", [str(tmp_path)])
    tok._get_punkt_tokenizer.cache_clear()
    P._tokenizer.cache_clear()
    yield nltk
    tok._get_punkt_tokenizer.cache_clear()
    P._tokenizer.cache_clear()


def test_aliases_share_one_implementation_and_round_trip():
    for value, (level, mode) in {"prompt_level_strict_acc": ("prompt", "strict"),
                                 "inst_level_strict_acc": ("instruction", "strict"),
                                 "prompt_level_loose_acc": ("prompt", "loose"),
                                 "inst_level_loose_acc": ("instruction", "loose")}.items():
        a, b = em.get(f"lm_eval:ifeval/{value}"), em.get(f"lighteval:ifeval/{value}")
        assert a == b == em.InstructionFollowing(level=level, mode=mode)
        assert em.get(a.id) == a


def test_strict_and_loose_readings():
    response = 'Sure, here it is:\n"No commas here"'
    d = doc(NO_COMMA, QUOTED)
    strict = em.InstructionFollowing(level="instruction")
    loose = em.InstructionFollowing(level="instruction", mode="loose")
    assert strict.verdicts(response, d) == [False, False]  # the first line has a comma and is not quoted
    assert loose.verdicts(response, d) == [True, True]  # without the first line, both hold
    assert em.InstructionFollowing(mode="loose").score(response, d) == 1.0
    assert em.InstructionFollowing().score(response, d) == 0.0
    # '*' removed: "**Title**" -> "Title"
    assert loose.verdicts('*"quoted"*', doc(QUOTED)) == [True]
    assert strict.verdicts('*"quoted"*', doc(QUOTED)) == [False]


def test_blank_response_follows_nothing():
    for mode in ("strict", "loose"):
        m = em.InstructionFollowing(level="instruction", mode=mode)
        assert m.verdicts("  \n", doc(NO_COMMA)) == [False]


@given(st.text(alphabet="ab\n *", max_size=12))
def test_loose_readings_are_the_harness_list(response):
    r = response.split("\n")
    first, last, both = ("\n".join(x).strip() for x in (r[1:], r[:-1], r[1:-1]))
    expected = [response, response.replace("*", ""), first, last, both,
                first.replace("*", ""), last.replace("*", ""), both.replace("*", "")]
    got = []
    for steps in LOOSE_VARIANTS:
        t = response
        for s in steps:
            t = s.apply(t)
        got.append(t)
    assert got == expected


def test_instruction_level_is_a_share_of_all_instructions():
    m = em.get("lm_eval:ifeval/inst_level_strict_acc")
    docs = [doc(NO_COMMA), doc(NO_COMMA, QUOTED, ("detectable_format:title", {}))]
    r = m.compute(["a, b", '"<<t>>"'], docs)
    assert list(r.per_sample) == [0.0, 1.0]
    assert r.score == 3 / 4  # not the mean of the samples' shares (0.5)
    assert r.aggregation == "share_of_all_instructions"
    p = em.get("lm_eval:ifeval/prompt_level_strict_acc").compute(["a, b", '"<<t>>"'], docs)
    assert p.score == 0.5 and p.aggregation == "mean" and "langdetect" in p.provenance


def test_checker_rules():
    c = I.build_checker
    assert c("keywords:existence", {"keywords": ["cat", "dog"]}).check("Category: DOGS")  # regex, no boundaries
    assert not c("keywords:forbidden_words", {"forbidden_words": ["cat"]}).check("a CAT!")
    assert c("keywords:forbidden_words", {"forbidden_words": ["cat"]}).check("cats")
    assert c("keywords:frequency", {"keyword": " the ", "frequency": 2, "relation": "at least"}).check("The theme")
    assert c("keywords:letter_frequency", {"letter": "A", "let_frequency": 3, "let_relation": "less than"}).check("aA")
    assert c("length_constraints:number_words", {"num_words": 3, "relation": "at least"}).check("it's a-b")
    assert c("length_constraints:number_paragraphs", {"num_paragraphs": 2}).check("*** a *** b ***")
    assert not c("length_constraints:number_paragraphs", {"num_paragraphs": 2}).check("a *** *** b")
    nth = c("length_constraints:nth_paragraph_first_word", {"num_paragraphs": 2, "nth_paragraph": 2,
                                                            "first_word": "The"})
    assert nth.check('One.\n\n"The, end') and not nth.check("\n\nOne\n\nThe end")
    assert c("detectable_content:number_placeholders", {"num_placeholders": 2}).check("[a] and [b]")
    assert c("detectable_content:postscript", {"postscript_marker": "P.P.S"}).check("x\nP. P. S: y")
    assert c("detectable_format:number_bullet_lists", {"num_bullets": 2}).check("* a\n- b\n**c**")
    assert c("detectable_format:constrained_response", {}).check("  My answer is maybe. ")
    assert c("detectable_format:number_highlighted_sections", {"num_highlights": 2}).check("*a* **b**")
    assert c("detectable_format:multiple_sections", {"section_spliter": "Section", "num_sections": 2}).check(
        "Section 1 a Section 2 b")
    assert c("detectable_format:json_format", {}).check('```json\n{"a": 1}\n```')
    assert not c("detectable_format:json_format", {}).check("{'a': 1}")
    assert c("detectable_format:title", {}).check("<<A title>>") and not c("detectable_format:title", {}).check("<< >>")
    assert c("combination:two_responses", {}).check("one ****** two") and not \
        c("combination:two_responses", {}).check("one ****** one")
    assert c("combination:repeat_prompt", {"prompt_to_repeat": "Say hi."}).check(" say HI. hi")
    assert c("startend:end_checker", {"end_phrase": "Bye."}).check('"... bye."')
    assert c("punctuation:no_comma", {}).check("a，b")  # only ',' counts
    assert c("startend:quotation", {}).check(' "x" ') and not c("startend:quotation", {}).check('"')


def test_sentence_and_capital_word_counts_use_punkt(punkt):
    c = I.build_checker
    assert I.count_sentences("Mr. Smith left. He said hi! Why?") == 3
    assert c("length_constraints:number_sentences", {"num_sentences": 3, "relation": "at least"}).check(
        "Mr. Smith left. He said hi! Why?")
    assert c("change_case:capital_word_frequency", {"capital_frequency": 2, "capital_relation": "at least"}).check(
        "HELLO there, I am HERE")


def test_ifeval_and_sentence_lines_share_one_punkt_loader(punkt):
    """One Punkt English tokenizer serves IFEval's sentence count and the sentence_lines step."""
    from evalmetrics.normalizers import punkt_english

    assert punkt_english is P.punkt_english
    assert I.count_sentences("Mr. Smith left. He said hi!") == 2
    assert em.SentenceLines().apply("Mr. Smith left. He said hi!") == "Mr. Smith left.\nHe said hi!"
    assert P._tokenizer.cache_info().currsize == 1 and P.punkt_english("ifeval") is P.punkt_english("textgen")


def test_missing_punkt_data_says_how_to_get_it(monkeypatch):
    nltk = pytest.importorskip("nltk")
    monkeypatch.setattr(nltk.data, "path", [])
    P._tokenizer.cache_clear()
    try:
        with pytest.raises(em.InvalidConfig, match="punkt_tab"):
            em.InstructionFollowing().score("A. B.", doc(("length_constraints:number_sentences",
                                                          {"num_sentences": 1, "relation": "at least"})))
    finally:
        P._tokenizer.cache_clear()


def test_language_checks_are_seeded_and_repeatable():
    d = doc(("language:response_language", {"language": "en"}))
    m = em.InstructionFollowing(level="instruction")
    text = "The quick brown fox jumps over the lazy dog."
    assert m.verdicts(text, d) == [True]
    assert m.verdicts("El rápido zorro marrón salta sobre el perro perezoso.", d) == [False]
    assert m.verdicts("12345", d) == [True]  # langdetect finds no features: the harnesses count it as followed
    assert [I.detect_language("ok hello", 0) for _ in range(5)] == [I.detect_language("ok hello", 0)] * 5
    # langdetect reads much all-capital English as another language: the check fails (so it does in the harnesses)
    caps = doc(("change_case:english_capital", {}))
    assert m.verdicts("HELLO WORLD, HOW ARE YOU TODAY?", caps) == [False]
    assert m.verdicts("hello world", caps) == [False]  # not all capitals: langdetect is not asked
    assert em.InstructionFollowing(language_seed=1).id.endswith("language_seed=1)")


def test_bad_documents_are_typed_errors_naming_sample_and_field():
    m = em.get("lm_eval:ifeval/prompt_level_strict_acc")
    cases = [
        doc(("length_constraints:number_words", {"num_words": 0, "relation": "at least"})),  # random draw
        doc(("length_constraints:number_words", {"num_words": 3, "relation": "more than"})),
        doc(("language:response_language", {"language": "xx"})),
        doc(("keywords:existence", {"keywords": ["("]})),  # invalid regular expression
        doc(("punctuation:no_comma", {"keywords": ["x"]})),  # an argument the checker does not take
        doc(("no:such_instruction", {})),
        {"instruction_id_list": [], "kwargs": []},
        {"instruction_id_list": ["punctuation:no_comma"], "kwargs": [{}, {}]},
        "punctuation:no_comma",
    ]
    for bad in cases:
        with pytest.raises(em.InvalidInput) as e:
            m.compute(["fine", "fine"], [doc(NO_COMMA), bad])
        assert e.value.index == 1 and e.value.field == "references", bad
    # None-valued keys of other instructions (as the dataset stores them) are ignored
    assert m.score("a b", doc(("punctuation:no_comma", {"num_words": None, "relation": None}))) == 1.0
    # lighteval's spelling of the key
    assert m.score("a b", {"instructions_id_list": ["punctuation:no_comma"], "kwargs": [{}]}) == 1.0


def test_hostile_inputs_are_bounded():
    m = em.InstructionFollowing(level="instruction")
    deep = "[" * 100000 + "]" * 100000
    with pytest.raises(em.Timeout):
        m.verdicts(deep, doc(("detectable_format:json_format", {})))
    r = m.compute([deep], [doc(("detectable_format:json_format", {}))])
    assert r.n_timeouts == 1 and r.score == 0.0
    long_ws = "\n" * 20000 + "x"
    assert m.verdicts(long_ws, doc(("detectable_format:number_bullet_lists", {"num_bullets": 1}))) in ([True], [False])


def test_checkers_table_lists_every_checker():
    table = I.checkers_table()
    assert len(I.CHECKERS) == 25
    for inst, cls in I.CHECKERS.items():
        assert f"`{inst}`" in table and f"`{cls.name}`" in table
