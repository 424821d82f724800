"""Bad input to the IMDB helpers (text, sentiment, attention, heatmap), the records, the
progress callback and hub-link: every wrong call fails clearly, naming the argument.

Each case is one wrong call (tests/bad_input.py classifies it); the hypothesis tests below
throw random negative or huge token ids and random ragged reviews at the text helpers.
`python tests/bad_input.py` prints the figures per module.
"""

import functools
import os
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # before keras imports TensorFlow

import keras  # noqa: E402
import matplotlib  # noqa: E402

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import tensorflow as tf  # noqa: E402
from bad_input import Case, classify  # noqa: E402
from hypothesis import assume, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from rnncourse import attention, cli, heatmap, progress, records, sentiment, text  # noqa: E402

TOY = [np.array([5, 6, 7]), np.array([8, 9]), np.array([10, 11, 12, 13])]  # 3 reviews
CODES = np.array([(0 << 32) | 5, (5 << 32) | 6, (6 << 32) | 7])  # sorted bigram codes
HUB = "https://hub.example.edu"
SCRATCH = "zz_bad_input_case"  # a record name the cases may try to save (and must not)
STATES = np.zeros((1, 3, 2), dtype="float32")  # (batch, time, units)
BIG = 3_000_000_000  # a token id beyond int32


@functools.cache
def vectorizer(output_mode="int"):
    layer = keras.layers.TextVectorization(output_mode=output_mode)
    layer.adapt(["a b c", "b c d"])
    return layer


@functools.cache
def summing_model(outputs=1):
    """(batch, time) ids -> (batch,) their sums, or (batch, outputs) copies of the sums."""
    ids = keras.Input(shape=(None,), dtype="int32")
    total = keras.layers.Lambda(lambda x: keras.ops.sum(x, axis=1, keepdims=outputs > 1))(ids)
    if outputs > 1:
        total = keras.layers.Concatenate()([total] * outputs)
    return keras.Model(ids, total)


@functools.cache
def axes():
    return plt.subplots()[1]


def load_damaged(content: bytes):
    """Load a record whose file holds ``content`` (written, loaded, removed)."""
    path = Path(records.__file__).resolve().parent / "records" / "zz_damaged_case.json"
    path.write_bytes(content)
    try:
        return records.load("zz_damaged_case")
    finally:
        path.unlink(missing_ok=True)


def circular():
    loop = {}
    loop["self"] = loop
    return loop


def cases(module, function, argument, calls):
    """One Case per (call text, zero-argument function) of ``calls``."""
    return [Case(module, f"{function}({call})", argument, run) for call, run in calls]


CASES = [
    *cases("text", "standardize", "texts", [
        ("texts=None", lambda: text.standardize(None)),
        ("texts=[1, 2]", lambda: text.standardize([1, 2])),
        ("texts=tf.constant([1.5])", lambda: text.standardize(tf.constant([1.5]))),
        ("texts=[['a'], ['b', 'c']]", lambda: text.standardize([["a"], ["b", "c"]])),
        ("texts=object()", lambda: text.standardize(object())),
    ]),
    *cases("text", "to_sequences", "vectorizer", [
        ("vectorizer=None", lambda: text.to_sequences(None, ["a b"])),
        ("vectorizer=str.split", lambda: text.to_sequences(str.split, ["a b"])),
        ("vectorizer with output_mode='multi_hot'",
         lambda: text.to_sequences(vectorizer("multi_hot"), ["a b"])),
        ("vectorizer with output_mode='count'",
         lambda: text.to_sequences(vectorizer("count"), ["a b"])),
        ("vectorizer not adapted", lambda: text.to_sequences(keras.layers.TextVectorization(),
                                                             ["a b"])),
    ]),
    *cases("text", "to_sequences", "texts", [
        ("texts='a b c'", lambda: text.to_sequences(vectorizer(), "a b c")),
        ("texts=[1, 2]", lambda: text.to_sequences(vectorizer(), [1, 2])),
        ("texts=None", lambda: text.to_sequences(vectorizer(), None)),
        ("texts=['a', None]", lambda: text.to_sequences(vectorizer(), ["a", None])),
    ]),
    *cases("text", "to_sequences", "batch_size", [
        (f"batch_size={n!r}", lambda n=n: text.to_sequences(vectorizer(), ["a b"], batch_size=n))
        for n in (0, 2.5, None)
    ]),
    *cases("text", "keep_head_and_tail", "sequences", [
        ("sequences=None", lambda: text.keep_head_and_tail(None, 5)),
        ("sequences='abc'", lambda: text.keep_head_and_tail("abc", 5)),
        ("sequences=[[1.7]]", lambda: text.keep_head_and_tail([np.array([1.7])], 5)),
        ("sequences=[[-1, 2]]", lambda: text.keep_head_and_tail([np.array([-1, 2])], 5)),
        ("sequences=[[3e9]] (int64)", lambda: text.keep_head_and_tail([np.array([BIG])], 5)),
        ("sequences=[[[1, 2, 3]]] (1, 3)",
         lambda: text.keep_head_and_tail([np.ones((1, 3), int)], 5)),
        ("sequences=[5] (a 0-d array)", lambda: text.keep_head_and_tail([np.array(5)], 5)),
        ("sequences=[[1, [2, 3]]] (ragged)", lambda: text.keep_head_and_tail([[1, [2, 3]]], 5)),
        ("sequences mixing (length,) and (length, 2)",
         lambda: text.keep_head_and_tail([np.array([1, 2]), np.ones((2, 2), int)], 5)),
        ("sequences=a generator", lambda: text.keep_head_and_tail((s for s in TOY), 5)),
        ("sequences=[[1+2j]]", lambda: text.keep_head_and_tail([np.array([1 + 2j])], 5)),
        ("sequences=[[True, False]]",
         lambda: text.keep_head_and_tail([np.array([True, False])], 5)),
    ]),
    *cases("text", "keep_head_and_tail", "maxlen", [
        (f"maxlen={n!r}", lambda n=n: text.keep_head_and_tail(TOY, n)) for n in (0, 2.5, None, -3)
    ]),
    *cases("text", "keep_head_and_tail", "head_fraction", [
        (f"head_fraction={f!r}", lambda f=f: text.keep_head_and_tail(TOY, 3, f))
        for f in (1.5, -0.1, float("nan"), "half")
    ]),
    *cases("text", "pad", "sequences", [
        ("sequences=[[1.7]]", lambda: text.pad([np.array([1.7])], 3)),
        ("sequences=[[3e9]] (int64)", lambda: text.pad([np.array([BIG])], 3)),
        ("sequences=[[2**31]] (just past int32)", lambda: text.pad([np.array([2**31])], 3)),
        ("sequences=[[-5]]", lambda: text.pad([np.array([-5])], 3)),
        ("sequences=[[2**63]] (uint64)",
         lambda: text.pad([np.array([2**63], dtype=np.uint64)], 3)),
        ("sequences=[[1+1j]]", lambda: text.pad([np.array([1 + 1j])], 3)),
        ("sequences=[[nan]]", lambda: text.pad([np.array([np.nan])], 3)),
        ("sequences=[['a', 'b']]", lambda: text.pad([np.array(["a", "b"])], 3)),
        ("sequences with 4 tokens, length=3", lambda: text.pad(TOY, 3)),
        ("sequences mixing (length,) and (length, 2)",
         lambda: text.pad([np.array([1, 2]), np.array([[1, 2], [3, 4]])], 3)),
        ("sequences mixing (length, 2) and (length,)",
         lambda: text.pad([np.array([[1, 2], [3, 4]]), np.array([1, 2])], 3)),
        ("sequences=[(1, 3) rows]", lambda: text.pad([np.ones((1, 3), int)], 3)),
        ("sequences=None", lambda: text.pad(None, 3)),
        ("sequences={'a': [1]}", lambda: text.pad({"a": np.array([1])}, 3)),
        ("sequences=[None]", lambda: text.pad([None], 3)),
    ]),
    *cases("text", "pad", "length", [
        (f"length={n!r}", lambda n=n: text.pad(TOY, n)) for n in (0, 5.0, -1, None)
    ]),
    *cases("text", "pad", "padding", [
        (f"padding={p!r}", lambda p=p: text.pad(TOY, 5, p)) for p in ("middle", None, "POST")
    ]),
    *cases("text", "bigram_vocabulary", "sequences", [
        ("sequences=[[-1, 5]]", lambda: text.bigram_vocabulary([np.array([-1, 5])], 10)),
        ("sequences=[[2**32 + 5, 5]]",
         lambda: text.bigram_vocabulary([np.array([2**32 + 5, 5])], 10)),
        ("sequences=[[2**31, 1]]", lambda: text.bigram_vocabulary([np.array([2**31, 1])], 10)),
        ("sequences=[[1.5, 2.5]]", lambda: text.bigram_vocabulary([np.array([1.5, 2.5])], 10)),
        ("sequences=[]", lambda: text.bigram_vocabulary([], 10)),
        ("sequences of (length, 2) rows",
         lambda: text.bigram_vocabulary([np.ones((2, 2), int)], 10)),
        ("sequences='hello'", lambda: text.bigram_vocabulary("hello", 10)),
    ]),
    *cases("text", "bigram_vocabulary", "max_bigrams", [
        (f"max_bigrams={n!r}", lambda n=n: text.bigram_vocabulary(TOY, n)) for n in (0, 2.5, None)
    ]),
    *cases("text", "bigram_vocabulary", "min_count", [
        (f"min_count={n!r}", lambda n=n: text.bigram_vocabulary(TOY, 10, n)) for n in (0, 1.5)
    ]),
    *cases("text", "add_bigrams", "sequences", [
        ("sequences=[[-3, 5]]", lambda: text.add_bigrams([np.array([-3, 5])], CODES)),
        ("sequences=[[2**33]]", lambda: text.add_bigrams([np.array([2**33])], CODES)),
        ("sequences=[[1.5]]", lambda: text.add_bigrams([np.array([1.5])], CODES)),
        ("sequences of (length, 2) rows", lambda: text.add_bigrams([np.ones((2, 2), int)], CODES)),
        ("sequences=None", lambda: text.add_bigrams(None, CODES)),
    ]),
    *cases("text", "add_bigrams", "bigrams", [
        ("bigrams reversed", lambda: text.add_bigrams(TOY, CODES[::-1])),
        ("bigrams=[]", lambda: text.add_bigrams(TOY, np.array([], dtype=np.int64))),
        ("bigrams as floats", lambda: text.add_bigrams(TOY, CODES.astype(float))),
        ("bigrams=[-1, 5]", lambda: text.add_bigrams(TOY, np.array([-1, 5]))),
        ("bigrams 2-D", lambda: text.add_bigrams(TOY, CODES.reshape(1, -1))),
        ("bigrams=None", lambda: text.add_bigrams(TOY, None)),
        ("bigrams=[5, 5] (repeated)", lambda: text.add_bigrams(TOY, np.array([5, 5]))),
    ]),
    *cases("text", "length_batches", "sequences", [
        ("sequences=[]", lambda: text.length_batches([], np.zeros(0), 2, seed=0)),
        ("sequences=[[]] (an empty review)",
         lambda: text.length_batches([np.array([], int)], np.zeros(1), 2, seed=0)),
        ("sequences=[[1.7]]", lambda: text.length_batches([np.array([1.7])], np.zeros(1), 2, 0)),
        ("sequences=[[-2]]", lambda: text.length_batches([np.array([-2])], np.zeros(1), 2, 0)),
        ("sequences=[[3e9]]", lambda: text.length_batches([np.array([BIG])], np.zeros(1), 2, 0)),
        ("sequences=None", lambda: text.length_batches(None, np.zeros(1), 2, 0)),
    ]),
    *cases("text", "length_batches", "labels", [
        ("labels of 2 for 3 reviews", lambda: text.length_batches(TOY, np.zeros(2), 2, 0)),
        ("labels=None", lambda: text.length_batches(TOY, None, 2, 0)),
        ("labels=['a', 'b', 'c']", lambda: text.length_batches(TOY, ["a", "b", "c"], 2, 0)),
        ("labels complex", lambda: text.length_batches(TOY, np.ones(3) * 1j, 2, 0)),
        ("labels with NaN", lambda: text.length_batches(TOY, [0, 1, np.nan], 2, 0)),
    ]),
    *cases("text", "length_batches", "batch_size", [
        (f"batch_size={n!r}", lambda n=n: text.length_batches(TOY, np.zeros(3), n, 0))
        for n in (0, 1.5, None)
    ]),
    *cases("text", "length_batches", "seed", [
        (f"seed={n!r}", lambda n=n: text.length_batches(TOY, np.zeros(3), 2, n))
        for n in (-1, 1.5, None, 2**64)
    ]),
    *cases("text", "length_batches", "bucket_width", [
        (f"bucket_width={n!r}", lambda n=n: text.length_batches(TOY, np.zeros(3), 2, 0, n))
        for n in (0, 2.5)
    ]),
    *cases("text", "sorted_batches", "sequences", [
        ("sequences=[]", lambda: text.sorted_batches([], 2)),
        ("sequences=[[0.5]]", lambda: text.sorted_batches([np.array([0.5])], 2)),
        ("sequences with an empty review",
         lambda: text.sorted_batches([np.array([1]), np.array([], int)], 2)),
        ("sequences=[[-1]]", lambda: text.sorted_batches([np.array([-1])], 2)),
    ]),
    *cases("text", "sorted_batches", "batch_size", [
        (f"batch_size={n!r}", lambda n=n: text.sorted_batches(TOY, n)) for n in (0, 2.5)
    ]),
    *cases("text", "sorted_batches", "labels", [
        ("labels of 5 for 3 reviews", lambda: text.sorted_batches(TOY, 2, labels=np.zeros(5))),
        ("labels='abc'", lambda: text.sorted_batches(TOY, 2, labels="abc")),
        ("labels 2-D", lambda: text.sorted_batches(TOY, 2, labels=np.zeros((3, 2)))),
    ]),
    *cases("text", "predict_in_order", "model", [
        ("model=None", lambda: text.predict_in_order(None, TOY)),
        ("model=a function", lambda: text.predict_in_order(lambda x: x, TOY)),
        ("model with 2 outputs per review", lambda: text.predict_in_order(summing_model(2), TOY)),
    ]),
    *cases("text", "predict_in_order", "sequences", [
        ("sequences=[]", lambda: text.predict_in_order(summing_model(), [])),
        ("sequences=[[1.5]]", lambda: text.predict_in_order(summing_model(), [np.array([1.5])])),
    ]),
    *cases("text", "predict_in_order", "batch_size", [
        ("batch_size=0", lambda: text.predict_in_order(summing_model(), TOY, 0)),
    ]),
    *cases("sentiment", "MaskedGlobalMaxPooling1D()", "inputs", [
        ("inputs (batch, time)", lambda: sentiment.MaskedGlobalMaxPooling1D()(np.zeros((2, 3)))),
        ("inputs (1, 3, 2, 1)",
         lambda: sentiment.MaskedGlobalMaxPooling1D()(np.zeros((1, 3, 2, 1), "float32"))),
    ]),
    *cases("sentiment", "MaskedGlobalMaxPooling1D()", "mask", [
        ("mask=[[1.0, 0.5, 0.0]]", lambda: sentiment.MaskedGlobalMaxPooling1D()(
            STATES, mask=np.array([[1.0, 0.5, 0.0]]))),
        ("mask=[[1, 1, 0]] (int)", lambda: sentiment.MaskedGlobalMaxPooling1D()(
            STATES, mask=np.array([[1, 1, 0]]))),
    ]),
    *cases("sentiment", "ConvolutionShortener", "filters", [
        (f"filters={n!r}", lambda n=n: sentiment.ConvolutionShortener(n)) for n in (0, 2.5, None)
    ]),
    *cases("sentiment", "ConvolutionShortener", "kernel_size", [
        (f"kernel_size={n!r}", lambda n=n: sentiment.ConvolutionShortener(4, kernel_size=n))
        for n in (0, "3")
    ]),
    *cases("sentiment", "ConvolutionShortener", "pool_size", [
        (f"pool_size={n!r}", lambda n=n: sentiment.ConvolutionShortener(4, pool_size=n))
        for n in (0, -2)
    ]),
    *cases("sentiment", "ConvolutionShortener(4)", "inputs", [
        ("inputs (batch, time)", lambda: sentiment.ConvolutionShortener(4)(np.zeros((2, 3)))),
        ("build((None, None, None))",
         lambda: sentiment.ConvolutionShortener(4).build((None, None, None))),
    ]),
    *cases("sentiment", "ConvolutionShortener(4)", "mask", [
        ("mask=[[0.5, 1.0, 0.0]]", lambda: sentiment.ConvolutionShortener(4)(
            STATES, mask=np.array([[0.5, 1.0, 0.0]]))),
    ]),
    *cases("sentiment", "BigramEmbedding", "vocab_size", [
        (f"vocab_size={n!r}", lambda n=n: sentiment.BigramEmbedding(n, 4, 3)) for n in (0, 10.5)
    ]),
    *cases("sentiment", "BigramEmbedding", "num_bigrams", [
        (f"num_bigrams={n!r}", lambda n=n: sentiment.BigramEmbedding(10, n, 3)) for n in (0, -1)
    ]),
    *cases("sentiment", "BigramEmbedding", "output_dim", [
        (f"output_dim={n!r}", lambda n=n: sentiment.BigramEmbedding(10, 4, n)) for n in (0, "3")
    ]),
    *cases("sentiment", "BigramEmbedding(10, 4, 3)", "inputs", [
        ("inputs (1, 3, 3)", lambda: sentiment.BigramEmbedding(10, 4, 3)(np.ones((1, 3, 3), int))),
        ("inputs (1, 3)", lambda: sentiment.BigramEmbedding(10, 4, 3)(np.ones((1, 3), int))),
        ("inputs of floats 1.7", lambda: sentiment.BigramEmbedding(10, 4, 3)(
            np.full((1, 3, 2), 1.7, "float32"))),
    ]),
    *[Case("sentiment", f"pooled_classifier({name}={value!r})", name,
           lambda name=name, value=value: sentiment.pooled_classifier(
               **{"vocab_size": 50, "embedding_dim": 6, "num_units": 5, name: value}))
      for name, value in [
          ("vocab_size", 0), ("vocab_size", 50.5), ("embedding_dim", 0), ("num_units", 0),
          ("num_units", None), ("spatial_dropout", 1.0), ("spatial_dropout", -0.1),
          ("dropout", 1.5), ("dropout", "0.5"), ("dropout", float("nan")),
          ("conv_filters", -1), ("conv_filters", 2.5), ("pool_size", 0),
          ("num_bigrams", -1), ("num_bigrams", 1.5)]],
    *cases("attention", "BahdanauAttention", "units", [
        (f"units={n!r}", lambda n=n: attention.BahdanauAttention(n))
        for n in (0, -1, 2.5, True, "4", None)
    ]),
    *cases("attention", "BahdanauAttention(2)", "values", [
        ("values (2, 3)", lambda: attention.BahdanauAttention(2)(np.zeros((2, 3), "float32"))),
        ("values (2, 3, 4, 5)",
         lambda: attention.BahdanauAttention(2)(np.zeros((2, 3, 4, 5), "float32"))),
        ("build((None, None, None))",
         lambda: attention.BahdanauAttention(2).build((None, None, None))),
    ]),
    *cases("attention", "BahdanauAttention(2)", "mask", [
        ("mask=[[1.0, 0.5, 0.0]]", lambda: attention.BahdanauAttention(2)(
            STATES, mask=np.array([[1.0, 0.5, 0.0]]))),
        ("mask=[[1, 1, 0]] (int)", lambda: attention.BahdanauAttention(2)(
            STATES, mask=np.array([[1, 1, 0]]))),
    ]),
    *[Case("heatmap", f"text_heatmap({name}={shown})", name.split("[")[0],
           lambda options=options: heatmap.text_heatmap(
               **{"ax": axes(), "words": ["a", "b"], "weights": [0.5, 0.5], **options}))
      for name, shown, options in [
          ("ax", "None", {"ax": None}), ("ax", "'axes'", {"ax": "axes"}),
          ("words", "'ab'", {"words": "ab"}), ("words", "[1, 2]", {"words": [1, 2]}),
          ("words", "[]", {"words": [], "weights": []}),
          ("weights", "[0.5]", {"weights": [0.5]}), ("weights", "[0.5, nan]",
                                                     {"weights": [0.5, np.nan]}),
          ("weights", "[0.5, -0.1]", {"weights": [0.5, -0.1]}),
          ("weights", "[1j, 2j]", {"weights": [1j, 2j]}),
          ("weights", "['a', 'b']", {"weights": ["a", "b"]}),
          ("weights", "[[0.5, 0.5]]", {"weights": [[0.5, 0.5]]}),
          ("weights", "None", {"weights": None}),
          ("line_chars", "0", {"line_chars": 0}), ("line_chars", "10.5", {"line_chars": 10.5}),
          ("vmax", "0", {"vmax": 0}), ("vmax", "-1", {"vmax": -1}),
          ("vmax", "nan", {"vmax": float("nan")}), ("vmax", "'1'", {"vmax": "1"}),
          ("cmap", "'Redz'", {"cmap": "Redz"}), ("cmap", "None", {"cmap": None}),
          ("fontsize", "0", {"fontsize": 0}), ("fontsize", "-3", {"fontsize": -3})]],
    *cases("records", "load", "name", [
        (f"name={name!r}", lambda name=name: records.load(name))
        for name in (None, 3, "", "../pyproject", "forecast_speed.json", "no_such_record",
                     "Forecast_Speed", "forecast speed")
    ]),
    *cases("records", "load", "name", [
        ("a damaged record: not JSON", lambda: load_damaged(b'{"a": 1')),
        ("a damaged record: a JSON list", lambda: load_damaged(b"[1, 2]")),
        ("a damaged record: not UTF-8", lambda: load_damaged(b'{"a": "\xff\xfe"}')),
    ]),
    *cases("records", "save", "name", [
        (f"name={name!r}", lambda name=name: records.save(name, {"a": 1}))
        for name in (None, "../x", "", "A")
    ]),
    *cases("records", "save", "record", [
        ("record=[1, 2]", lambda: records.save(SCRATCH, [1, 2])),
        ("record=None", lambda: records.save(SCRATCH, None)),
        ("record={'a': np.array([1])}", lambda: records.save(SCRATCH, {"a": np.array([1])})),
        ("record={'a': np.int64(1)}", lambda: records.save(SCRATCH, {"a": np.int64(1)})),
        ("record that contains itself", lambda: records.save(SCRATCH, circular())),
    ]),
    *cases("progress", "EpochLog", "label", [
        (f"label={v!r}", lambda v=v: progress.EpochLog(label=v)) for v in (3, None, ["GRU"])
    ]),
    *cases("progress", "EpochLog", "every", [
        (f"every={v!r}", lambda v=v: progress.EpochLog(every=v)) for v in (0, -1, 1.5, True, "2")
    ]),
    *cases("cli", "hub_link", "--hub", [
        (f"hub={hub!r}", lambda hub=hub: cli.hub_link(hub))
        for hub in ("https://hub.example.edu?next=/x", "https://hub.example.edu#top",
                    "https://alice:pw@hub.example.edu", "https://hub.example.edu\n",
                    "https://hub example.edu", "https://hub.example.edu:99999",
                    "https://hub.example.edu:0", None, 42, "javascript:alert(1)",
                    "https://hub<script>.edu", 'https://hub.example.edu/"onmouseover=x',
                    "https://hub.example.edu/hub/login", "https://[::1", "https://",
                    "https://hub.example.edu\\@evil.example", "https://hub.example.edu/a\tb",
                    "https://hub.example.edu/ä", b"https://hub.example.edu")
    ]),
    *cases("cli", "hub_link", "--repo", [
        (f"repo={repo!r}", lambda repo=repo: cli.hub_link(HUB, repo=repo))
        for repo in ("javascript:alert(1)", "https://github.com", None,
                     "https://github.com/a/b?x=1", "https://github.com/a/b<c>",
                     "https://github.com/a/b#readme", "git@github.com:a/b.git",
                     "https://user@github.com/a/b", "https://github.com/a/b\n")
    ]),
    *cases("cli", "hub_link", "--branch", [
        (f"branch={branch!r}", lambda branch=branch: cli.hub_link(HUB, branch=branch))
        for branch in ("", "a..b", None, "-f", "main\n", "a b", "main?x=1")
    ]),
    *cases("cli", "hub_link", "path", [
        (f"path={path!r}", lambda path=path: cli.hub_link(HUB, path))
        for path in ("../../etc/passwd", None, "notebooks/a b.ipynb", "notebooks?x=1",
                     "/notebooks", "")
    ]),
    *cases("cli", "clone_folder", "--repo", [
        (f"repo={repo!r}", lambda repo=repo: cli.clone_folder(repo))
        for repo in (None, "ssh://github.com/a/b", "https://github.com/a/..")
    ]),
    *cases("cli", "find_notebook", "--notebook", [
        (f"name={name!r}", lambda name=name: cli.find_notebook(name))
        for name in (None, 3, "09", "0", "", "notebooks/09_none.ipynb")
    ]),
    *cases("cli", "find_notebook", "names", [
        ("names='02a'", lambda: cli.find_notebook("02", names="02a")),
        ("names=[1, 2]", lambda: cli.find_notebook("02", names=[1, 2])),
    ]),
]


@pytest.fixture(autouse=True, scope="module")
def _no_scratch_record():
    """No case may leave a record behind (a silent save would write one)."""
    yield
    plt.close("all")
    scratch = Path(records.__file__).resolve().parent / "records" / f"{SCRATCH}.json"
    assert not scratch.exists(), "records.save wrote a record it should have refused"
    scratch.unlink(missing_ok=True)


@pytest.mark.filterwarnings("ignore::UserWarning")  # Keras warns about some bad layer calls
@pytest.mark.parametrize("case", CASES, ids=str)
def test_bad_input_is_refused_clearly(case):
    outcome, what = classify(case)
    assert outcome == "clear", what


def test_every_public_function_has_cases():
    from test_bad_input_attention import CASES as DECODER_CASES  # DecoderAttention, alignment

    called = {case.call.split("(")[0] for case in [*CASES, *DECODER_CASES]}
    public = {"text": text, "sentiment": sentiment, "attention": attention, "heatmap": heatmap,
              "records": records, "progress": progress}
    for module in public.values():
        names = {name for name, value in vars(module).items()
                 if callable(value) and not name.startswith("_")
                 and getattr(value, "__module__", "") == module.__name__}
        assert names <= called, f"{module.__name__}: no bad-input case for {names - called}"
    assert {"hub_link", "clone_folder", "find_notebook"} <= called


BAD_IDS = st.one_of(st.integers(max_value=-1, min_value=-(2**63)),
                    st.integers(min_value=2**31, max_value=2**63 - 1))
TEXT_FUNCTIONS = {  # name -> a call on the sequences that must refuse a bad id
    "pad": lambda sequences: text.pad(sequences, 8),
    "keep_head_and_tail": lambda sequences: text.keep_head_and_tail(sequences, 3),
    "bigram_vocabulary": lambda sequences: text.bigram_vocabulary(sequences, 10),
    "add_bigrams": lambda sequences: text.add_bigrams(sequences, CODES),
}


@settings(max_examples=25, deadline=None)
@given(lengths=st.lists(st.integers(1, 8), min_size=1, max_size=6), bad=BAD_IDS, data=st.data())
def test_any_negative_or_huge_token_id_is_refused_naming_its_review(lengths, bad, data):
    sequences = [np.arange(1, n + 1, dtype=np.int64) for n in lengths]  # valid ids 1..n
    review = data.draw(st.integers(0, len(lengths) - 1), label="review")
    sequences[review][data.draw(st.integers(0, lengths[review] - 1), label="step")] = bad
    for name, call in TEXT_FUNCTIONS.items():
        case = Case("text", f"{name}(sequences with {bad})", f"sequences[{review}]",
                    lambda call=call: call(sequences))
        outcome, what = classify(case)
        assert outcome == "clear", f"{name}: {what}"


@settings(max_examples=25, deadline=None)
@given(review=st.lists(st.lists(st.integers(0, 9), max_size=4), min_size=2, max_size=5))
def test_a_ragged_review_is_refused(review):
    assume(len({len(step) for step in review}) > 1)  # steps of different sizes: not an array
    for name, call in TEXT_FUNCTIONS.items():
        outcome, what = classify(Case("text", f"{name}([{review}])", "sequences[1]",
                                      lambda call=call: call([[1, 2], review])))
        assert outcome == "clear", f"{name}: {what}"
