"""Review text as character ids: chapter 6's one tokenisation, shared by every model in it.

    from rnncourse import chars, imdb
    corpus = chars.corpus(imdb.load_splits())     # fit / validation / test reviews as ids
    ids = chars.encode("A fine film.")             # (length,) int32, no end marker
    chars.decode(ids) == "A fine film."

The alphabet is fixed, not learned: newline and the 95 printable ASCII characters, plus
three symbols of our own. ``PAD`` (id 0) only fills batches and is never predicted; ``END``
(id 1) closes every review, so a model learns where reviews stop; ``UNKNOWN`` (id 2) stands
for any other character (accented letters, curly quotes: about 0.1 % of IMDB's text).
A model predicts one of ``NUM_SYMBOLS`` symbols (everything but ``PAD``): its perplexity
lies between 1 (certain and right) and ``NUM_SYMBOLS`` (uniform guessing).

The HTML line breaks that IMDB keeps (``<br />``) become newlines before encoding.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from rnncourse import _checks

PAD, END, UNKNOWN = 0, 1, 2  # ids of the three special symbols
PRINTABLE = "\n" + "".join(chr(code) for code in range(32, 127))  # newline + ASCII 32..126
ALPHABET = ("<pad>", "<end>", "<unk>") + tuple(PRINTABLE)  # id -> symbol
VOCAB_SIZE = len(ALPHABET)  # 99 ids, the size of a model's input and output
NUM_SYMBOLS = VOCAB_SIZE - 1  # 98 symbols a model predicts (all but PAD)
SHOWN = {PAD: "", END: "\n\n", UNKNOWN: "\N{REPLACEMENT CHARACTER}"}  # how decode shows them

FIT_REVIEWS = 3_000  # fit reviews in the default corpus (about 4 million characters)
VAL_REVIEWS = 300  # validation reviews (held-out movies), about 0.4 million characters
TEST_REVIEWS = 1_000  # test reviews, scored once per final model

_LOOKUP = np.full(128, UNKNOWN, dtype=np.int32)  # ASCII code -> id
_LOOKUP[[ord(c) for c in PRINTABLE]] = np.arange(3, VOCAB_SIZE, dtype=np.int32)
_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)


def clean(text: str) -> str:
    """``text`` with IMDB's HTML line breaks (``<br />``) as newlines."""
    _checks.instance("text", text, str, "a str")
    return _BREAK.sub("\n", text)


def encode(text: str) -> np.ndarray:
    """The ids of ``clean(text)``'s characters, ``(length,)`` int32 (no ``END``)."""
    codes = np.frombuffer(clean(text).encode("utf-32-le"), dtype=np.uint32)  # (length,)
    ids = np.full(codes.shape, UNKNOWN, dtype=np.int32)  # (length,)
    ascii_ = codes < 128
    ids[ascii_] = _LOOKUP[codes[ascii_]]
    return ids


def decode(ids) -> str:
    """The text of ``ids`` (any int sequence): ``PAD`` dropped, ``END`` shown as a blank
    line, ``UNKNOWN`` as the replacement character."""
    ids = _checks.array("ids", ids, axes=("time",), kind="int")
    ids = _checks.within("ids", ids, 0, VOCAB_SIZE - 1)
    return "".join(SHOWN.get(int(i), ALPHABET[int(i)]) for i in ids)


def stream(reviews) -> np.ndarray:
    """Encoded reviews (a list of id arrays, as ``corpus`` gives) joined into one stream,
    each followed by ``END``: ``(total length + number of reviews,)`` int32."""
    reviews = _checks.items("reviews", reviews, np.ndarray, "an array of ids (chars.encode)")
    pieces = [np.append(review, END).astype(np.int32) for review in reviews]
    return np.concatenate(pieces) if pieces else np.zeros(0, dtype=np.int32)


@dataclass
class Corpus:
    """Encoded reviews (each a ``(length,)`` int32 array, without ``END``) and their labels
    (1 = positive): ``fit`` to train on, ``val`` (held-out movies) to choose and compare
    on, ``test`` to score final models once."""
    fit: list
    fit_labels: np.ndarray
    val: list
    val_labels: np.ndarray
    test: list
    test_labels: np.ndarray


def corpus(splits, num_fit: int = FIT_REVIEWS, num_val: int = VAL_REVIEWS,
           num_test: int = TEST_REVIEWS, seed: int = 0) -> Corpus:
    """A random sample (seeded) of each split of ``splits`` (``imdb.load_splits()``), encoded.

    The validation reviews come from movies held out of the fit reviews (chapter 4's
    protocol), so held-out text means text about films the model has not read about. The
    fit sample is drawn first, so it is the same whatever ``num_val`` and ``num_test`` are
    (``num_test=0`` for a notebook that must not read the test reviews).
    """
    rng = np.random.default_rng(_checks.integer("seed", seed, minimum=0))
    parts = []
    for name, texts, labels, count in (("num_fit", splits.fit_texts, splits.fit_labels, num_fit),
                                       ("num_val", splits.val_texts, splits.val_labels, num_val),
                                       ("num_test", splits.test_texts, splits.test_labels,
                                        num_test)):
        count = _checks.integer(name, count, minimum=0, maximum=len(texts))
        chosen = np.sort(rng.choice(len(texts), size=count, replace=False))
        parts += [[encode(texts[i]) for i in chosen], np.asarray(labels)[chosen]]
    return Corpus(*parts)
