"""Bad input to the numeric helpers: every wrong call is refused with a clear error.

One Case per wrong call (tests/bad_input.py): rnn_numpy, lstm_numpy, train_numpy, windows,
forecast and anomaly, every public function, several bad inputs each: the wrong type, rank,
size along each named axis, NaN/inf in data and in parameters, bools and floats where an
integer belongs, zero/negative sizes, empty arrays, hyperparameters out of range, missing and
extra keys. A clear error is a ValueError or TypeError whose message names the argument.
The property tests at the end draw the bad value at random (wrong sizes, NaN positions).
"""

import os

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # before keras imports TensorFlow

import keras  # noqa: E402  (imported once here, so that no case times out importing it)

from bad_input import Case, all_cases, classify  # noqa: E402
from rnncourse import anomaly, forecast, lstm_numpy, rnn_numpy, train_numpy, windows  # noqa: E402

# ---------------------------------------------------------------- inputs, good unless changed


def nan_in(array, index=0, value=np.nan):
    """A float copy of ``array`` with ``value`` at flat position ``index``."""
    bad = np.array(array, dtype=float)
    bad.flat[index] = value
    return bad


def without(mapping, key):
    return {name: value for name, value in mapping.items() if name != key}


def rnn_params(**changes):
    """init_params(features=4, units=5, outputs=2), with some entries replaced."""
    return rnn_numpy.init_params(4, 5, 2, np.random.default_rng(0)) | changes


def lstm_params(**changes):
    """lstm_init_params(features=4, units=5), with some entries replaced."""
    return lstm_numpy.lstm_init_params(4, 5, np.random.default_rng(0)) | changes


X = np.zeros((2, 3, 4))  # (batch, time, features)
H = np.zeros((2, 3, 5))  # (batch, time, units)
DY = np.zeros((2, 3, 2))  # (batch, time, outputs)
STATE = np.zeros((2, 5))  # (batch, units)


def forward(x=X, params=None, **kwargs):
    return rnn_numpy.rnn_forward(x, rnn_params() if params is None else params, **kwargs)


def backward(**changes):
    args = dict(x=X, h=H, params=rnn_params(), dy=DY) | changes
    return rnn_numpy.rnn_backward(**args)


def step(x_t=X[:, 0], h_prev=STATE, params=None):
    return rnn_numpy.rnn_step(x_t, h_prev, rnn_params() if params is None else params)


def lstm_step(x_t=X[:, 0], h_prev=STATE, c_prev=STATE, params=None):
    return lstm_numpy.lstm_step(x_t, h_prev, c_prev, lstm_params() if params is None else params)


def lstm_forward(x=X, params=None, **kwargs):
    return lstm_numpy.lstm_forward(x, lstm_params() if params is None else params, **kwargs)


def grads_like(params, **changes):
    return {name: np.zeros_like(value) for name, value in params.items()} | changes


def adam(params=None, grads=None, state=None, learning_rate=0.01, **kwargs):
    params = rnn_params() if params is None else params
    grads = grads_like(rnn_params()) if grads is None else grads
    state = train_numpy.adam_init(rnn_params()) if state is None else state
    return train_numpy.adam_update(params, grads, state, learning_rate, **kwargs)


def adam_state(**changes):
    return train_numpy.adam_init(rnn_params()) | changes


def sgd(params=None, grads=None, learning_rate=0.01):
    params = rnn_params() if params is None else params
    grads = grads_like(rnn_params()) if grads is None else grads
    return train_numpy.sgd_update(params, grads, learning_rate)


# A tiny training set: 6 windows of 3 steps, 1 feature, 1 output; params to match.
TRAIN_X = np.linspace(0, 1, 18).reshape(6, 3, 1)  # (samples, time, features)
TRAIN_Y = TRAIN_X[:, -1] + 0.1  # (samples, outputs)


def small_params(**changes):
    return rnn_numpy.init_params(1, 3, 1, np.random.default_rng(1)) | changes


def fit(x=TRAIN_X, y=TRAIN_Y, params=None, **changes):
    settings = dict(epochs=1, learning_rate=0.01) | changes
    return train_numpy.fit(small_params() if params is None else params, x, y, **settings)


def loss_and_grads(x=TRAIN_X, y=TRAIN_Y, params=None, **kwargs):
    return train_numpy.loss_and_grads(small_params() if params is None else params, x, y,
                                      **kwargs)


SERIES = np.arange(20.0)  # (time,)
WIN_X, WIN_Y = windows.make_windows(np.arange(10.0), past=3)  # (7, 3, 1), (7, 1)
SPLIT_X, SPLIT_Y = windows.make_windows(np.arange(50.0), past=5, horizon=4)  # 42 windows


def split(x=SPLIT_X, y=SPLIT_Y, train_end=30, validation_end=40):
    return forecast.split_windows(x, y, train_end, validation_end)


def last_value(window):  # (windows, past, 1) -> (windows,)
    return window[:, -1, 0]


def tiny_model():
    keras.utils.set_random_seed(0)
    return keras.Sequential([keras.Input(shape=(3, 1)), keras.layers.Flatten(),
                             keras.layers.Dense(1)])


def fit_cosine(train=(WIN_X, WIN_Y), validation=None, model=None, **changes):
    settings = dict(steps=10, batch_size=4, learning_rate=0.01, seed=0, num_evaluations=1,
                    steps_per_execution=10) | changes
    return forecast.fit_cosine(tiny_model() if model is None else model, train, validation,
                               **settings)


LABELS = np.array([0, 1, 1, 0, 0, 1, 0, 0], dtype=bool)  # two anomalies
FLAGS = np.array([0, 1, 0, 0, 0, 0, 0, 1], dtype=bool)


# ---------------------------------------------------------------- rnn_numpy

R = "rnn_numpy"
RNN_CASES = [
    # init_params and glorot_uniform: sizes are integers >= 1, rng a Generator
    Case(R, "init_params(num_features=0)", "num_features",
         lambda: rnn_numpy.init_params(0, 5, 2, np.random.default_rng(0))),
    Case(R, "init_params(num_units=-3)", "num_units",
         lambda: rnn_numpy.init_params(4, -3, 2, np.random.default_rng(0))),
    Case(R, "init_params(num_outputs=2.5)", "num_outputs",
         lambda: rnn_numpy.init_params(4, 5, 2.5, np.random.default_rng(0))),
    Case(R, "init_params(num_units=True)", "num_units",
         lambda: rnn_numpy.init_params(4, True, 2, np.random.default_rng(0))),
    Case(R, "init_params(num_features='4')", "num_features",
         lambda: rnn_numpy.init_params("4", 5, 2, np.random.default_rng(0))),
    Case(R, "init_params(num_units=np.float64(5))", "num_units",
         lambda: rnn_numpy.init_params(4, np.float64(5), 2, np.random.default_rng(0))),
    Case(R, "init_params(rng=0)", "rng", lambda: rnn_numpy.init_params(4, 5, 2, 0)),
    Case(R, "init_params(rng=None)", "rng", lambda: rnn_numpy.init_params(4, 5, 2, None)),
    Case(R, "init_params(rng=np.random.RandomState(0))", "rng",
         lambda: rnn_numpy.init_params(4, 5, 2, np.random.RandomState(0))),
    Case(R, "glorot_uniform(fan_in=0)", "fan_in",
         lambda: rnn_numpy.glorot_uniform(0, 3, np.random.default_rng(0))),
    Case(R, "glorot_uniform(fan_out=2.0)", "fan_out",
         lambda: rnn_numpy.glorot_uniform(3, 2.0, np.random.default_rng(0))),
    Case(R, "glorot_uniform(rng=7)", "rng", lambda: rnn_numpy.glorot_uniform(3, 2, 7)),
    # count_params: a non-empty dict of numeric arrays
    Case(R, "count_params(a list of arrays)", "params",
         lambda: rnn_numpy.count_params(list(rnn_params().values()))),
    Case(R, "count_params({})", "params", lambda: rnn_numpy.count_params({})),
    Case(R, "count_params({'W': 'abc'})", "params['W']",
         lambda: rnn_numpy.count_params({"W": "abc"})),
    Case(R, "count_params({'W': None})", "params['W']",
         lambda: rnn_numpy.count_params({"W": None})),
    Case(R, "count_params({'W': ragged list})", "params['W']",
         lambda: rnn_numpy.count_params({"W": [[1.0, 2.0], [3.0]]})),
    Case(R, "count_params(an array)", "params", lambda: rnn_numpy.count_params(np.zeros(3))),
    # rnn_step
    Case(R, "rnn_step(x_t 1-D)", "x_t", lambda: step(x_t=np.zeros(4))),
    Case(R, "rnn_step(x_t with 3 features, W_xh has 4)", "x_t", lambda: step(x_t=np.zeros((2, 3)))),
    Case(R, "rnn_step(h_prev with 6 units, W_hh has 5)", "h_prev",
         lambda: step(h_prev=np.zeros((2, 6)))),
    Case(R, "rnn_step(h_prev batch 3, x_t batch 2)", "h_prev",
         lambda: step(h_prev=np.zeros((3, 5)))),
    Case(R, "rnn_step(x_t with NaN)", "x_t", lambda: step(x_t=nan_in(X[:, 0], 3))),
    Case(R, "rnn_step(h_prev with inf)", "h_prev", lambda: step(h_prev=nan_in(STATE, 1, np.inf))),
    Case(R, "rnn_step(h_prev=None)", "h_prev", lambda: step(h_prev=None)),
    Case(R, "rnn_step(x_t complex)", "x_t", lambda: step(x_t=X[:, 0] + 1j)),
    Case(R, "rnn_step(x_t strings)", "x_t", lambda: step(x_t=np.full((2, 4), "a"))),
    Case(R, "rnn_step(params W_hh with NaN)", "W_hh",
         lambda: step(params=rnn_params(W_hh=nan_in(np.eye(5), 7)))),
    Case(R, "rnn_step(params without b_h)", "b_h",
         lambda: step(params=without(rnn_params(), "b_h"))),
    Case(R, "rnn_step(params W_hh (5, 6))", "W_hh",
         lambda: step(params=rnn_params(W_hh=np.zeros((5, 6))))),
    Case(R, "rnn_step(params b_h (4,))", "b_h", lambda: step(params=rnn_params(b_h=np.zeros(4)))),
    Case(R, "rnn_step(params a list)", "params",
         lambda: step(params=list(rnn_params().values()))),
    # rnn_forward: x
    Case(R, "rnn_forward(x 2-D)", "x must", lambda: forward(np.zeros((3, 4)))),
    Case(R, "rnn_forward(x 4-D)", "x must", lambda: forward(np.zeros((1, 2, 3, 4)))),
    Case(R, "rnn_forward(x with 5 features, W_xh has 4)", "x must",
         lambda: forward(np.zeros((2, 3, 5)))),
    Case(R, "rnn_forward(x with NaN)", "x must be finite", lambda: forward(nan_in(X, 5))),
    Case(R, "rnn_forward(x with -inf)", "x must be finite", lambda: forward(nan_in(X, 0, -np.inf))),
    Case(R, "rnn_forward(x empty time axis)", "x has an empty",
         lambda: forward(np.zeros((2, 0, 4)))),
    Case(R, "rnn_forward(x empty batch axis)", "x has an empty",
         lambda: forward(np.zeros((0, 3, 4)))),
    Case(R, "rnn_forward(x complex)", "x must", lambda: forward(X + 1j)),
    Case(R, "rnn_forward(x bool)", "x must", lambda: forward(np.zeros((2, 3, 4), bool))),
    Case(R, "rnn_forward(x a ragged list)", "x must",
         lambda: forward([[[0.0] * 4] * 3, [[0.0] * 4] * 2])),
    Case(R, "rnn_forward(x with None inside)", "x must",
         lambda: forward([[[0.0, 0.0, 0.0, None]]])),
    Case(R, "rnn_forward(x='abc')", "x must", lambda: forward("abc")),
    Case(R, "rnn_forward(x=None)", "x must", lambda: forward(None)),
    # rnn_forward: params
    Case(R, "rnn_forward(params W_hh with NaN)", "W_hh",
         lambda: forward(params=rnn_params(W_hh=nan_in(np.eye(5), 3)))),
    Case(R, "rnn_forward(params W_xh with inf)", "W_xh",
         lambda: forward(params=rnn_params(W_xh=nan_in(np.zeros((4, 5)), 2, np.inf)))),
    Case(R, "rnn_forward(params b_h with NaN)", "b_h",
         lambda: forward(params=rnn_params(b_h=nan_in(np.zeros(5))))),
    Case(R, "rnn_forward(params without W_hh)", "W_hh",
         lambda: forward(params=without(rnn_params(), "W_hh"))),
    Case(R, "rnn_forward(params without W_xh)", "W_xh",
         lambda: forward(params=without(rnn_params(), "W_xh"))),
    Case(R, "rnn_forward(params W_hh (5, 6))", "W_hh",
         lambda: forward(params=rnn_params(W_hh=np.zeros((5, 6))))),
    Case(R, "rnn_forward(params W_xh (4, 6), W_hh (5, 5))", "W_xh",
         lambda: forward(params=rnn_params(W_xh=np.zeros((4, 6))))),
    Case(R, "rnn_forward(params b_h (6,))", "b_h",
         lambda: forward(params=rnn_params(b_h=np.zeros(6)))),
    Case(R, "rnn_forward(params b_h (1, 5))", "b_h",
         lambda: forward(params=rnn_params(b_h=np.zeros((1, 5))))),
    Case(R, "rnn_forward(params W_hh strings)", "W_hh",
         lambda: forward(params=rnn_params(W_hh=np.full((5, 5), "0")))),
    Case(R, "rnn_forward(params=[])", "params", lambda: forward(params=[])),
    # rnn_forward: h0 and mask
    Case(R, "rnn_forward(h0 with 6 units)", "h0", lambda: forward(h0=np.zeros((2, 6)))),
    Case(R, "rnn_forward(h0 batch 3)", "h0", lambda: forward(h0=np.zeros((3, 5)))),
    Case(R, "rnn_forward(h0 1-D)", "h0", lambda: forward(h0=np.zeros(5))),
    Case(R, "rnn_forward(h0 with NaN)", "h0", lambda: forward(h0=nan_in(STATE, 4))),
    Case(R, "rnn_forward(mask with 4 steps, x has 3)", "mask",
         lambda: forward(mask=np.ones((2, 4), bool))),
    Case(R, "rnn_forward(mask 3-D)", "mask", lambda: forward(mask=np.ones((2, 3, 1), bool))),
    Case(R, "rnn_forward(mask of floats 0.2, 0.9)", "mask",
         lambda: forward(mask=np.full((2, 3), 0.2) + np.eye(2, 3) * 0.7)),
    Case(R, "rnn_forward(mask of floats 0.0/1.0)", "mask", lambda: forward(mask=np.ones((2, 3)))),
    Case(R, "rnn_forward(mask with a 2)", "mask",
         lambda: forward(mask=np.array([[1, 2, 1], [1, 1, 1]]))),
    Case(R, "rnn_forward(mask='all')", "mask", lambda: forward(mask="all")),
    # rnn_outputs
    Case(R, "rnn_outputs(h 2-D)", "h must",
         lambda: rnn_numpy.rnn_outputs(np.zeros((2, 5)), rnn_params())),
    Case(R, "rnn_outputs(h with 6 units, W_hy has 5)", "h must",
         lambda: rnn_numpy.rnn_outputs(np.zeros((2, 3, 6)), rnn_params())),
    Case(R, "rnn_outputs(h with NaN)", "h must be finite",
         lambda: rnn_numpy.rnn_outputs(nan_in(H, 2), rnn_params())),
    Case(R, "rnn_outputs(h empty time axis)", "h has an empty",
         lambda: rnn_numpy.rnn_outputs(np.zeros((2, 0, 5)), rnn_params())),
    Case(R, "rnn_outputs(params b_y (3,), W_hy (5, 2))", "b_y",
         lambda: rnn_numpy.rnn_outputs(H, rnn_params(b_y=np.zeros(3)))),
    Case(R, "rnn_outputs(params b_y (1,))", "b_y",
         lambda: rnn_numpy.rnn_outputs(H, rnn_params(b_y=np.zeros(1)))),
    Case(R, "rnn_outputs(params b_y (1, 2))", "b_y",
         lambda: rnn_numpy.rnn_outputs(H, rnn_params(b_y=np.zeros((1, 2))))),
    Case(R, "rnn_outputs(params W_hy with NaN)", "W_hy",
         lambda: rnn_numpy.rnn_outputs(H, rnn_params(W_hy=nan_in(np.zeros((5, 2)), 1)))),
    Case(R, "rnn_outputs(params without W_hy)", "W_hy",
         lambda: rnn_numpy.rnn_outputs(H, without(rnn_params(), "W_hy"))),
    Case(R, "rnn_outputs(params a tuple)", "params",
         lambda: rnn_numpy.rnn_outputs(H, tuple(rnn_params().values()))),
    # rnn_backward
    Case(R, "rnn_backward(h with 6 units)", "h must", lambda: backward(h=np.zeros((2, 3, 6)))),
    Case(R, "rnn_backward(h 2-D)", "h must", lambda: backward(h=np.zeros((2, 5)))),
    Case(R, "rnn_backward(h with 4 steps, x has 3)", "h must",
         lambda: backward(h=np.zeros((2, 4, 5)))),
    Case(R, "rnn_backward(h with NaN)", "h must be finite", lambda: backward(h=nan_in(H, 9))),
    Case(R, "rnn_backward(dy 2-D)", "dy", lambda: backward(dy=np.zeros((2, 2)))),
    Case(R, "rnn_backward(dy with 3 outputs, W_hy has 2)", "dy",
         lambda: backward(dy=np.zeros((2, 3, 3)))),
    Case(R, "rnn_backward(dy batch 3)", "dy", lambda: backward(dy=np.zeros((3, 3, 2)))),
    Case(R, "rnn_backward(dy with NaN)", "dy", lambda: backward(dy=nan_in(DY, 0))),
    Case(R, "rnn_backward(h0 with 4 units)", "h0", lambda: backward(h0=np.zeros((2, 4)))),
    Case(R, "rnn_backward(h0 with inf)", "h0", lambda: backward(h0=nan_in(STATE, 0, np.inf))),
    Case(R, "rnn_backward(truncate=0)", "truncate", lambda: backward(truncate=0)),
    Case(R, "rnn_backward(truncate=-2)", "truncate", lambda: backward(truncate=-2)),
    Case(R, "rnn_backward(truncate=1.5)", "truncate", lambda: backward(truncate=1.5)),
    Case(R, "rnn_backward(truncate=True)", "truncate", lambda: backward(truncate=True)),
    Case(R, "rnn_backward(truncate='2')", "truncate", lambda: backward(truncate="2")),
    Case(R, "rnn_backward(x with 3 features)", "x must", lambda: backward(x=np.zeros((2, 3, 3)))),
    Case(R, "rnn_backward(x with NaN)", "x must be finite", lambda: backward(x=nan_in(X, 1))),
    Case(R, "rnn_backward(params W_hh with NaN)", "W_hh",
         lambda: backward(params=rnn_params(W_hh=nan_in(np.eye(5), 0)))),
    Case(R, "rnn_backward(params W_hy with NaN)", "W_hy",
         lambda: backward(params=rnn_params(W_hy=nan_in(np.zeros((5, 2)), 3)))),
    Case(R, "rnn_backward(params b_y with inf)", "b_y",
         lambda: backward(params=rnn_params(b_y=nan_in(np.zeros(2), 1, np.inf)))),
    Case(R, "rnn_backward(params without W_hy)", "W_hy",
         lambda: backward(params=without(rnn_params(), "W_hy"))),
    Case(R, "rnn_backward(params with an extra key W_extra)", "W_extra",
         lambda: backward(params=rnn_params(W_extra=np.zeros(3)))),
    Case(R, "rnn_backward(params b_y (3,))", "b_y",
         lambda: backward(params=rnn_params(b_y=np.zeros(3)))),
    # mse_loss
    Case(R, "mse_loss(shapes (2, 3) and (3, 2))", "y_true",
         lambda: rnn_numpy.mse_loss(np.zeros((2, 3)), np.zeros((3, 2)))),
    Case(R, "mse_loss(shapes (3,) and (3, 1))", "y_true",
         lambda: rnn_numpy.mse_loss(np.zeros(3), np.zeros((3, 1)))),
    Case(R, "mse_loss(empty arrays)", "y_pred",
         lambda: rnn_numpy.mse_loss(np.zeros((0, 1)), np.zeros((0, 1)))),
    Case(R, "mse_loss(y_pred with inf)", "y_pred",
         lambda: rnn_numpy.mse_loss(np.full((2, 1), np.inf), np.zeros((2, 1)))),
    Case(R, "mse_loss(y_true with NaN)", "y_true",
         lambda: rnn_numpy.mse_loss(np.zeros((2, 1)), np.full((2, 1), np.nan))),
    Case(R, "mse_loss(y_pred strings)", "y_pred",
         lambda: rnn_numpy.mse_loss(np.array(["1", "2"]), np.zeros(2))),
    Case(R, "mse_loss(y_true complex)", "y_true",
         lambda: rnn_numpy.mse_loss(np.zeros(2), np.zeros(2) + 1j)),
    Case(R, "mse_loss(y_pred=None)", "y_pred", lambda: rnn_numpy.mse_loss(None, np.zeros(2))),
    Case(R, "mse_loss(y_pred ragged)", "y_pred",
         lambda: rnn_numpy.mse_loss([[1.0], [1.0, 2.0]], np.zeros(2))),
    # clip_by_global_norm
    Case(R, "clip_by_global_norm(max_norm=0)", "max_norm",
         lambda: rnn_numpy.clip_by_global_norm(grads_like(rnn_params()), 0.0)),
    Case(R, "clip_by_global_norm(max_norm=-1)", "max_norm",
         lambda: rnn_numpy.clip_by_global_norm(grads_like(rnn_params()), -1.0)),
    Case(R, "clip_by_global_norm(max_norm=NaN)", "max_norm",
         lambda: rnn_numpy.clip_by_global_norm(grads_like(rnn_params()), np.nan)),
    Case(R, "clip_by_global_norm(max_norm=inf)", "max_norm",
         lambda: rnn_numpy.clip_by_global_norm(grads_like(rnn_params()), np.inf)),
    Case(R, "clip_by_global_norm(max_norm='1')", "max_norm",
         lambda: rnn_numpy.clip_by_global_norm(grads_like(rnn_params()), "1")),
    Case(R, "clip_by_global_norm(max_norm=True)", "max_norm",
         lambda: rnn_numpy.clip_by_global_norm(grads_like(rnn_params()), True)),
    Case(R, "clip_by_global_norm(max_norm=np.array([1.0]))", "max_norm",
         lambda: rnn_numpy.clip_by_global_norm(grads_like(rnn_params()), np.array([1.0]))),
    Case(R, "clip_by_global_norm(grads b_h with NaN)", "b_h",
         lambda: rnn_numpy.clip_by_global_norm(
             grads_like(rnn_params(), b_h=nan_in(np.zeros(5), 1)), 1.0)),
    Case(R, "clip_by_global_norm(grads a list)", "grads",
         lambda: rnn_numpy.clip_by_global_norm(list(rnn_params().values()), 1.0)),
    Case(R, "clip_by_global_norm(grads {})", "grads",
         lambda: rnn_numpy.clip_by_global_norm({}, 1.0)),
    Case(R, "clip_by_global_norm(grads {'W': 'big'})", "grads['W']",
         lambda: rnn_numpy.clip_by_global_norm({"W": "big"}, 1.0)),
]

# ---------------------------------------------------------------- lstm_numpy

L = "lstm_numpy"
LSTM_CASES = [
    Case(L, "lstm_init_params(num_features=0)", "num_features",
         lambda: lstm_numpy.lstm_init_params(0, 5, np.random.default_rng(0))),
    Case(L, "lstm_init_params(num_units=-1)", "num_units",
         lambda: lstm_numpy.lstm_init_params(4, -1, np.random.default_rng(0))),
    Case(L, "lstm_init_params(num_units=1.5)", "num_units",
         lambda: lstm_numpy.lstm_init_params(4, 1.5, np.random.default_rng(0))),
    Case(L, "lstm_init_params(num_features=True)", "num_features",
         lambda: lstm_numpy.lstm_init_params(True, 5, np.random.default_rng(0))),
    Case(L, "lstm_init_params(num_units='5')", "num_units",
         lambda: lstm_numpy.lstm_init_params(4, "5", np.random.default_rng(0))),
    Case(L, "lstm_init_params(rng=0)", "rng", lambda: lstm_numpy.lstm_init_params(4, 5, 0)),
    Case(L, "lstm_init_params(rng=None)", "rng", lambda: lstm_numpy.lstm_init_params(4, 5, None)),
    # lstm_step
    Case(L, "lstm_step(x_t with 3 features)", "x_t", lambda: lstm_step(x_t=np.zeros((2, 3)))),
    Case(L, "lstm_step(x_t 1-D)", "x_t", lambda: lstm_step(x_t=np.zeros(4))),
    Case(L, "lstm_step(x_t with NaN)", "x_t", lambda: lstm_step(x_t=nan_in(X[:, 0], 2))),
    Case(L, "lstm_step(x_t complex)", "x_t", lambda: lstm_step(x_t=X[:, 0] + 1j)),
    Case(L, "lstm_step(c_prev with 4 units)", "c_prev", lambda: lstm_step(c_prev=np.zeros((2, 4)))),
    Case(L, "lstm_step(h_prev batch 3)", "h_prev", lambda: lstm_step(h_prev=np.zeros((3, 5)))),
    Case(L, "lstm_step(h_prev with inf)", "h_prev",
         lambda: lstm_step(h_prev=nan_in(STATE, 0, np.inf))),
    Case(L, "lstm_step(c_prev with NaN)", "c_prev", lambda: lstm_step(c_prev=nan_in(STATE, 9))),
    Case(L, "lstm_step(params W_x with NaN)", "W_x",
         lambda: lstm_step(params=lstm_params(W_x=nan_in(np.zeros((4, 20)), 5)))),
    Case(L, "lstm_step(params W_h with inf)", "W_h",
         lambda: lstm_step(params=lstm_params(W_h=nan_in(np.zeros((5, 20)), 5, np.inf)))),
    Case(L, "lstm_step(params b with NaN)", "params['b']",
         lambda: lstm_step(params=lstm_params(b=nan_in(np.zeros(20), 3)))),
    Case(L, "lstm_step(params without W_h)", "W_h",
         lambda: lstm_step(params=without(lstm_params(), "W_h"))),
    Case(L, "lstm_step(params b (19,))", "params['b']",
         lambda: lstm_step(params=lstm_params(b=np.zeros(19)))),
    Case(L, "lstm_step(params shaped like a SimpleRNN's)", "4*units",
         lambda: lstm_step(params={"W_x": np.zeros((4, 5)), "W_h": np.zeros((5, 5)),
                                   "b": np.zeros(5)})),
    Case(L, "lstm_step(params a list)", "params",
         lambda: lstm_step(params=list(lstm_params().values()))),
    # lstm_forward
    Case(L, "lstm_forward(x 2-D)", "x must", lambda: lstm_forward(np.zeros((3, 4)))),
    Case(L, "lstm_forward(x 4-D)", "x must", lambda: lstm_forward(np.zeros((1, 2, 3, 4)))),
    Case(L, "lstm_forward(x with 5 features)", "x must", lambda: lstm_forward(np.zeros((2, 3, 5)))),
    Case(L, "lstm_forward(x empty time axis)", "x has an empty",
         lambda: lstm_forward(np.zeros((2, 0, 4)))),
    Case(L, "lstm_forward(x empty batch axis)", "x has an empty",
         lambda: lstm_forward(np.zeros((0, 3, 4)))),
    Case(L, "lstm_forward(x with NaN)", "x must be finite", lambda: lstm_forward(nan_in(X, 7))),
    Case(L, "lstm_forward(x with -inf)", "x must be finite",
         lambda: lstm_forward(nan_in(X, 0, -np.inf))),
    Case(L, "lstm_forward(x bool)", "x must", lambda: lstm_forward(np.ones((2, 3, 4), bool))),
    Case(L, "lstm_forward(x strings)", "x must", lambda: lstm_forward(np.full((2, 3, 4), "x"))),
    Case(L, "lstm_forward(h0 with 6 units)", "h0", lambda: lstm_forward(h0=np.zeros((2, 6)))),
    Case(L, "lstm_forward(h0 1-D)", "h0", lambda: lstm_forward(h0=np.zeros(5))),
    Case(L, "lstm_forward(c0 batch 3)", "c0", lambda: lstm_forward(c0=np.zeros((3, 5)))),
    Case(L, "lstm_forward(c0 with NaN)", "c0", lambda: lstm_forward(c0=nan_in(STATE, 1))),
    Case(L, "lstm_forward(params W_x with NaN)", "W_x",
         lambda: lstm_forward(params=lstm_params(W_x=nan_in(np.zeros((4, 20)), 0)))),
    Case(L, "lstm_forward(params W_h with inf)", "W_h",
         lambda: lstm_forward(params=lstm_params(W_h=nan_in(np.zeros((5, 20)), 0, np.inf)))),
    Case(L, "lstm_forward(params b with NaN)", "params['b']",
         lambda: lstm_forward(params=lstm_params(b=nan_in(np.zeros(20), 0)))),
    Case(L, "lstm_forward(params without b)", "missing b",
         lambda: lstm_forward(params=without(lstm_params(), "b"))),
    Case(L, "lstm_forward(params W_h 3-D)", "W_h",
         lambda: lstm_forward(params=lstm_params(W_h=np.zeros((5, 20, 1))))),
    Case(L, "lstm_forward(params W_x (4, 24), W_h (5, 20))", "W_x",
         lambda: lstm_forward(params=lstm_params(W_x=np.zeros((4, 24))))),
    Case(L, "lstm_forward(params shaped like a SimpleRNN's)", "4*units",
         lambda: lstm_forward(params={"W_x": np.zeros((4, 5)), "W_h": np.zeros((5, 5)),
                                      "b": np.zeros(5)})),
    Case(L, "lstm_forward(params=None)", "params", lambda: lstm_numpy.lstm_forward(X, None)),
]

# ---------------------------------------------------------------- train_numpy

T = "train_numpy"
TRAIN_CASES = [
    # sgd_update
    Case(T, "sgd_update(grads without b_y)", "b_y",
         lambda: sgd(grads=without(grads_like(rnn_params()), "b_y"))),
    Case(T, "sgd_update(grads W_hh (4, 3))", "W_hh",
         lambda: sgd(grads=grads_like(rnn_params(), W_hh=np.zeros((4, 3))))),
    Case(T, "sgd_update(grads b_h with NaN)", "b_h",
         lambda: sgd(grads=grads_like(rnn_params(), b_h=nan_in(np.zeros(5))))),
    Case(T, "sgd_update(params W_hh with NaN)", "W_hh",
         lambda: sgd(params=rnn_params(W_hh=nan_in(np.eye(5), 2)))),
    Case(T, "sgd_update(learning_rate=0)", "learning_rate", lambda: sgd(learning_rate=0.0)),
    Case(T, "sgd_update(learning_rate=-1)", "learning_rate", lambda: sgd(learning_rate=-1.0)),
    Case(T, "sgd_update(learning_rate=NaN)", "learning_rate", lambda: sgd(learning_rate=np.nan)),
    Case(T, "sgd_update(learning_rate='0.1')", "learning_rate", lambda: sgd(learning_rate="0.1")),
    Case(T, "sgd_update(learning_rate=True)", "learning_rate", lambda: sgd(learning_rate=True)),
    Case(T, "sgd_update(params a list)", "params",
         lambda: sgd(params=list(rnn_params().values()))),
    Case(T, "sgd_update(params {})", "params", lambda: sgd(params={})),
    Case(T, "sgd_update(grads a list)", "grads", lambda: sgd(grads=list(rnn_params().values()))),
    Case(T, "sgd_update(grads b_h strings)", "b_h",
         lambda: sgd(grads=grads_like(rnn_params(), b_h=np.full(5, "0")))),
    # adam_init
    Case(T, "adam_init(a list)", "params",
         lambda: train_numpy.adam_init(list(rnn_params().values()))),
    Case(T, "adam_init({})", "params", lambda: train_numpy.adam_init({})),
    Case(T, "adam_init({'weight': 'abc'})", "params['weight']",
         lambda: train_numpy.adam_init({"weight": "abc"})),
    Case(T, "adam_init(params W_hh with NaN)", "W_hh",
         lambda: train_numpy.adam_init(rnn_params(W_hh=nan_in(np.eye(5))))),
    # adam_update: hyperparameters
    Case(T, "adam_update(beta_1=1.0)", "beta_1", lambda: adam(beta_1=1.0)),
    Case(T, "adam_update(beta_1=-0.1)", "beta_1", lambda: adam(beta_1=-0.1)),
    Case(T, "adam_update(beta_1='0.9')", "beta_1", lambda: adam(beta_1="0.9")),
    Case(T, "adam_update(beta_2=1.5)", "beta_2", lambda: adam(beta_2=1.5)),
    Case(T, "adam_update(beta_2=NaN)", "beta_2", lambda: adam(beta_2=np.nan)),
    Case(T, "adam_update(epsilon=0)", "epsilon", lambda: adam(epsilon=0.0)),
    Case(T, "adam_update(epsilon=-1e-7)", "epsilon", lambda: adam(epsilon=-1e-7)),
    Case(T, "adam_update(epsilon=inf)", "epsilon", lambda: adam(epsilon=np.inf)),
    Case(T, "adam_update(learning_rate=-0.1)", "learning_rate", lambda: adam(learning_rate=-0.1)),
    Case(T, "adam_update(learning_rate=None)", "learning_rate", lambda: adam(learning_rate=None)),
    # adam_update: state, params, grads
    Case(T, "adam_update(state step=-1)", "step", lambda: adam(state=adam_state(step=-1))),
    Case(T, "adam_update(state step=1.5)", "step", lambda: adam(state=adam_state(step=1.5))),
    Case(T, "adam_update(state without v)", "missing v",
         lambda: adam(state=without(adam_state(), "v"))),
    Case(T, "adam_update(state a list)", "state", lambda: adam(state=[0, {}, {}])),
    Case(T, "adam_update(state m without b_y)", "state['m']",
         lambda: adam(state=adam_state(m=without(adam_state()["m"], "b_y")))),
    Case(T, "adam_update(state m W_hh (5, 4))", "state['m']",
         lambda: adam(state=adam_state(m=grads_like(rnn_params(), W_hh=np.zeros((5, 4)))))),
    Case(T, "adam_update(state v negative)", "state['v']",
         lambda: adam(state=adam_state(v=grads_like(rnn_params(), b_h=-np.ones(5))))),
    Case(T, "adam_update(state v with NaN)", "state['v']",
         lambda: adam(state=adam_state(v=grads_like(rnn_params(), b_h=nan_in(np.zeros(5)))))),
    Case(T, "adam_update(params W_hh with NaN)", "W_hh",
         lambda: adam(params=rnn_params(W_hh=nan_in(np.eye(5), 1)))),
    Case(T, "adam_update(grads W_xh with inf)", "W_xh",
         lambda: adam(grads=grads_like(rnn_params(), W_xh=nan_in(np.zeros((4, 5)), 0, np.inf)))),
    Case(T, "adam_update(grads W_hh (4, 3))", "W_hh",
         lambda: adam(grads=grads_like(rnn_params(), W_hh=np.zeros((4, 3))))),
    Case(T, "adam_update(grads without b_y)", "b_y",
         lambda: adam(grads=without(grads_like(rnn_params()), "b_y"))),
    # loss_and_grads
    Case(T, "loss_and_grads(x 2-D)", "x must", lambda: loss_and_grads(x=TRAIN_X[..., 0])),
    Case(T, "loss_and_grads(x with 2 features, W_xh has 1)", "x must",
         lambda: loss_and_grads(x=np.zeros((6, 3, 2)))),
    Case(T, "loss_and_grads(x with NaN)", "x must be finite",
         lambda: loss_and_grads(x=nan_in(TRAIN_X, 4))),
    Case(T, "loss_and_grads(y with one target fewer)", "y must",
         lambda: loss_and_grads(y=TRAIN_Y[:-1])),
    Case(T, "loss_and_grads(y 1-D)", "y must", lambda: loss_and_grads(y=TRAIN_Y[:, 0])),
    Case(T, "loss_and_grads(y with 2 outputs, W_hy has 1)", "y must",
         lambda: loss_and_grads(y=np.zeros((6, 2)))),
    Case(T, "loss_and_grads(many_to_one=False, y (samples, outputs))", "y must",
         lambda: loss_and_grads(many_to_one=False)),
    Case(T, "loss_and_grads(y with NaN)", "y must be finite",
         lambda: loss_and_grads(y=nan_in(TRAIN_Y, 2))),
    Case(T, "loss_and_grads(many_to_one='yes')", "many_to_one",
         lambda: loss_and_grads(many_to_one="yes")),
    Case(T, "loss_and_grads(truncate=0)", "truncate", lambda: loss_and_grads(truncate=0)),
    Case(T, "loss_and_grads(params without W_hh)", "W_hh",
         lambda: loss_and_grads(params=without(small_params(), "W_hh"))),
    Case(T, "loss_and_grads(params W_xh with NaN)", "W_xh",
         lambda: loss_and_grads(params=small_params(W_xh=nan_in(np.zeros((1, 3)))))),
    # fit: settings
    Case(T, "fit(epochs=0)", "epochs", lambda: fit(epochs=0)),
    Case(T, "fit(epochs=2.5)", "epochs", lambda: fit(epochs=2.5)),
    Case(T, "fit(epochs=True)", "epochs", lambda: fit(epochs=True)),
    Case(T, "fit(optimizer='rmsprop')", "optimizer", lambda: fit(optimizer="rmsprop")),
    Case(T, "fit(optimizer='Adam')", "optimizer", lambda: fit(optimizer="Adam")),
    Case(T, "fit(batch_size=0)", "batch_size", lambda: fit(batch_size=0)),
    Case(T, "fit(batch_size=True)", "batch_size", lambda: fit(batch_size=True)),
    Case(T, "fit(batch_size=2.5)", "batch_size", lambda: fit(batch_size=2.5)),
    Case(T, "fit(learning_rate=0)", "learning_rate", lambda: fit(learning_rate=0.0)),
    Case(T, "fit(learning_rate=-1)", "learning_rate", lambda: fit(learning_rate=-1.0)),
    Case(T, "fit(learning_rate=NaN)", "learning_rate", lambda: fit(learning_rate=np.nan)),
    Case(T, "fit(clip_norm=0)", "clip_norm", lambda: fit(clip_norm=0.0)),
    Case(T, "fit(clip_norm=-1)", "clip_norm", lambda: fit(clip_norm=-1.0)),
    Case(T, "fit(truncate=0)", "truncate", lambda: fit(truncate=0)),
    Case(T, "fit(rng=0)", "rng", lambda: fit(rng=0)),
    Case(T, "fit(many_to_one='no')", "many_to_one", lambda: fit(many_to_one="no")),
    # fit: data and params
    Case(T, "fit(y with one target fewer)", "y must", lambda: fit(y=TRAIN_Y[:-1])),
    Case(T, "fit(y with one target more)", "y must",
         lambda: fit(y=np.concatenate([TRAIN_Y, TRAIN_Y[:1]]))),
    Case(T, "fit(x with zero samples)", "x has an empty",
         lambda: fit(x=np.zeros((0, 3, 1)), y=np.zeros((0, 1)))),
    Case(T, "fit(x complex)", "x must", lambda: fit(x=TRAIN_X + 1j)),
    Case(T, "fit(x 2-D)", "x must", lambda: fit(x=TRAIN_X[..., 0])),
    Case(T, "fit(x with NaN)", "x must be finite", lambda: fit(x=nan_in(TRAIN_X, 0))),
    Case(T, "fit(y with inf)", "y must be finite", lambda: fit(y=nan_in(TRAIN_Y, 0, np.inf))),
    Case(T, "fit(params W_hh with NaN)", "W_hh",
         lambda: fit(params=small_params(W_hh=nan_in(np.eye(3))))),
    Case(T, "fit(params without b_y)", "b_y", lambda: fit(params=without(small_params(), "b_y"))),
]

# ---------------------------------------------------------------- windows

W = "windows"
WINDOWS_CASES = [
    Case(W, "num_windows(length=5, past=10)", "past", lambda: windows.num_windows(5, 10)),
    Case(W, "num_windows(length=5, past=3, horizon=3)", "horizon",
         lambda: windows.num_windows(5, 3, 3)),
    Case(W, "num_windows(length=0, past=1)", "series has 0", lambda: windows.num_windows(0, 1)),
    Case(W, "num_windows(length=-1)", "length", lambda: windows.num_windows(-1, 1)),
    Case(W, "num_windows(length=10.5)", "length", lambda: windows.num_windows(10.5, 2)),
    Case(W, "num_windows(length='10')", "length", lambda: windows.num_windows("10", 2)),
    Case(W, "num_windows(past=0)", "past", lambda: windows.num_windows(10, 0)),
    Case(W, "num_windows(past=True)", "past", lambda: windows.num_windows(10, True)),
    Case(W, "num_windows(horizon=0)", "horizon", lambda: windows.num_windows(10, 2, 0)),
    Case(W, "num_windows(horizon=1.5)", "horizon", lambda: windows.num_windows(10, 2, 1.5)),
    Case(W, "make_windows(series of 10, past=10, horizon=2)", "series",
         lambda: windows.make_windows(np.arange(10.0), 10, 2)),
    Case(W, "make_windows(series with NaN)", "series",
         lambda: windows.make_windows(nan_in(SERIES, 4), 3)),
    Case(W, "make_windows(series with inf)", "series",
         lambda: windows.make_windows(nan_in(SERIES, 4, np.inf), 3)),
    Case(W, "make_windows(series (time, 1))", "series",
         lambda: windows.make_windows(SERIES[:, None], 3)),
    Case(W, "make_windows(series 0-D)", "series", lambda: windows.make_windows(np.float64(1.0), 1)),
    Case(W, "make_windows(series strings)", "series",
         lambda: windows.make_windows(np.array(["a", "b", "c"]), 1)),
    Case(W, "make_windows(series bool)", "series",
         lambda: windows.make_windows(np.array([True, False, True]), 1)),
    Case(W, "make_windows(series complex)", "series",
         lambda: windows.make_windows(SERIES + 1j, 3)),
    Case(W, "make_windows(series=None)", "series", lambda: windows.make_windows(None, 3)),
    Case(W, "make_windows(series a dict)", "series",
         lambda: windows.make_windows({"a": 1.0}, 1)),
    Case(W, "make_windows(series [])", "series", lambda: windows.make_windows([], 1)),
    Case(W, "make_windows(series with None inside)", "series",
         lambda: windows.make_windows([1.0, None, 3.0], 1)),
    Case(W, "make_windows(past=0)", "past", lambda: windows.make_windows(SERIES, 0)),
    Case(W, "make_windows(past=2.5)", "past", lambda: windows.make_windows(SERIES, 2.5)),
    Case(W, "make_windows(past='3')", "past", lambda: windows.make_windows(SERIES, "3")),
    Case(W, "make_windows(horizon=-1)", "horizon", lambda: windows.make_windows(SERIES, 2, -1)),
    Case(W, "make_windows(horizon=True)", "horizon", lambda: windows.make_windows(SERIES, 2, True)),
]

# ---------------------------------------------------------------- forecast

F = "forecast"
FORECAST_CASES = [
    # noisy_sine
    Case(F, "noisy_sine(length=0)", "length",
         lambda: forecast.noisy_sine(0, 0.1, 0.1, np.random.default_rng(0))),
    Case(F, "noisy_sine(length=10.5)", "length",
         lambda: forecast.noisy_sine(10.5, 0.1, 0.1, np.random.default_rng(0))),
    Case(F, "noisy_sine(length=True)", "length",
         lambda: forecast.noisy_sine(True, 0.1, 0.1, np.random.default_rng(0))),
    Case(F, "noisy_sine(radians_per_step=NaN)", "radians_per_step",
         lambda: forecast.noisy_sine(10, np.nan, 0.1, np.random.default_rng(0))),
    Case(F, "noisy_sine(noise_std=-1)", "noise_std",
         lambda: forecast.noisy_sine(10, 0.1, -1.0, np.random.default_rng(0))),
    Case(F, "noisy_sine(noise_std=NaN)", "noise_std",
         lambda: forecast.noisy_sine(10, 0.1, np.nan, np.random.default_rng(0))),
    Case(F, "noisy_sine(noise_std='0.1')", "noise_std",
         lambda: forecast.noisy_sine(10, 0.1, "0.1", np.random.default_rng(0))),
    Case(F, "noisy_sine(rng=0)", "rng", lambda: forecast.noisy_sine(10, 0.1, 0.1, 0)),
    Case(F, "noisy_sine(phase_drift_std=-1)", "phase_drift_std",
         lambda: forecast.noisy_sine(10, 0.1, 0.1, np.random.default_rng(0), -1)),
    # time_split
    Case(F, "time_split(train_fraction=0)", "train_fraction",
         lambda: forecast.time_split(100, 0.0, 0.2)),
    Case(F, "time_split(train_fraction=1.2)", "train_fraction",
         lambda: forecast.time_split(100, 1.2)),
    Case(F, "time_split(train_fraction=NaN)", "train_fraction",
         lambda: forecast.time_split(100, np.nan)),
    Case(F, "time_split(train_fraction='0.5')", "train_fraction",
         lambda: forecast.time_split(100, "0.5")),
    Case(F, "time_split(validation_fraction=-0.1)", "validation_fraction",
         lambda: forecast.time_split(100, 0.5, -0.1)),
    Case(F, "time_split(validation_fraction=1.0)", "validation_fraction",
         lambda: forecast.time_split(100, 0.5, 1.0)),
    Case(F, "time_split(0.7 + 0.3 leaves no test set)", "validation_fraction",
         lambda: forecast.time_split(100, 0.7, 0.3)),
    Case(F, "time_split(count=3, 0.2): empty training part", "count",
         lambda: forecast.time_split(3, 0.2)),
    Case(F, "time_split(count=4, 0.5, 0.1): empty validation part", "count",
         lambda: forecast.time_split(4, 0.5, 0.1)),
    Case(F, "time_split(count=0)", "count", lambda: forecast.time_split(0, 0.5)),
    Case(F, "time_split(count=-5)", "count", lambda: forecast.time_split(-5, 0.5)),
    Case(F, "time_split(count=10.0)", "count", lambda: forecast.time_split(10.0, 0.5)),
    Case(F, "time_split(count=True)", "count", lambda: forecast.time_split(True, 0.5)),
    # split_windows
    Case(F, "split_windows(y with one window fewer than x)", "y must",
         lambda: split(y=SPLIT_Y[:-1])),
    Case(F, "split_windows(train_end=40 > validation_end=30): overlapping parts",
         "validation_end", lambda: split(train_end=40, validation_end=30)),
    Case(F, "split_windows(train_end=0)", "train_end", lambda: split(train_end=0)),
    Case(F, "split_windows(train_end=-5)", "train_end", lambda: split(train_end=-5)),
    Case(F, "split_windows(validation_end=60 > series length 50)", "validation_end",
         lambda: split(validation_end=60)),
    Case(F, "split_windows(train_end=30.0)", "train_end", lambda: split(train_end=30.0)),
    Case(F, "split_windows(train_end=True)", "train_end", lambda: split(train_end=True)),
    Case(F, "split_windows(train_end=5: no whole training window)", "train_end",
         lambda: split(train_end=5)),
    Case(F, "split_windows(validation 2 steps, horizon 4)", "validation_end",
         lambda: split(validation_end=32)),
    Case(F, "split_windows(test 2 steps, horizon 4)", "validation_end",
         lambda: split(validation_end=48)),
    Case(F, "split_windows(x 2-D)", "x must", lambda: split(x=SPLIT_X[..., 0])),
    Case(F, "split_windows(y 3-D)", "y must", lambda: split(y=SPLIT_Y[..., None])),
    Case(F, "split_windows(x with NaN)", "x must be finite", lambda: split(x=nan_in(SPLIT_X, 3))),
    Case(F, "split_windows(no windows)", "x has an empty",
         lambda: split(x=np.zeros((0, 5, 1)), y=np.zeros((0, 4)))),
    # persistence
    Case(F, "persistence(x (5, 3))", "x must", lambda: forecast.persistence(np.zeros((5, 3)))),
    Case(F, "persistence(x (5, 3, 2))", "x must",
         lambda: forecast.persistence(np.zeros((5, 3, 2)))),
    Case(F, "persistence(x (5,))", "x must", lambda: forecast.persistence(np.zeros(5))),
    Case(F, "persistence(x with NaN)", "x must be finite",
         lambda: forecast.persistence(nan_in(WIN_X, 2))),
    Case(F, "persistence(x with no windows)", "x has an empty",
         lambda: forecast.persistence(np.zeros((0, 3, 1)))),
    Case(F, "persistence(x with empty past)", "x has an empty",
         lambda: forecast.persistence(np.zeros((5, 0, 1)))),
    Case(F, "persistence(x strings)", "x must",
         lambda: forecast.persistence(np.full((5, 3, 1), "1"))),
    Case(F, "persistence(horizon=0)", "horizon", lambda: forecast.persistence(WIN_X, 0)),
    Case(F, "persistence(horizon=-2)", "horizon", lambda: forecast.persistence(WIN_X, -2)),
    Case(F, "persistence(horizon=2.0)", "horizon", lambda: forecast.persistence(WIN_X, 2.0)),
    Case(F, "persistence(horizon=True)", "horizon", lambda: forecast.persistence(WIN_X, True)),
    # seasonal_naive
    Case(F, "seasonal_naive(period=0)", "period", lambda: forecast.seasonal_naive(WIN_X, 0)),
    Case(F, "seasonal_naive(period=4 > past=3)", "period",
         lambda: forecast.seasonal_naive(WIN_X, 4)),
    Case(F, "seasonal_naive(period=2.0)", "period", lambda: forecast.seasonal_naive(WIN_X, 2.0)),
    Case(F, "seasonal_naive(period=True)", "period", lambda: forecast.seasonal_naive(WIN_X, True)),
    Case(F, "seasonal_naive(horizon=0)", "horizon", lambda: forecast.seasonal_naive(WIN_X, 2, 0)),
    Case(F, "seasonal_naive(horizon=-1)", "horizon", lambda: forecast.seasonal_naive(WIN_X, 2, -1)),
    Case(F, "seasonal_naive(x (5, 3, 2))", "x must",
         lambda: forecast.seasonal_naive(np.zeros((5, 3, 2)), 2)),
    Case(F, "seasonal_naive(x with inf)", "x must be finite",
         lambda: forecast.seasonal_naive(nan_in(WIN_X, 0, np.inf), 2)),
    # recursive_forecast
    Case(F, "recursive_forecast(steps=0)", "steps",
         lambda: forecast.recursive_forecast(last_value, WIN_X, 0)),
    Case(F, "recursive_forecast(steps=-1)", "steps",
         lambda: forecast.recursive_forecast(last_value, WIN_X, -1)),
    Case(F, "recursive_forecast(steps=2.5)", "steps",
         lambda: forecast.recursive_forecast(last_value, WIN_X, 2.5)),
    Case(F, "recursive_forecast(steps=True)", "steps",
         lambda: forecast.recursive_forecast(last_value, WIN_X, True)),
    Case(F, "recursive_forecast(predict_next=3.0)", "predict_next",
         lambda: forecast.recursive_forecast(3.0, WIN_X, 2)),
    Case(F, "recursive_forecast(predict_next=None)", "predict_next",
         lambda: forecast.recursive_forecast(None, WIN_X, 2)),
    Case(F, "recursive_forecast(predict_next returns 2 values per window)", "predict_next",
         lambda: forecast.recursive_forecast(lambda w: w[:, :2, 0], WIN_X, 1)),
    Case(F, "recursive_forecast(predict_next returns NaN)", "predict_next",
         lambda: forecast.recursive_forecast(lambda w: np.full(len(w), np.nan), WIN_X, 2)),
    Case(F, "recursive_forecast(predict_next returns strings)", "predict_next",
         lambda: forecast.recursive_forecast(lambda w: np.full(len(w), "1"), WIN_X, 2)),
    Case(F, "recursive_forecast(x (5, 3))", "x must",
         lambda: forecast.recursive_forecast(last_value, np.zeros((5, 3)), 2)),
    Case(F, "recursive_forecast(x with NaN)", "x must be finite",
         lambda: forecast.recursive_forecast(last_value, nan_in(WIN_X, 1), 2)),
    # mse
    Case(F, "mse(shapes (3,) and (3, 1))", "y_pred",
         lambda: forecast.mse(np.zeros(3), np.zeros((3, 1)))),
    Case(F, "mse(lengths 4 and 3)", "y_pred", lambda: forecast.mse(np.zeros(4), np.zeros(3))),
    Case(F, "mse([], [])", "y_true", lambda: forecast.mse([], [])),
    Case(F, "mse(y_true with NaN)", "y_true", lambda: forecast.mse([1.0, np.nan], [1.0, 2.0])),
    Case(F, "mse(y_pred with inf)", "y_pred", lambda: forecast.mse([1.0, 2.0], [1.0, np.inf])),
    Case(F, "mse(y_true strings)", "y_true", lambda: forecast.mse(["1", "2"], [1.0, 2.0])),
    Case(F, "mse(y_pred=None)", "y_pred", lambda: forecast.mse([1.0, 2.0], None)),
    Case(F, "mse(y_true complex)", "y_true", lambda: forecast.mse(np.ones(2) + 1j, np.ones(2))),
    Case(F, "mse(y_true ragged)", "y_true", lambda: forecast.mse([[1.0], [1.0, 2.0]], [1.0, 2.0])),
    # fit_cosine: only cases refused before any training (a tiny model each)
    Case(F, "fit_cosine(learning_rate=-0.01)", "learning_rate",
         lambda: fit_cosine(learning_rate=-0.01)),
    Case(F, "fit_cosine(num_evaluations=0)", "num_evaluations",
         lambda: fit_cosine(num_evaluations=0)),
    Case(F, "fit_cosine(steps=105, not a multiple of 10 * 5)", "steps",
         lambda: fit_cosine(steps=105, num_evaluations=10, steps_per_execution=5)),
    Case(F, "fit_cosine(steps_per_execution=0)", "steps_per_execution",
         lambda: fit_cosine(steps_per_execution=0)),
    Case(F, "fit_cosine(batch_size=0)", "batch_size", lambda: fit_cosine(batch_size=0)),
    Case(F, "fit_cosine(seed='0')", "seed", lambda: fit_cosine(seed="0")),
    Case(F, "fit_cosine(train y with one window fewer)", "train",
         lambda: fit_cosine(train=(WIN_X, WIN_Y[:-1]))),
    Case(F, "fit_cosine(train x with NaN)", "train",
         lambda: fit_cosine(train=(nan_in(WIN_X, 0), WIN_Y))),
    Case(F, "fit_cosine(train an array, not a pair)", "train", lambda: fit_cosine(train=WIN_X)),
    Case(F, "fit_cosine(validation windows of 4 steps, train of 3)", "validation",
         lambda: fit_cosine(validation=(np.zeros((5, 4, 1)), np.zeros((5, 1))))),
    Case(F, "fit_cosine(model a function)", "model", lambda: fit_cosine(model=last_value)),
]

# ---------------------------------------------------------------- anomaly

A = "anomaly"
ANOMALY_CASES = [
    # rolling_zscore
    Case(A, "rolling_zscore(series (4, 2))", "series",
         lambda: anomaly.rolling_zscore(np.zeros((4, 2)), 2)),
    Case(A, "rolling_zscore(series with NaN)", "series",
         lambda: anomaly.rolling_zscore([0.0, np.nan, 1.0, 2.0], 2)),
    Case(A, "rolling_zscore(series strings)", "series",
         lambda: anomaly.rolling_zscore(np.array(["1", "2", "3"]), 2)),
    Case(A, "rolling_zscore(series complex)", "series",
         lambda: anomaly.rolling_zscore(SERIES + 1j, 2)),
    Case(A, "rolling_zscore(series bool)", "series",
         lambda: anomaly.rolling_zscore(np.ones(10, bool), 2)),
    Case(A, "rolling_zscore(series [])", "series", lambda: anomaly.rolling_zscore([], 2)),
    Case(A, "rolling_zscore(series=None)", "series", lambda: anomaly.rolling_zscore(None, 2)),
    Case(A, "rolling_zscore(window=3, series of 3)", "window",
         lambda: anomaly.rolling_zscore([0.0, 1.0, 2.0], 3)),
    Case(A, "rolling_zscore(window=1)", "window", lambda: anomaly.rolling_zscore(SERIES, 1)),
    Case(A, "rolling_zscore(window=2.0)", "window", lambda: anomaly.rolling_zscore(SERIES, 2.0)),
    Case(A, "rolling_zscore(window=True)", "window", lambda: anomaly.rolling_zscore(SERIES, True)),
    Case(A, "rolling_zscore(window='3')", "window", lambda: anomaly.rolling_zscore(SERIES, "3")),
    # label_segments
    Case(A, "label_segments(labels 2-D)", "labels",
         lambda: anomaly.label_segments(np.zeros((2, 2), bool))),
    Case(A, "label_segments(labels floats 0.2, 0.9)", "labels",
         lambda: anomaly.label_segments(np.array([0.2, 0.9, 0.0]))),
    Case(A, "label_segments(labels with a 2)", "labels",
         lambda: anomaly.label_segments(np.array([0, 2, 1]))),
    Case(A, "label_segments(labels strings)", "labels",
         lambda: anomaly.label_segments(np.array(["no", "yes"]))),
    Case(A, "label_segments(labels=None)", "labels", lambda: anomaly.label_segments(None)),
    Case(A, "label_segments(labels [])", "labels", lambda: anomaly.label_segments([])),
    # event_recall
    Case(A, "event_recall(flags one step shorter)", "flags",
         lambda: anomaly.event_recall(LABELS, FLAGS[:-1])),
    Case(A, "event_recall(labels without an anomaly)", "labels",
         lambda: anomaly.event_recall(np.zeros(8, bool), FLAGS)),
    Case(A, "event_recall(flags are scores 0.1..0.9)", "flags",
         lambda: anomaly.event_recall(LABELS, np.linspace(0.1, 0.9, 8))),
    Case(A, "event_recall(labels floats)", "labels",
         lambda: anomaly.event_recall(LABELS * 0.5, FLAGS)),
    Case(A, "event_recall(labels 2-D)", "labels",
         lambda: anomaly.event_recall(LABELS[None], FLAGS[None])),
    Case(A, "event_recall(flags with a 3)", "flags",
         lambda: anomaly.event_recall(LABELS, np.array([0, 3, 0, 0, 0, 0, 0, 1]))),
    Case(A, "event_recall(flags=None)", "flags", lambda: anomaly.event_recall(LABELS, None)),
    Case(A, "event_recall(flags strings)", "flags",
         lambda: anomaly.event_recall(LABELS, np.full(8, "x"))),
    Case(A, "event_recall(flags with NaN)", "flags",
         lambda: anomaly.event_recall(LABELS, nan_in(FLAGS, 0))),
    Case(A, "event_recall(empty labels and flags)", "labels",
         lambda: anomaly.event_recall([], [])),
    # precision_event_recall
    Case(A, "precision_event_recall(flags 3 steps, labels 8)", "flags",
         lambda: anomaly.precision_event_recall(LABELS, FLAGS[:3])),
    Case(A, "precision_event_recall(flags are scores)", "flags",
         lambda: anomaly.precision_event_recall(LABELS, np.linspace(0.1, 0.9, 8))),
    Case(A, "precision_event_recall(labels floats)", "labels",
         lambda: anomaly.precision_event_recall(LABELS * 1.0 + 0.5, FLAGS)),
    Case(A, "precision_event_recall(labels without an anomaly)", "labels",
         lambda: anomaly.precision_event_recall(np.zeros(8, bool), FLAGS)),
    Case(A, "precision_event_recall(flags 2-D)", "flags",
         lambda: anomaly.precision_event_recall(LABELS, FLAGS[:, None])),
    Case(A, "precision_event_recall(labels with a 2)", "labels",
         lambda: anomaly.precision_event_recall(LABELS * 2, FLAGS)),
]

CASES = RNN_CASES + LSTM_CASES + TRAIN_CASES + WINDOWS_CASES + FORECAST_CASES + ANOMALY_CASES


@pytest.mark.parametrize("case", CASES, ids=str)
def test_bad_input_is_refused_clearly(case):
    outcome, what = classify(case)
    assert outcome == "clear", what


def test_the_suite_covers_every_public_function():
    """Each public function of the six modules has at least two cases."""
    modules = {"rnn_numpy": rnn_numpy, "lstm_numpy": lstm_numpy, "train_numpy": train_numpy,
               "windows": windows, "forecast": forecast, "anomaly": anomaly}
    cases = all_cases()  # of every tests/test_bad_input_*.py (lstm_backward's are in _gated)
    for name, module in modules.items():
        public = [attr for attr, value in vars(module).items() if callable(value)
                  and not attr.startswith("_") and getattr(value, "__module__", "") ==
                  module.__name__]
        for function in public:
            count = sum(case.module == name and case.call.startswith(function + "(")
                        for case in cases)
            assert count >= 2, f"{name}.{function} has {count} bad-input cases"


# ---------------------------------------------------------------- properties


def assert_clear(module, call, argument, run):
    outcome, what = classify(Case(module, call, argument, run))
    assert outcome == "clear", f"{call}: {what}"


RNN_SHAPES = {"W_xh": (4, 5), "W_hh": (5, 5), "b_h": (5,), "W_hy": (5, 2), "b_y": (2,)}
LSTM_SHAPES = {"W_x": (4, 20), "W_h": (5, 20), "b": (20,)}


@settings(max_examples=30, deadline=None)
@given(name=st.sampled_from(sorted(RNN_SHAPES)), position=st.integers(0, 24),
       bad=st.sampled_from([np.nan, np.inf, -np.inf]))
def test_a_non_finite_weight_is_named(name, position, bad):
    weight = nan_in(rnn_params()[name], position % int(np.prod(RNN_SHAPES[name])), bad)
    params = rnn_params(**{name: weight})
    assert_clear(R, f"rnn_backward({name} with {bad})", name, lambda: backward(params=params))
    if name in ("W_xh", "W_hh", "b_h"):
        assert_clear(R, f"rnn_forward({name} with {bad})", name, lambda: forward(params=params))
    else:
        assert_clear(R, f"rnn_outputs({name} with {bad})", name,
                     lambda: rnn_numpy.rnn_outputs(H, params))


@settings(max_examples=30, deadline=None)
@given(name=st.sampled_from(sorted(LSTM_SHAPES)), position=st.integers(0, 99),
       bad=st.sampled_from([np.nan, np.inf, -np.inf]))
def test_a_non_finite_lstm_weight_is_named(name, position, bad):
    weight = nan_in(lstm_params()[name], position % int(np.prod(LSTM_SHAPES[name])), bad)
    params = lstm_params(**{name: weight})
    assert_clear(L, f"lstm_forward({name} with {bad})", f"params['{name}']",
                 lambda: lstm_forward(params=params))
    assert_clear(L, f"lstm_step({name} with {bad})", f"params['{name}']",
                 lambda: lstm_step(params=params))


@settings(max_examples=40, deadline=None)
@given(shape=st.lists(st.integers(0, 6), min_size=1, max_size=4).map(tuple))
def test_an_input_of_the_wrong_shape_is_named(shape):
    if len(shape) == 3 and shape[0] >= 1 and shape[1] >= 1 and shape[2] == 4:
        return  # a valid (batch, time, features=4) input
    x = np.zeros(shape)
    assert_clear(R, f"rnn_forward(x {shape})", "x ", lambda: forward(x))
    assert_clear(L, f"lstm_forward(x {shape})", "x ", lambda: lstm_forward(x))


@settings(max_examples=40, deadline=None)
@given(units=st.integers(1, 7), batch=st.integers(1, 3))
def test_a_state_of_the_wrong_size_is_named(units, batch):
    if units == 5 and batch == 2:
        return  # the right shape
    state = np.zeros((batch, units))
    assert_clear(R, f"rnn_forward(h0 {state.shape})", "h0", lambda: forward(h0=state))
    assert_clear(L, f"lstm_forward(c0 {state.shape})", "c0", lambda: lstm_forward(c0=state))


@settings(max_examples=40, deadline=None)
@given(beta=st.one_of(st.floats(1.0, 1e6), st.floats(-1e6, -1e-9), st.just(np.nan)),
       which=st.sampled_from(["beta_1", "beta_2"]))
def test_an_adam_decay_rate_outside_0_1_is_refused(beta, which):
    assert_clear(T, f"adam_update({which}={beta})", which, lambda: adam(**{which: beta}))


@settings(max_examples=40, deadline=None)
@given(length=st.integers(0, 30), past=st.integers(1, 30), horizon=st.integers(1, 10))
def test_a_series_too_short_for_one_window_is_refused(length, past, horizon):
    if past + horizon <= length:
        assert windows.num_windows(length, past, horizon) == length - past - horizon + 1
        return
    assert_clear(W, f"num_windows({length}, {past}, {horizon})", "past",
                 lambda: windows.num_windows(length, past, horizon))
    series = np.arange(float(length))
    assert_clear(W, f"make_windows(series of {length}, {past}, {horizon})", "series",
                 lambda: windows.make_windows(series, past, horizon))


@settings(max_examples=40, deadline=None)
@given(count=st.integers(1, 40), train_fraction=st.floats(0.01, 0.99),
       validation_fraction=st.floats(0.0, 0.98))
def test_time_split_never_returns_an_empty_part_it_was_asked_for(count, train_fraction,
                                                                  validation_fraction):
    if train_fraction + validation_fraction >= 1:
        return
    try:
        train_end, validation_end = forecast.time_split(count, train_fraction, validation_fraction)
    except ValueError as err:
        assert "count" in str(err)
        return
    assert 0 < train_end <= validation_end < count
    assert validation_end > train_end or validation_fraction == 0


@settings(max_examples=40, deadline=None)
@given(train_end=st.integers(-5, 60), validation_end=st.integers(-5, 60))
def test_split_windows_parts_never_overlap(train_end, validation_end):
    try:
        parts = split(train_end=train_end, validation_end=validation_end)
    except (ValueError, TypeError) as err:
        assert "train_end" in str(err) or "validation_end" in str(err)
        return
    targets = [set(y[:, 0]) | set(y[:, -1]) for _, y in parts.values()]
    assert not targets[0] & targets[1] and not targets[1] & targets[2]
    assert not targets[0] & targets[2]
    assert len(parts["train"][1]) > 0


@settings(max_examples=30, deadline=None)
@given(flags=st.lists(st.floats(0.01, 0.99), min_size=8, max_size=8))
def test_scores_are_not_read_as_flags(flags):
    assert_clear(A, "precision_event_recall(flags = scores)", "flags",
                 lambda: anomaly.precision_event_recall(LABELS, np.array(flags)))
