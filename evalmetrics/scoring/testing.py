"""Small random causal LMs, locally trained tokenizers and synthetic requests, for tests and benchmarks.

Nothing is downloaded: models are built from a config with a fixed seed, tokenizers are trained in memory.
Needs ``transformers`` (and its ``tokenizers``), imported when a builder is called.
"""
from __future__ import annotations

import random
from typing import Any

import torch

__all__ = ["SENTENCES", "bpe_tokenizer", "word_tokenizer", "random_gpt2", "random_requests"]

SENTENCES = (
    "The quick brown fox jumps over the lazy dog.",
    "Paris is the capital of France, and Rome is the capital of Italy.",
    "Question: What is 12 + 30? Answer: 42",
    "She sells sea shells by the sea shore.",
    "In 1969, two astronauts walked on the Moon.",
    "Water boils at 100 degrees Celsius at sea level.",
    "A: The answer is (B).\nB: No, it is (C).",
    "Photosynthesis turns light, water and carbon dioxide into sugar.",
    "def add(a, b):\n    return a + b",
    "Les élèves lisent un livre très intéressant.",
    "The mitochondria is the powerhouse of the cell!",
    "Choices: A) red B) green C) blue D) yellow",
)


def bpe_tokenizer(vocab_size: int = 320, *, add_bos: bool = False, sentences=SENTENCES) -> Any:
    """A byte-level BPE tokenizer (GPT-2 style: a space belongs to the word after it) trained on ``sentences``.

    Special tokens ``<|endoftext|>`` (EOS) and ``<s>``. With ``add_bos=False`` (GPT-2 like) nothing is added
    when encoding and BOS is ``<|endoftext|>``; with ``add_bos=True`` (Llama like) BOS is ``<s>`` and every
    encoding with special tokens starts with it.
    """
    import transformers
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors, trainers

    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=["<|endoftext|>", "<s>"],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tok.train_from_iterator(list(sentences), trainer)
    if add_bos:
        bos = tok.token_to_id("<s>")
        tok.post_processor = processors.TemplateProcessing(
            single="<s> $A", pair="<s> $A <s> $B", special_tokens=[("<s>", bos)]
        )
        return transformers.PreTrainedTokenizerFast(tokenizer_object=tok, bos_token="<s>", eos_token="<|endoftext|>")
    return transformers.PreTrainedTokenizerFast(
        tokenizer_object=tok, bos_token="<|endoftext|>", eos_token="<|endoftext|>"
    )


def word_tokenizer(vocab_size: int) -> Any:
    """A word-level tokenizer whose vocabulary is exactly ``vocab_size`` tokens: ``<unk>``, ``<|endoftext|>``
    (BOS and EOS) and the words ``w0``, ``w1``, ...; text ``"w5 w17"`` encodes to one token per word.
    For benchmarks that need a given vocabulary size."""
    import transformers
    from tokenizers import Tokenizer, models, pre_tokenizers

    vocab = {"<unk>": 0, "<|endoftext|>": 1}
    vocab.update({f"w{i}": i + 2 for i in range(vocab_size - 2)})
    tok = Tokenizer(models.WordLevel(vocab=vocab, unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    return transformers.PreTrainedTokenizerFast(
        tokenizer_object=tok, bos_token="<|endoftext|>", eos_token="<|endoftext|>", unk_token="<unk>"
    )


def random_gpt2(
    vocab_size: int,
    *,
    n_layer: int = 2,
    n_embd: int = 64,
    n_head: int = 4,
    n_positions: int = 128,
    initializer_range: float = 0.02,
    seed: int = 0,
    bos_token_id: int | None = None,
    eos_token_id: int | None = None,
) -> Any:
    """A randomly initialised ``GPT2LMHeadModel`` in eval mode, identical for identical arguments."""
    import transformers

    config = transformers.GPT2Config(
        vocab_size=vocab_size,
        n_layer=n_layer,
        n_embd=n_embd,
        n_head=n_head,
        n_positions=n_positions,
        initializer_range=initializer_range,
        bos_token_id=bos_token_id,
        eos_token_id=eos_token_id,
    )
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        return transformers.GPT2LMHeadModel(config).eval()


def random_requests(n_questions: int, *, seed: int = 0, max_words: int = 40) -> list[tuple[str, str]]:
    """Synthetic string requests that exercise every tokenization rule.

    Per question, one of: a context shared by 2 to 5 choices (with a trailing space on the context, or on
    none, or leading spaces in the choices), an empty context, a long context (to force truncation in small
    windows), a single continuation with uneven lengths. Words come from :data:`SENTENCES`.
    """
    rng = random.Random(seed)
    words = [w for s in SENTENCES for w in s.replace("\n", " \n ").split(" ") if w]

    def text(lo: int, hi: int) -> str:
        out = " ".join(rng.choice(words) for _ in range(rng.randint(lo, hi))).replace(" \n ", "\n")
        return out if out.strip() else "Note" + out  # a whitespace-only text is not a usable context

    requests = []
    for _ in range(n_questions):
        kind = rng.random()
        if kind < 0.55:
            context = text(3, max_words // 2)
            style = rng.choice(("trailing_space", "leading_space", "glued", "newline"))
            if style == "trailing_space":
                context += " "
            elif style == "newline":
                context += "\n"
            for _ in range(rng.randint(2, 5)):
                choice = text(1, 6)
                requests.append((context, " " + choice if style == "leading_space" else choice))
        elif kind < 0.65:
            requests.append(("", text(1, 8)))
        elif kind < 0.75:
            requests.append((text(max_words, 2 * max_words), " " + text(1, 5)))
        else:
            requests.append((text(1, max_words), rng.choice(("", " ", "  ")) + text(1, 10)))
    return requests
