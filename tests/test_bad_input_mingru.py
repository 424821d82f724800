"""Bad input to rnncourse.mingru_numpy and rnncourse.mingru: every wrong call fails
clearly, naming the argument.

Each case is one wrong call (tests/bad_input.py classifies it); `python tests/bad_input.py`
prints the figures per module. The Keras layer MinGRU is covered through its constructor
arguments and the input shapes its build() accepts. mingru.hillis_steele and
mingru.sequential have no cases: they are the layer's inner scans, called in call() on
tensors whose shapes build() has already checked, and they validate nothing (as
keras.ops does not), so that the traced graph holds only the recurrence. One-letter
argument names are matched with the verb after them ("x must"), so that a message that
only contains the letter (as "expected" contains "x") does not count as naming it.
"""

import functools
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # before keras imports TensorFlow

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from bad_input import Case, classify, uncovered  # noqa: E402

from rnncourse import mingru, mingru_numpy  # noqa: E402

RNG = np.random.default_rng  # a fresh generator per case
PARAMS = mingru_numpy.init_params(3, 4, RNG(0))  # W_x (3, 8), b (8,)
X = np.random.default_rng(1).normal(size=(2, 5, 3))  # (batch, time, features)
H0 = np.full((2, 4), 0.5)  # (batch, units)
H = mingru_numpy.forward(X, PARAMS, H0)  # (batch, time, units)
DH = np.ones_like(H)


def cases(module, function, argument, calls):
    return [Case(module, f"{function}({call})", argument, run) for call, run in calls]


def numpy_cases(function, argument, calls):
    return cases("mingru_numpy", function, argument, calls)


def layer_cases(function, argument, calls):
    return cases("mingru", function, argument, calls)


def with_nan(array):
    array = np.array(array, dtype=float)
    array.flat[1] = np.nan
    return array


def odd_params():
    """W_x with 7 columns: not two blocks of units."""
    return {"W_x": np.zeros((3, 7)), "b": np.zeros(7)}


def built(input_shape, **options):
    """MinGRU(4).build(input_shape)."""
    return lambda: mingru.MinGRU(4, **options).build(input_shape)


@functools.cache
def tiny_model():
    """build('mingru', 2 units, 5 steps, 3 features): x (batch, 5, 3) -> y (batch, 1)."""
    return mingru.build("mingru", 2, 5, 3)


def step(x=None, y=None, model=None, **options):
    """step_seconds on tiny_model() with one argument changed."""
    def run():
        given = model() if callable(model) else model
        return mingru.step_seconds(tiny_model() if given is None else given,
                                   np.zeros((4, 5, 3)) if x is None else x,
                                   np.zeros((4, 1)) if y is None else y, **options)
    return run


def unbuilt_sequential():
    return keras.Sequential([keras.layers.Dense(1)])


def flat_input_model():
    """(batch, 3) -> (batch, 1): no time axis."""
    inputs = keras.Input((3,))
    return keras.Model(inputs, keras.layers.Dense(1)(inputs))


NUMPY_CASES = [
    *numpy_cases("init_params", "num_features", [
        ("num_features=0", lambda: mingru_numpy.init_params(0, 4, RNG(0))),
        ("num_features=2.5", lambda: mingru_numpy.init_params(2.5, 4, RNG(0))),
    ]),
    *numpy_cases("init_params", "num_units", [
        ("num_units=-1", lambda: mingru_numpy.init_params(3, -1, RNG(0))),
        ("num_units='4'", lambda: mingru_numpy.init_params(3, "4", RNG(0))),
    ]),
    *numpy_cases("init_params", "rng", [
        ("rng=0", lambda: mingru_numpy.init_params(3, 4, 0)),
        ("rng=np.random.RandomState(0)",
         lambda: mingru_numpy.init_params(3, 4, np.random.RandomState(0))),
    ]),
    *numpy_cases("g", "k must", [
        ("k='abc'", lambda: mingru_numpy.g("abc")),
        ("k=None", lambda: mingru_numpy.g(None)),
        ("k=[[1.0], [1.0, 2.0]] (ragged)", lambda: mingru_numpy.g([[1.0], [1.0, 2.0]])),
        ("k={'z': 1.0}", lambda: mingru_numpy.g({"z": 1.0})),
    ]),
    *numpy_cases("coefficients", "x must", [
        ("x of shape (5, 3) (2-D)", lambda: mingru_numpy.coefficients(X[0], PARAMS)),
        ("x with 2 features for W_x of 3 rows",
         lambda: mingru_numpy.coefficients(X[..., :2], PARAMS)),
        ("x with a NaN", lambda: mingru_numpy.coefficients(with_nan(X), PARAMS)),
    ]),
    *numpy_cases("coefficients", "params", [
        ("params without b", lambda: mingru_numpy.coefficients(X, {"W_x": PARAMS["W_x"]})),
        ("params=None", lambda: mingru_numpy.coefficients(X, None)),
        ("params with W_x of 7 columns (odd)", lambda: mingru_numpy.coefficients(X, odd_params())),
        ("params with b of 6 entries for W_x of 8 columns",
         lambda: mingru_numpy.coefficients(X, {"W_x": PARAMS["W_x"], "b": np.zeros(6)})),
    ]),
    *numpy_cases("forward", "parallel", [
        ("parallel='yes'", lambda: mingru_numpy.forward(X, PARAMS, parallel="yes")),
        ("parallel=1", lambda: mingru_numpy.forward(X, PARAMS, parallel=1)),
    ]),
    *numpy_cases("forward", "h0", [
        ("h0 with a negative entry, parallel=True",
         lambda: mingru_numpy.forward(X, PARAMS, -H0, parallel=True)),
        ("h0 of shape (2, 3) for 4 units", lambda: mingru_numpy.forward(X, PARAMS, H0[:, :3])),
        ("h0 of shape (3, 4) for a batch of 2",
         lambda: mingru_numpy.forward(X, PARAMS, H0[[0, 1, 1]])),
    ]),
    *numpy_cases("forward", "x has", [
        ("x of shape (2, 0, 3) (no steps)", lambda: mingru_numpy.forward(X[:, :0], PARAMS)),
    ]),
    *numpy_cases("forward", "x must", [
        ("x='abc'", lambda: mingru_numpy.forward("abc", PARAMS)),
    ]),
    *numpy_cases("forward", "params", [
        ("params with a NaN in W_x",
         lambda: mingru_numpy.forward(X, {"W_x": with_nan(PARAMS["W_x"]), "b": PARAMS["b"]})),
    ]),
    *numpy_cases("backward", "dh", [
        ("dh of shape (2, 4, 4) for 5 steps",
         lambda: mingru_numpy.backward(X, H, PARAMS, DH[:, :4])),
        ("dh=None", lambda: mingru_numpy.backward(X, H, PARAMS, None)),
    ]),
    *numpy_cases("backward", "h must", [
        ("h of shape (2, 5, 3) for 4 units",
         lambda: mingru_numpy.backward(X, H[..., :3], PARAMS, DH)),
        ("h with a NaN", lambda: mingru_numpy.backward(X, with_nan(H), PARAMS, DH)),
        ("h of a batch of 2 for x of a batch of 1",
         lambda: mingru_numpy.backward(X[:1], H, PARAMS, DH)),
    ]),
    *numpy_cases("backward", "h0", [
        ("h0 of shape (2,)", lambda: mingru_numpy.backward(X, H, PARAMS, DH, H0[:, 0])),
    ]),
    *numpy_cases("backward", "x must", [
        ("x with a NaN", lambda: mingru_numpy.backward(with_nan(X), H, PARAMS, DH)),
    ]),
]

LAYER_CASES = [
    *layer_cases("MinGRU", "units", [
        ("units=0", lambda: mingru.MinGRU(0)),
        ("units=2.5", lambda: mingru.MinGRU(2.5)),
        ("units='4'", lambda: mingru.MinGRU("4")),
        ("units=True", lambda: mingru.MinGRU(True)),
    ]),
    *layer_cases("MinGRU", "return_sequences", [
        ("return_sequences='yes'", lambda: mingru.MinGRU(4, return_sequences="yes")),
        ("return_sequences=None", lambda: mingru.MinGRU(4, return_sequences=None)),
    ]),
    *layer_cases("MinGRU", "parallel", [
        ("parallel=None", lambda: mingru.MinGRU(4, parallel=None)),
        ("parallel=1", lambda: mingru.MinGRU(4, parallel=1)),
    ]),
    *layer_cases("MinGRU.build", "input_shape", [
        ("input_shape=(None, None, 3) (time not known)", built((None, None, 3))),
        ("input_shape=(None, 5) (2-D)", built((None, 5))),
        ("input_shape=(None, 5, None) (features not known)", built((None, 5, None))),
        ("input_shape=(None, 2, 5, 3) (4-D)", built((None, 2, 5, 3), parallel=False)),
    ]),
    *layer_cases("gru_size", "num_features", [
        ("num_features=0", lambda: mingru.gru_size(0, 4)),
        ("num_features=3.0", lambda: mingru.gru_size(3.0, 4)),
    ]),
    *layer_cases("gru_size", "num_units", [
        ("num_units=-2", lambda: mingru.gru_size(3, -2)),
        ("num_units=None", lambda: mingru.gru_size(3, None)),
    ]),
    *layer_cases("stack_size", "num_layers", [
        ("num_layers=0", lambda: mingru.stack_size(3, 4, 0)),
        ("num_layers=1.5", lambda: mingru.stack_size(3, 4, 1.5)),
    ]),
    *layer_cases("stack_size", "num_units", [
        ("num_units=0", lambda: mingru.stack_size(3, 0, 1)),
    ]),
    *layer_cases("stack_size", "num_features", [
        ("num_features='3'", lambda: mingru.stack_size("3", 4, 1)),
    ]),
    *layer_cases("matching_units", "gru_units", [
        ("gru_units=0", lambda: mingru.matching_units(3, 0)),
        ("gru_units=16.0", lambda: mingru.matching_units(3, 16.0)),
    ]),
    *layer_cases("matching_units", "num_layers", [
        ("num_layers=0", lambda: mingru.matching_units(3, 16, 0)),
    ]),
    *layer_cases("matching_units", "num_features", [
        ("num_features=-1", lambda: mingru.matching_units(-1, 16)),
    ]),
    *layer_cases("build", "cell", [
        ("cell='lstm'", lambda: mingru.build("lstm", 4, 5, 3)),
        ("cell=None", lambda: mingru.build(None, 4, 5, 3)),
    ]),
    *layer_cases("build", "num_units", [
        ("num_units=0", lambda: mingru.build("gru", 0, 5, 3)),
    ]),
    *layer_cases("build", "seq_len", [
        ("seq_len=None", lambda: mingru.build("mingru", 4, None, 3)),
        ("seq_len=5.0", lambda: mingru.build("mingru", 4, 5.0, 3)),
    ]),
    *layer_cases("build", "num_layers", [
        ("num_layers=0", lambda: mingru.build("mingru_sequential", 4, 5, 3, num_layers=0)),
    ]),
    *layer_cases("build", "num_outputs", [
        ("num_outputs=-1", lambda: mingru.build("mingru", 4, 5, 3, num_outputs=-1)),
    ]),
    *layer_cases("step_seconds", "model", [
        ("model=None", lambda: mingru.step_seconds(None, np.zeros((4, 5, 3)), np.zeros((4, 1)))),
        ("model=a Sequential without keras.Input", step(model=unbuilt_sequential)),
        ("model with a (batch, features) input", step(model=flat_input_model)),
    ]),
    *layer_cases("step_seconds", "x must", [
        ("x of 6 steps for a model of 5", step(x=np.zeros((4, 6, 3)))),
        ("x of 2 features for a model of 3", step(x=np.zeros((4, 5, 2)))),
        ("x of shape (4, 5) (2-D)", step(x=np.zeros((4, 5)))),
    ]),
    *layer_cases("step_seconds", "x has", [
        ("x of shape (0, 5, 3) (no sequences)", step(x=np.zeros((0, 5, 3)), y=np.zeros((0, 1)))),
    ]),
    *layer_cases("step_seconds", "y must", [
        ("y of 3 outputs for a model of 1", step(y=np.zeros((4, 3)))),
        ("y of 2 rows for 4 sequences", step(y=np.zeros((2, 1)))),
        ("y of shape (4,) (1-D)", step(y=np.zeros(4))),
    ]),
    *layer_cases("timing_table", "lengths", [
        ("lengths=[]", lambda: mingru.timing_table([], 4)),
        ("lengths=8 (not a list)", lambda: mingru.timing_table(8, 4)),
        ("lengths=[8, 0]", lambda: mingru.timing_table([8, 0], 4)),
        ("lengths=[8.0]", lambda: mingru.timing_table([8.0], 4)),
    ]),
    *layer_cases("timing_table", "batch_size", [
        ("batch_size=0", lambda: mingru.timing_table([8], 0)),
        ("batch_size=None", lambda: mingru.timing_table([8], None)),
    ]),
    *layer_cases("timing_table", "seed", [
        ("seed=-1", lambda: mingru.timing_table([8], 4, seed=-1)),
    ]),
    *layer_cases("timing_table", "gru_units", [
        ("gru_units=0", lambda: mingru.timing_table([8], 4, gru_units=0)),
    ]),
    *layer_cases("timing_table", "num_features", [
        ("num_features=0", lambda: mingru.timing_table([8], 4, num_features=0)),
    ]),
    *layer_cases("step_seconds", "num_repeats", [
        ("num_repeats=0", step(num_repeats=0)),
        ("num_repeats=2.0", step(num_repeats=2.0)),
    ]),
]

CASES = NUMPY_CASES + LAYER_CASES
INNER_SCANS = ("hillis_steele", "sequential")  # no checks: see the module docstring


@pytest.mark.parametrize("case", CASES, ids=str)
def test_bad_input_is_refused_clearly(case):
    outcome, what = classify(case)
    assert outcome == "clear", what


def test_every_public_function_has_cases():
    missing = uncovered(NUMPY_CASES, mingru_numpy) | uncovered(LAYER_CASES, mingru,
                                                               exclude=INNER_SCANS)
    assert not missing, f"no bad-input case for {missing}"


def test_the_layer_checks_are_those_of_the_constructor_and_build():
    """Good arguments pass: the cases above fail for the bad value alone."""
    layer = mingru.MinGRU(4, return_sequences=True, parallel=False)
    layer.build((None, 5, 3))
    assert layer.kernel.shape == (3, 8) and layer.bias.shape == (8,)
    assert mingru.matching_units(3, 16) >= 1
