"""Bad input to the gated cells: every wrong call is refused with a clear error.

One Case per wrong call (tests/bad_input.py) for what issue #18 added: lstm_numpy's
backward pass (and lstm_forward's return_gates), and every public function of gru_numpy.
The wrong type, rank, size along each named axis, NaN/inf in data, states, gradients and
weights, missing and extra keys, the reset_after=False bias layout, arguments in the wrong
order. The property tests at the end draw the bad value at random.
"""

import os

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # before keras imports TensorFlow

from bad_input import Case, classify  # noqa: E402
from rnncourse import gru_numpy, lstm_numpy  # noqa: E402
from test_bad_input_numeric import STATE, X, lstm_params, nan_in, without  # noqa: E402

# ---------------------------------------------------------------- inputs, good unless changed
# X (batch=2, time=3, features=4) and STATE (batch=2, units=5), as in the numeric suite.

SEQUENCE = np.zeros((2, 3, 5))  # (batch, time, units): h, c or dh
LSTM_GATES = np.zeros((2, 3, 20))  # (batch, time, 4*units)
GRU_GATES = np.zeros((2, 3, 15))  # (batch, time, 3*units)


def gru_params(**changes):
    """gru_init_params(features=4, units=5), with some entries replaced."""
    return gru_numpy.gru_init_params(4, 5, np.random.default_rng(0)) | changes


def lstm_backward(**changes):
    args = dict(x=X, h=SEQUENCE, c=SEQUENCE, gates=LSTM_GATES, params=lstm_params(),
                dh=SEQUENCE) | changes
    return lstm_numpy.lstm_backward(**args)


def gru_step(x_t=X[:, 0], h_prev=STATE, params=None):
    return gru_numpy.gru_step(x_t, h_prev, gru_params() if params is None else params)


def gru_forward(x=X, params=None, **kwargs):
    return gru_numpy.gru_forward(x, gru_params() if params is None else params, **kwargs)


def gru_backward(**changes):
    args = dict(x=X, h=SEQUENCE, gates=GRU_GATES, params=gru_params(), dh=SEQUENCE) | changes
    return gru_numpy.gru_backward(**args)


# ---------------------------------------------------------------- lstm_numpy

L = "lstm_numpy"
LSTM_CASES = [
    Case(L, "lstm_forward(return_gates='yes')", "return_gates",
         lambda: lstm_numpy.lstm_forward(X, lstm_params(), return_gates="yes")),
    Case(L, "lstm_forward(return_gates=1)", "return_gates",
         lambda: lstm_numpy.lstm_forward(X, lstm_params(), return_gates=1)),
    Case(L, "lstm_forward(return_gates=None)", "return_gates",
         lambda: lstm_numpy.lstm_forward(X, lstm_params(), return_gates=None)),
    # lstm_backward: x
    Case(L, "lstm_backward(x 2-D)", "x must", lambda: lstm_backward(x=np.zeros((3, 4)))),
    Case(L, "lstm_backward(x with 5 features)", "x must",
         lambda: lstm_backward(x=np.zeros((2, 3, 5)))),
    Case(L, "lstm_backward(x with NaN)", "x must be finite", lambda: lstm_backward(x=nan_in(X, 3))),
    Case(L, "lstm_backward(x empty time axis)", "x has an empty",
         lambda: lstm_backward(x=np.zeros((2, 0, 4)))),
    Case(L, "lstm_backward(x strings)", "x must",
         lambda: lstm_backward(x=np.full((2, 3, 4), "a"))),
    # h, c, gates: what lstm_forward returned
    Case(L, "lstm_backward(h with 6 units)", "h must",
         lambda: lstm_backward(h=np.zeros((2, 3, 6)))),
    Case(L, "lstm_backward(h with 4 steps, x has 3)", "h must",
         lambda: lstm_backward(h=np.zeros((2, 4, 5)))),
    Case(L, "lstm_backward(h with NaN)", "h must be finite",
         lambda: lstm_backward(h=nan_in(SEQUENCE, 7))),
    Case(L, "lstm_backward(h=None)", "h must", lambda: lstm_backward(h=None)),
    Case(L, "lstm_backward(c batch 3)", "c must", lambda: lstm_backward(c=np.zeros((3, 3, 5)))),
    Case(L, "lstm_backward(c 2-D)", "c must", lambda: lstm_backward(c=STATE)),
    Case(L, "lstm_backward(c with inf)", "c must be finite",
         lambda: lstm_backward(c=nan_in(SEQUENCE, 0, np.inf))),
    Case(L, "lstm_backward(gates of one block, (2, 3, 5))", "gates must",
         lambda: lstm_backward(gates=SEQUENCE)),
    Case(L, "lstm_backward(gates of a GRU, (2, 3, 15))", "gates must",
         lambda: lstm_backward(gates=GRU_GATES)),
    Case(L, "lstm_backward(gates with NaN)", "gates must be finite",
         lambda: lstm_backward(gates=nan_in(LSTM_GATES, 11))),
    Case(L, "lstm_backward(gates 2-D)", "gates must",
         lambda: lstm_backward(gates=np.zeros((2, 20)))),
    Case(L, "lstm_backward(h and gates swapped)", "h must",
         lambda: lstm_backward(h=LSTM_GATES, gates=SEQUENCE)),
    Case(L, "lstm_backward(gates=None)", "gates must", lambda: lstm_backward(gates=None)),
    # dh and the final-state gradients
    Case(L, "lstm_backward(dh with 4 units)", "dh must",
         lambda: lstm_backward(dh=np.zeros((2, 3, 4)))),
    Case(L, "lstm_backward(dh 2-D)", "dh must", lambda: lstm_backward(dh=STATE)),
    Case(L, "lstm_backward(dh with NaN)", "dh must be finite",
         lambda: lstm_backward(dh=nan_in(SEQUENCE, 2))),
    Case(L, "lstm_backward(dh=None)", "dh must", lambda: lstm_backward(dh=None)),
    Case(L, "lstm_backward(dh_T with 6 units)", "dh_T",
         lambda: lstm_backward(dh_T=np.zeros((2, 6)))),
    Case(L, "lstm_backward(dh_T with NaN)", "dh_T", lambda: lstm_backward(dh_T=nan_in(STATE, 4))),
    Case(L, "lstm_backward(dc_T 1-D)", "dc_T", lambda: lstm_backward(dc_T=np.zeros(5))),
    Case(L, "lstm_backward(dc_T with -inf)", "dc_T",
         lambda: lstm_backward(dc_T=nan_in(STATE, 1, -np.inf))),
    Case(L, "lstm_backward(dc_T='zeros')", "dc_T", lambda: lstm_backward(dc_T="zeros")),
    # initial states
    Case(L, "lstm_backward(h0 with 4 units)", "h0", lambda: lstm_backward(h0=np.zeros((2, 4)))),
    Case(L, "lstm_backward(c0 batch 3)", "c0", lambda: lstm_backward(c0=np.zeros((3, 5)))),
    Case(L, "lstm_backward(c0 with NaN)", "c0", lambda: lstm_backward(c0=nan_in(STATE, 9))),
    # params
    Case(L, "lstm_backward(params W_h with NaN)", "W_h",
         lambda: lstm_backward(params=lstm_params(W_h=nan_in(np.zeros((5, 20)), 3)))),
    Case(L, "lstm_backward(params b with inf)", "params['b']",
         lambda: lstm_backward(params=lstm_params(b=nan_in(np.zeros(20), 3, np.inf)))),
    Case(L, "lstm_backward(params without W_x)", "missing W_x",
         lambda: lstm_backward(params=without(lstm_params(), "W_x"))),
    Case(L, "lstm_backward(params with an extra W_hy)", "unexpected W_hy",
         lambda: lstm_backward(params=lstm_params(W_hy=np.zeros((5, 1))))),
    Case(L, "lstm_backward(params shaped like a SimpleRNN's)", "4*units",
         lambda: lstm_backward(params={"W_x": np.zeros((4, 5)), "W_h": np.zeros((5, 5)),
                                       "b": np.zeros(5)})),
    Case(L, "lstm_backward(params of a GRU)", "params['b']",
         lambda: lstm_backward(params=gru_params())),
    Case(L, "lstm_backward(params=None)", "params", lambda: lstm_backward(params=None)),
]

# ---------------------------------------------------------------- gru_numpy

G = "gru_numpy"
GRU_CASES = [
    Case(G, "gru_init_params(num_features=0)", "num_features",
         lambda: gru_numpy.gru_init_params(0, 5, np.random.default_rng(0))),
    Case(G, "gru_init_params(num_units=-1)", "num_units",
         lambda: gru_numpy.gru_init_params(4, -1, np.random.default_rng(0))),
    Case(G, "gru_init_params(num_units=1.5)", "num_units",
         lambda: gru_numpy.gru_init_params(4, 1.5, np.random.default_rng(0))),
    Case(G, "gru_init_params(num_features=True)", "num_features",
         lambda: gru_numpy.gru_init_params(True, 5, np.random.default_rng(0))),
    Case(G, "gru_init_params(num_units='5')", "num_units",
         lambda: gru_numpy.gru_init_params(4, "5", np.random.default_rng(0))),
    Case(G, "gru_init_params(rng=0)", "rng", lambda: gru_numpy.gru_init_params(4, 5, 0)),
    Case(G, "gru_init_params(rng=None)", "rng", lambda: gru_numpy.gru_init_params(4, 5, None)),
    # gru_step
    Case(G, "gru_step(x_t with 3 features)", "x_t", lambda: gru_step(x_t=np.zeros((2, 3)))),
    Case(G, "gru_step(x_t 1-D)", "x_t", lambda: gru_step(x_t=np.zeros(4))),
    Case(G, "gru_step(x_t with NaN)", "x_t", lambda: gru_step(x_t=nan_in(X[:, 0], 2))),
    Case(G, "gru_step(x_t complex)", "x_t", lambda: gru_step(x_t=X[:, 0] + 1j)),
    Case(G, "gru_step(h_prev with 4 units)", "h_prev", lambda: gru_step(h_prev=np.zeros((2, 4)))),
    Case(G, "gru_step(h_prev batch 3)", "h_prev", lambda: gru_step(h_prev=np.zeros((3, 5)))),
    Case(G, "gru_step(h_prev with inf)", "h_prev",
         lambda: gru_step(h_prev=nan_in(STATE, 0, np.inf))),
    Case(G, "gru_step(params W_x with NaN)", "W_x",
         lambda: gru_step(params=gru_params(W_x=nan_in(np.zeros((4, 15)), 5)))),
    Case(G, "gru_step(params W_h with inf)", "W_h",
         lambda: gru_step(params=gru_params(W_h=nan_in(np.zeros((5, 15)), 5, np.inf)))),
    Case(G, "gru_step(params b with NaN)", "params['b']",
         lambda: gru_step(params=gru_params(b=nan_in(np.zeros((2, 15)), 20)))),
    Case(G, "gru_step(params without W_h)", "W_h",
         lambda: gru_step(params=without(gru_params(), "W_h"))),
    Case(G, "gru_step(params b (15,), reset_after=False's layout)", "params['b']",
         lambda: gru_step(params=gru_params(b=np.zeros(15)))),
    Case(G, "gru_step(params b (3, 15))", "b (2, 3*units)",
         lambda: gru_step(params=gru_params(b=np.zeros((3, 15))))),
    Case(G, "gru_step(params b (2, 12), W_h (5, 15))", "params['b']",
         lambda: gru_step(params=gru_params(b=np.zeros((2, 12))))),
    Case(G, "gru_step(params of an LSTM)", "params['b']", lambda: gru_step(params=lstm_params())),
    Case(G, "gru_step(params a list)", "params",
         lambda: gru_step(params=list(gru_params().values()))),
    # gru_forward
    Case(G, "gru_forward(x 2-D)", "x must", lambda: gru_forward(np.zeros((3, 4)))),
    Case(G, "gru_forward(x 4-D)", "x must", lambda: gru_forward(np.zeros((1, 2, 3, 4)))),
    Case(G, "gru_forward(x with 5 features)", "x must", lambda: gru_forward(np.zeros((2, 3, 5)))),
    Case(G, "gru_forward(x empty time axis)", "x has an empty",
         lambda: gru_forward(np.zeros((2, 0, 4)))),
    Case(G, "gru_forward(x empty batch axis)", "x has an empty",
         lambda: gru_forward(np.zeros((0, 3, 4)))),
    Case(G, "gru_forward(x with NaN)", "x must be finite", lambda: gru_forward(nan_in(X, 7))),
    Case(G, "gru_forward(x with -inf)", "x must be finite",
         lambda: gru_forward(nan_in(X, 0, -np.inf))),
    Case(G, "gru_forward(x bool)", "x must", lambda: gru_forward(np.ones((2, 3, 4), bool))),
    Case(G, "gru_forward(x strings)", "x must", lambda: gru_forward(np.full((2, 3, 4), "x"))),
    Case(G, "gru_forward(x=None)", "x must", lambda: gru_forward(None)),
    Case(G, "gru_forward(h0 with 6 units)", "h0", lambda: gru_forward(h0=np.zeros((2, 6)))),
    Case(G, "gru_forward(h0 1-D)", "h0", lambda: gru_forward(h0=np.zeros(5))),
    Case(G, "gru_forward(h0 with NaN)", "h0", lambda: gru_forward(h0=nan_in(STATE, 1))),
    Case(G, "gru_forward(params W_x with NaN)", "W_x",
         lambda: gru_forward(params=gru_params(W_x=nan_in(np.zeros((4, 15)), 0)))),
    Case(G, "gru_forward(params b with NaN)", "params['b']",
         lambda: gru_forward(params=gru_params(b=nan_in(np.zeros((2, 15)), 0)))),
    Case(G, "gru_forward(params without b)", "missing b",
         lambda: gru_forward(params=without(gru_params(), "b"))),
    Case(G, "gru_forward(params W_h 3-D)", "W_h",
         lambda: gru_forward(params=gru_params(W_h=np.zeros((5, 15, 1))))),
    Case(G, "gru_forward(params W_x (4, 18), W_h (5, 15))", "W_x",
         lambda: gru_forward(params=gru_params(W_x=np.zeros((4, 18))))),
    Case(G, "gru_forward(params b (15,), reset_after=False's layout)", "params['b']",
         lambda: gru_forward(params=gru_params(b=np.zeros(15)))),
    Case(G, "gru_forward(params shaped like a SimpleRNN's)", "3*units",
         lambda: gru_forward(params={"W_x": np.zeros((4, 5)), "W_h": np.zeros((5, 5)),
                                     "b": np.zeros((2, 5))})),
    Case(G, "gru_forward(params=None)", "params", lambda: gru_numpy.gru_forward(X, None)),
    Case(G, "gru_forward(return_gates='yes')", "return_gates",
         lambda: gru_forward(return_gates="yes")),
    Case(G, "gru_forward(return_gates=0)", "return_gates", lambda: gru_forward(return_gates=0)),
    # gru_backward
    Case(G, "gru_backward(x 2-D)", "x must", lambda: gru_backward(x=np.zeros((3, 4)))),
    Case(G, "gru_backward(x with 5 features)", "x must",
         lambda: gru_backward(x=np.zeros((2, 3, 5)))),
    Case(G, "gru_backward(x with inf)", "x must be finite",
         lambda: gru_backward(x=nan_in(X, 3, np.inf))),
    Case(G, "gru_backward(x empty batch axis)", "x has an empty",
         lambda: gru_backward(x=np.zeros((0, 3, 4)))),
    Case(G, "gru_backward(h with 6 units)", "h must", lambda: gru_backward(h=np.zeros((2, 3, 6)))),
    Case(G, "gru_backward(h with 2 steps, x has 3)", "h must",
         lambda: gru_backward(h=np.zeros((2, 2, 5)))),
    Case(G, "gru_backward(h with NaN)", "h must be finite",
         lambda: gru_backward(h=nan_in(SEQUENCE, 4))),
    Case(G, "gru_backward(gates of one block, (2, 3, 5))", "gates must",
         lambda: gru_backward(gates=SEQUENCE)),
    Case(G, "gru_backward(gates of an LSTM, (2, 3, 20))", "gates must",
         lambda: gru_backward(gates=LSTM_GATES)),
    Case(G, "gru_backward(gates with NaN)", "gates must be finite",
         lambda: gru_backward(gates=nan_in(GRU_GATES, 8))),
    Case(G, "gru_backward(gates=None)", "gates must", lambda: gru_backward(gates=None)),
    Case(G, "gru_backward(h and gates swapped)", "h must",
         lambda: gru_backward(h=GRU_GATES, gates=SEQUENCE)),
    Case(G, "gru_backward(gates a list of arrays)", "gates must",
         lambda: gru_backward(gates=[SEQUENCE] * 3)),
    Case(G, "gru_backward(dh with 4 units)", "dh must",
         lambda: gru_backward(dh=np.zeros((2, 3, 4)))),
    Case(G, "gru_backward(dh 2-D)", "dh must", lambda: gru_backward(dh=STATE)),
    Case(G, "gru_backward(dh with NaN)", "dh must be finite",
         lambda: gru_backward(dh=nan_in(SEQUENCE, 0))),
    Case(G, "gru_backward(dh_T batch 3)", "dh_T", lambda: gru_backward(dh_T=np.zeros((3, 5)))),
    Case(G, "gru_backward(dh_T with inf)", "dh_T",
         lambda: gru_backward(dh_T=nan_in(STATE, 2, np.inf))),
    Case(G, "gru_backward(h0 with 4 units)", "h0", lambda: gru_backward(h0=np.zeros((2, 4)))),
    Case(G, "gru_backward(h0 with NaN)", "h0", lambda: gru_backward(h0=nan_in(STATE, 3))),
    Case(G, "gru_backward(params W_h with NaN)", "W_h",
         lambda: gru_backward(params=gru_params(W_h=nan_in(np.zeros((5, 15)), 1)))),
    Case(G, "gru_backward(params without W_x)", "missing W_x",
         lambda: gru_backward(params=without(gru_params(), "W_x"))),
    Case(G, "gru_backward(params with an extra W_hy)", "unexpected W_hy",
         lambda: gru_backward(params=gru_params(W_hy=np.zeros((5, 1))))),
    Case(G, "gru_backward(params b (15,), reset_after=False's layout)", "params['b']",
         lambda: gru_backward(params=gru_params(b=np.zeros(15)))),
    Case(G, "gru_backward(params=None)", "params", lambda: gru_backward(params=None)),
]

CASES = LSTM_CASES + GRU_CASES


@pytest.mark.parametrize("case", CASES, ids=str)
def test_bad_input_is_refused_clearly(case):
    outcome, what = classify(case)
    assert outcome == "clear", what


def test_the_suite_covers_every_new_function():
    """Each public function of gru_numpy, and lstm_backward, has at least two cases here."""
    public = [f"gru_numpy.{name}" for name, value in vars(gru_numpy).items()
              if callable(value) and not name.startswith("_")
              and getattr(value, "__module__", "") == gru_numpy.__name__]
    for function in public + ["lstm_numpy.lstm_backward"]:
        module, name = function.split(".")
        count = sum(case.module == module and case.call.startswith(name + "(") for case in CASES)
        assert count >= 2, f"{function} has {count} bad-input cases"
    assert sum("return_gates" in case.call for case in LSTM_CASES) >= 2


# ---------------------------------------------------------------- properties


def assert_clear(module, call, argument, run):
    outcome, what = classify(Case(module, call, argument, run))
    assert outcome == "clear", f"{call}: {what}"


LSTM_SHAPES = {"W_x": (4, 20), "W_h": (5, 20), "b": (20,)}
GRU_SHAPES = {"W_x": (4, 15), "W_h": (5, 15), "b": (2, 15)}


@settings(max_examples=20, deadline=None)
@given(name=st.sampled_from(sorted(GRU_SHAPES)), position=st.integers(0, 99),
       bad=st.sampled_from([np.nan, np.inf, -np.inf]))
def test_a_non_finite_weight_is_named(name, position, bad):
    gru = gru_params(**{name: nan_in(gru_params()[name], position % int(np.prod(
        GRU_SHAPES[name])), bad)})
    lstm = lstm_params(**{name: nan_in(lstm_params()[name], position % int(np.prod(
        LSTM_SHAPES[name])), bad)})
    argument = f"params['{name}']"
    assert_clear(G, f"gru_forward({name} with {bad})", argument, lambda: gru_forward(params=gru))
    assert_clear(G, f"gru_backward({name} with {bad})", argument, lambda: gru_backward(params=gru))
    assert_clear(L, f"lstm_backward({name} with {bad})", argument,
                 lambda: lstm_backward(params=lstm))


@settings(max_examples=30, deadline=None)
@given(shape=st.lists(st.integers(0, 6), min_size=1, max_size=4).map(tuple),
       which=st.sampled_from(["h", "dh", "gates"]))
def test_a_backward_array_of_the_wrong_shape_is_named(shape, which):
    for module, run, gates_shape in ((G, gru_backward, GRU_GATES.shape),
                                     (L, lstm_backward, LSTM_GATES.shape)):
        if shape != (gates_shape if which == "gates" else SEQUENCE.shape):
            assert_clear(module, f"{run.__name__}({which} of shape {shape})", f"{which} must",
                         lambda: run(**{which: np.zeros(shape)}))
