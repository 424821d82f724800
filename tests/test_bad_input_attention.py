"""Bad input to the decoder's attention (attention.DecoderAttention) and the alignment heatmap
(heatmap.alignment_heatmap): every wrong call fails clearly, naming the argument.

The cases for BahdanauAttention and text_heatmap are in tests/test_bad_input_text.py; each case
here is one wrong call, classified by tests/bad_input.py.
"""

import functools
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # before keras imports TensorFlow

import matplotlib  # noqa: E402

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from bad_input import Case, classify  # noqa: E402

from rnncourse import attention, heatmap  # noqa: E402

QUERY = np.zeros((2, 3, 4), dtype="float32")  # (batch, T_out, d_q)
VALUES = np.zeros((2, 5, 6), dtype="float32")  # (batch, T_in, features)
MASK = np.ones((2, 5), dtype=bool)  # (batch, T_in)
WEIGHTS = np.full((2, 3), 1 / 3)  # (T_out, T_in) for output "xy", source "abc"


@functools.cache
def axes():
    return plt.subplots()[1]


def attend(query=QUERY, values=VALUES, mask=MASK):
    return attention.DecoderAttention(2)(query, values, mask=mask)


def draw(**changes):
    arguments = {"ax": axes(), "weights": WEIGHTS, "source": "abc", "output": "xy", **changes}
    return heatmap.alignment_heatmap(**arguments)


CASES = [
    *[Case("attention", f"DecoderAttention(units={n!r})", "units",
           lambda n=n: attention.DecoderAttention(n)) for n in (0, -2, 1.5, True, "3", None)],
    Case("attention", "DecoderAttention(2)(query (2, 4), ...)", "query",
         lambda: attend(query=np.zeros((2, 4), "float32"))),
    Case("attention", "DecoderAttention(2)(query (2, 3, 4, 1), ...)", "query",
         lambda: attend(query=np.zeros((2, 3, 4, 1), "float32"))),
    Case("attention", "DecoderAttention(2).build((None, None, None), ...)", "query",
         lambda: attention.DecoderAttention(2).build((None, None, None), (None, None, 6))),
    Case("attention", "DecoderAttention(2)(..., values (2, 5), ...)", "values",
         lambda: attend(values=np.zeros((2, 5), "float32"))),
    Case("attention", "DecoderAttention(2).build(..., (None, None, None))", "values",
         lambda: attention.DecoderAttention(2).build((None, None, 4), (None, None, None))),
    Case("attention", "DecoderAttention(2)(..., mask=float ones)", "mask",
         lambda: attend(mask=np.ones((2, 5)))),
    Case("attention", "DecoderAttention(2)(..., mask=int ones)", "mask",
         lambda: attend(mask=np.ones((2, 5), int))),
    Case("attention", "DecoderAttention(2)(..., mask=[[True] * 5] * 2 (a list))", "mask",
         lambda: attend(mask=[[True] * 5] * 2)),
    Case("attention", "DecoderAttention(2)(..., mask (2, 4): one step short)", "mask",
         lambda: attend(mask=np.ones((2, 4), bool))),
    Case("attention", "DecoderAttention(2)(..., mask (2, 1): would broadcast)", "mask",
         lambda: attend(mask=np.ones((2, 1), bool))),
    Case("attention", "DecoderAttention(2)(..., mask (2, 3, 5): per output step)", "mask",
         lambda: attend(mask=np.ones((2, 3, 5), bool))),
    Case("attention", "DecoderAttention(2)(..., mask (1, 5): one row for a batch of 2)", "mask",
         lambda: attend(mask=np.ones((1, 5), bool))),
    *[Case("heatmap", f"alignment_heatmap({name}={shown})", name,
           lambda changes=changes: draw(**changes))
      for name, shown, changes in [
          ("ax", "None", {"ax": None}), ("ax", "'axes'", {"ax": "axes"}),
          ("weights", "(3, 2)", {"weights": WEIGHTS.T}),
          ("weights", "(6,)", {"weights": WEIGHTS.ravel()}),
          ("weights", "with nan", {"weights": np.full((2, 3), np.nan)}),
          ("weights", "with -0.1", {"weights": WEIGHTS - 0.5}),
          ("weights", "None", {"weights": None}),
          ("source", "''", {"source": ""}), ("source", "[1, 2, 3]", {"source": [1, 2, 3]}),
          ("source", "None", {"source": None}),
          ("output", "''", {"output": ""}), ("output", "[b'x', b'y']", {"output": [b"x", b"y"]}),
          ("cmap", "'nope'", {"cmap": "nope"}), ("cmap", "None", {"cmap": None}),
          ("vmax", "0", {"vmax": 0}), ("vmax", "'1'", {"vmax": "1"}),
      ]],
]


@pytest.fixture(autouse=True, scope="module")
def close_figures():
    yield
    plt.close("all")


@pytest.mark.filterwarnings("ignore::UserWarning")  # Keras warns about some bad layer calls
@pytest.mark.parametrize("case", CASES, ids=str)
def test_bad_input_is_refused_clearly(case):
    outcome, what = classify(case)
    assert outcome == "clear", what


def test_the_new_public_names_have_cases():
    called = {case.call.split("(")[0] for case in CASES}
    assert {"DecoderAttention", "alignment_heatmap"} <= called
