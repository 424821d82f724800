"""Bad input to rnncourse.charlm_numpy: every wrong call is refused with a clear error.

One Case per wrong call (tests/bad_input.py): every public function, at least two bad inputs
each (wrong type, rank or size, NaN, ids outside the alphabet, targets that are PAD, sizes of
zero, a temperature of zero, settings of the wrong kind). A clear error is a ValueError or
TypeError whose message names the argument.
"""

import numpy as np
import pytest
from bad_input import Case, all_cases, classify

from rnncourse import chars, charlm_numpy, rnn_numpy, train_numpy

M = "charlm_numpy"
UNITS = 3


def params(**changes):
    """A character model with 3 units, some entries replaced."""
    rng = np.random.default_rng(0)
    return rnn_numpy.init_params(chars.VOCAB_SIZE, UNITS, chars.NUM_SYMBOLS, rng) | changes


IDS = np.array([[5, 6, 7], [8, 9, 10]])  # (batch, time)
Z = np.zeros((2, 3, chars.NUM_SYMBOLS))  # (batch, time, symbols)
H = np.zeros((2, 3, UNITS))  # (batch, time, units)
STATE = np.zeros((2, UNITS))  # (batch, units)
STREAM = np.arange(3, 40)  # (time,)
CHUNKED = charlm_numpy.chunks(STREAM, 2, 5)
REVIEWS = [chars.encode("Good."), chars.encode("Bad!")]


def step(**changes):
    args = dict(params=params(), adam_state=train_numpy.adam_init(params()), h_prev=STATE,
                inputs=IDS, targets=IDS, learning_rate=0.01, clip_norm=1.0) | changes
    return charlm_numpy.train_step(**args)


def fit(**changes):
    args = dict(num_steps=2, learning_rate=0.01, clip_norm=1.0) | changes
    chunked = args.pop("chunked", CHUNKED)
    return charlm_numpy.fit(args.pop("params", params()), chunked, **args)


def sample(**changes):
    args = dict(params=params(), start_ids=[5, 6], num_chars=3,
                rng=np.random.default_rng(0)) | changes
    return charlm_numpy.sample(**args)


def case(call, argument, run):
    return Case(M, call, argument, run)


CASES = [
    case("one_hot(ids=[1.5, 2.0])", "ids", lambda: charlm_numpy.one_hot([1.5, 2.0])),
    case("one_hot(ids=[3, 99])", "ids", lambda: charlm_numpy.one_hot([3, chars.VOCAB_SIZE])),
    case("one_hot(ids=[-1])", "ids", lambda: charlm_numpy.one_hot([-1])),
    case("softmax(z='logits')", "z", lambda: charlm_numpy.softmax("logits")),
    case("softmax(z with NaN)", "z", lambda: charlm_numpy.softmax([0.0, np.nan])),
    case("softmax(z=[])", "z", lambda: charlm_numpy.softmax([])),
    case("softmax(z=3.0)", "z", lambda: charlm_numpy.softmax(3.0)),
    case("char_losses(z 2-D)", "z", lambda: charlm_numpy.char_losses(Z[0], IDS)),
    case("char_losses(targets = PAD)", "targets",
         lambda: charlm_numpy.char_losses(Z, np.zeros((2, 3), dtype=int))),
    case("char_losses(targets of another batch)", "targets",
         lambda: charlm_numpy.char_losses(Z, IDS[:1])),
    case("cross_entropy(targets floats)", "targets",
         lambda: charlm_numpy.cross_entropy(Z, IDS + 0.5)),
    case("cross_entropy(targets beyond the outputs)", "targets",
         lambda: charlm_numpy.cross_entropy(Z[..., :5], IDS)),
    case("cross_entropy(z with inf)", "z",
         lambda: charlm_numpy.cross_entropy(np.full((2, 3, 4), np.inf), IDS % 4 + 1)),
    case("readout_backward(dz of another width)", "dz",
         lambda: charlm_numpy.readout_backward(H, Z[..., :5], params())),
    case("readout_backward(h of other units)", "h",
         lambda: charlm_numpy.readout_backward(np.zeros((2, 3, 4)), Z, params())),
    case("readout_backward(params without W_hy)", "params",
         lambda: charlm_numpy.readout_backward(H, Z, {"b_y": np.zeros(chars.NUM_SYMBOLS)})),
    case("chunks(stream 2-D)", "stream", lambda: charlm_numpy.chunks(IDS, 2, 2)),
    case("chunks(batch_size=0)", "batch_size", lambda: charlm_numpy.chunks(STREAM, 0, 2)),
    case("chunks(seq_len=2.0)", "seq_len", lambda: charlm_numpy.chunks(STREAM, 2, 2.0)),
    case("chunks(stream shorter than a step per row)", "stream",
         lambda: charlm_numpy.chunks(np.arange(4), 4, 2)),
    case("left_out(stream_length=1)", "stream_length", lambda: charlm_numpy.left_out(1, 1)),
    case("left_out(batch_size > stream_length - 1)", "batch_size",
         lambda: charlm_numpy.left_out(10, 10)),
    case("train_step(h_prev of another batch)", "h_prev", lambda: step(h_prev=STATE[:1])),
    case("train_step(inputs = 99)", "inputs", lambda: step(inputs=IDS * 0 + 99)),
    case("train_step(targets shorter than inputs)", "targets", lambda: step(targets=IDS[:, :2])),
    case("train_step(clip_norm=0)", "clip_norm", lambda: step(clip_norm=0)),
    case("train_step(adam_state={})", "adam_state", lambda: step(adam_state={})),
    case("train_step(learning_rate=-1)", "learning_rate", lambda: step(learning_rate=-1.0)),
    case("fit(num_steps=0)", "num_steps", lambda: fit(num_steps=0)),
    case("fit(chunked=[])", "chunked", lambda: fit(chunked=[])),
    case("fit(carry='yes')", "carry", lambda: fit(carry="yes")),
    case("fit(every=0)", "every", lambda: fit(every=0)),
    case("fit(params of an MSE model)", "params",
         lambda: fit(params=rnn_numpy.init_params(1, 3, 1, np.random.default_rng(0)))),
    case("review_losses(reviews=[])", "reviews",
         lambda: charlm_numpy.review_losses(params(), [])),
    case("review_losses(reviews with END inside)", "reviews",
         lambda: charlm_numpy.review_losses(params(), [np.array([5, chars.END, 6])])),
    case("review_losses(reviews = a str)", "reviews",
         lambda: charlm_numpy.review_losses(params(), "Good.")),
    case("review_losses(batch_size=0)", "batch_size",
         lambda: charlm_numpy.review_losses(params(), REVIEWS, batch_size=0)),
    case("sample(temperature=0)", "temperature", lambda: sample(temperature=0)),
    case("sample(num_chars=0)", "num_chars", lambda: sample(num_chars=0)),
    case("sample(rng=0)", "rng", lambda: sample(rng=0)),
    case("sample(start_ids=[])", "start_ids", lambda: sample(start_ids=[])),
    case("sample(params with NaN)", "params",
         lambda: sample(params=params(W_hh=np.full((UNITS, UNITS), np.nan)))),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_bad_input_is_refused_clearly(case):
    outcome, what = classify(case)
    assert outcome == "clear", what


def test_the_suite_covers_every_public_function():
    """Each public function of charlm_numpy has at least two cases."""
    public = [name for name, value in vars(charlm_numpy).items() if callable(value)
              and not name.startswith("_") and value.__module__ == charlm_numpy.__name__]
    for function in public:
        count = sum(case.module == M and case.call.startswith(function + "(")
                    for case in all_cases())
        assert count >= 2, f"charlm_numpy.{function} has {count} bad-input cases"
