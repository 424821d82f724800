"""A minGRU layer in Keras, built from ``keras.ops``; and the recipe that times it against
``keras.layers.GRU``.

The layer computes :mod:`rnncourse.mingru_numpy`'s equations. With ``k_z, k_h =
split(x @ kernel + bias)`` (batch, time, units) each, every coefficient of the linear
recurrence h_t = a_t * h_{t-1} + b_t is known before it starts::

    a_t = sigmoid(k_z),   b_t = (1 - a_t) * g(k_h)        # (batch, time, units)

and the states come from one of two scans of the pairs (a_t, b_t):

- ``parallel=True``: the Hillis–Steele scan of :func:`rnncourse.scan.hillis_steele`, in
  ``keras.ops``: ceil(log2 T) rounds, each combining every step with the one 2**d before
  it, (a, b) o (a', b') = (a * a', a' * b + b'), as whole-tensor operations;
- ``parallel=False``: ``keras.ops.scan``, the same recurrence one step after the other.

The scan needs no logarithms: it multiplies and adds, and a product of gates that
underflows to 0 is the right limit. (The log form of :mod:`rnncourse.scan` is what a
cumulative-sum shortcut needs; ``keras.ops`` has no cumulative log-sum-exp. Nor does the
layer use ``keras.ops.associative_scan``: with the TensorFlow backend of Keras 3.15 it
fails inside a model whose batch size is not known when the model is built.)
"""

import bisect
import time

import keras
import numpy as np
from keras import ops

from rnncourse import _checks


def _g(k):
    """The candidate's activation g: k + 0.5 for k >= 0, sigmoid(k) below."""
    return ops.where(k >= 0, ops.relu(k) + 0.5, ops.sigmoid(k))


def hillis_steele(a, b):
    """States h (batch, time, units) of h_t = a_t * h_{t-1} + b_t from h_0 = 0, for a, b
    (batch, time, units) tensors whose time size is a Python int, in ceil(log2 T) rounds.

    Round d combines each step with the one 2**d before it; steps with nothing that far
    back combine with the identity (1, 0), which the padding supplies."""
    seq_len, shift = a.shape[1], 1
    while shift < seq_len:
        before = ((0, 0), (shift, 0), (0, 0))  # pad the time axis at its start
        a_earlier = ops.pad(a[:, :-shift], before, constant_values=1.0)  # (batch, time, u)
        b_earlier = ops.pad(b[:, :-shift], before)  # (batch, time, units)
        a, b = a_earlier * a, a * b_earlier + b  # combine(earlier, this step)
        shift *= 2
    return b


def sequential(a, b):
    """The same states, one step after the other: ``keras.ops.scan`` over time."""
    def step(h_prev, coefficients):
        a_t, b_t = coefficients  # (batch, units) each
        h_t = a_t * h_prev + b_t  # (batch, units)
        return h_t, h_t

    over_time = (ops.moveaxis(a, 1, 0), ops.moveaxis(b, 1, 0))  # (time, batch, units)
    _, h = ops.scan(step, ops.zeros_like(a[:, 0]), over_time)  # (time, batch, units)
    return ops.moveaxis(h, 0, 1)  # (batch, time, units)


@keras.saving.register_keras_serializable(package="rnncourse")
class MinGRU(keras.layers.Layer):
    """minGRU(units): inputs (batch, time, features) -> (batch, time, units) states, or
    the last state (batch, units) if ``return_sequences`` is False. ``parallel`` picks the
    scan (module docstring); both give the same states. Weights in ``get_weights()``
    order: kernel (features, 2*units) with blocks z, h, and bias (2*units,). The initial
    state is 0. The number of time steps must be known when the layer is built
    (``keras.Input((seq_len, features))``). Masks are not supported (the layer refuses
    one)."""

    def __init__(self, units, return_sequences=False, parallel=True, **kwargs):
        super().__init__(**kwargs)
        self.units = _checks.integer("units", units, minimum=1)
        self.return_sequences = _checks.instance(
            "return_sequences", return_sequences, (bool, np.bool_), "True or False")
        self.parallel = _checks.instance("parallel", parallel, (bool, np.bool_),
                                         "True or False")

    def build(self, input_shape):
        _checks.input_shape("input_shape", input_shape, ("batch", "time", "features"),
                            known=("time", "features"))
        self.kernel = self.add_weight(shape=(input_shape[-1], 2 * self.units),
                                      initializer="glorot_uniform", name="kernel")
        self.bias = self.add_weight(shape=(2 * self.units,), initializer="zeros", name="bias")

    def call(self, inputs, mask=None):
        if mask is not None:
            raise ValueError("mask: MinGRU does not support masking; give it sequences of "
                             "one length (no mask_zero=True before it)")
        k_z, k_h = ops.split(ops.matmul(inputs, self.kernel) + self.bias, 2, axis=-1)
        a = ops.sigmoid(k_z)  # (batch, time, units): z, how much of h_{t-1} is kept
        b = (1.0 - a) * _g(k_h)  # (batch, time, units): (1 - z) h~
        h = hillis_steele(a, b) if self.parallel else sequential(a, b)
        return h if self.return_sequences else h[:, -1]

    def compute_output_spec(self, inputs, mask=None):
        if mask is not None:  # a symbolic model is built without call(): refuse here too
            raise ValueError("mask: MinGRU does not support masking; give it sequences of "
                             "one length (no mask_zero=True before it)")
        return super().compute_output_spec(inputs)

    def compute_output_shape(self, input_shape):
        if self.return_sequences:
            return (*input_shape[:-1], self.units)
        return (input_shape[0], self.units)

    def get_config(self):
        return {**super().get_config(), "units": self.units,
                "return_sequences": self.return_sequences, "parallel": self.parallel}


def gru_size(num_features, num_units):
    """Weights in keras.layers.GRU(num_units) on num_features inputs: 3U(F + U + 2)."""
    num_features = _checks.integer("num_features", num_features, minimum=1)
    num_units = _checks.integer("num_units", num_units, minimum=1)
    return 3 * num_units * (num_features + num_units + 2)


def stack_size(num_features, num_units, num_layers):
    """Weights in num_layers stacked MinGRU(num_units) on num_features inputs."""
    num_features = _checks.integer("num_features", num_features, minimum=1)
    num_units = _checks.integer("num_units", num_units, minimum=1)
    num_layers = _checks.integer("num_layers", num_layers, minimum=1)
    first = 2 * num_units * (num_features + 1)  # kernel (F, 2U) and bias (2U,)
    return first + (num_layers - 1) * 2 * num_units * (num_units + 1)


def matching_units(num_features, gru_units, num_layers=1):
    """The units per layer that bring num_layers MinGRU layers closest to GRU(gru_units)'s
    weight count (the smaller one on a tie)."""
    gru_units = _checks.integer("gru_units", gru_units, minimum=1)
    target = gru_size(num_features, gru_units)
    num_layers = _checks.integer("num_layers", num_layers, minimum=1)
    size = lambda u: stack_size(num_features, u, num_layers)  # noqa: E731, grows with u
    above = bisect.bisect_left(range(1, target + 1), target, key=size) + 1  # size >= target
    return min((u for u in (above - 1, above) if u >= 1), key=lambda u: abs(size(u) - target))


CELLS = ("gru", "mingru", "mingru_sequential")  # GRU, MinGRU(parallel=True / False)


def build(cell, num_units, seq_len, num_features, num_layers=1, num_outputs=1):
    """keras.Input (seq_len, num_features) -> num_layers of cell (one of CELLS), num_units
    each -> Dense(num_outputs) on the last state. Uncompiled."""
    _checks.choice("cell", cell, CELLS)
    for name, value in (("num_units", num_units), ("seq_len", seq_len),
                        ("num_features", num_features), ("num_layers", num_layers),
                        ("num_outputs", num_outputs)):
        _checks.integer(name, value, minimum=1)
    options = {} if cell == "gru" else {"parallel": cell == "mingru"}
    layer = keras.layers.GRU if cell == "gru" else MinGRU
    inputs = keras.Input((seq_len, num_features))
    h = inputs  # (batch, time, features), then (batch, time, units)
    for depth in range(num_layers):
        h = layer(num_units, return_sequences=depth < num_layers - 1, **options)(h)
    return keras.Model(inputs, keras.layers.Dense(num_outputs)(h), name=f"{cell}_x{num_layers}")


def step_seconds(model, x, y, num_repeats=3):
    """The median wall time of one training step (forward, backward, Adam update) of
    model on the batch (x, y), after one warm-up step that traces the graph. Compiles
    model with Adam and the MSE."""
    _checks.instance("model", model, keras.Model, "a keras.Model")
    num_repeats = _checks.integer("num_repeats", num_repeats, minimum=1)
    inputs, outputs = _shapes(model)
    x = _checks.array("x", x, axes=("batch", "time", "features"), nonempty=("batch",),
                      shape=(None, *inputs[1:]))
    y = _checks.array("y", y, axes=("batch", "outputs"), shape=(len(x), *outputs[1:]))
    model.compile(optimizer="adam", loss="mse")
    model.train_on_batch(x, y)  # warm-up: traces and compiles the step
    times = []
    for _ in range(num_repeats):
        start = time.perf_counter()
        model.train_on_batch(x, y)
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def _shapes(model):
    """model's input shape (batch, time, features) and output shape (batch, outputs)."""
    try:
        inputs, outputs = tuple(model.input_shape), tuple(model.output_shape)
    except AttributeError:  # a Sequential model without keras.Input
        raise ValueError("model must be built on keras.Input((seq_len, num_features)); "
                         "it has no input shape yet") from None
    if len(inputs) != 3 or len(outputs) != 2 or not all(
            isinstance(size, int) or size is None for size in inputs + outputs):
        raise ValueError("model must have one (batch, time, features) input and one (batch, "
                         f"outputs) output; got shapes {inputs} -> {outputs}")
    return inputs, outputs


def timing_table(lengths, batch_size, num_features=2, gru_units=16, num_repeats=3, seed=0):
    """Seconds per training step of GRU(gru_units) and of MinGRU at the same weight count
    (``matching_units``), parallel and sequential, at each sequence length: the recipe
    chapter 8 and ``benchmarks/parallel_speed.py`` share. The three models are timed one
    after the other at each length, on the same random batch (x ~ N(0, 1), y ~ N(0, 1)).

    Returns {"lengths": [...], "units": {cell: units}, cell: [seconds per length], ...}
    for each cell of CELLS.
    """
    lengths = [_checks.integer("lengths", value, minimum=1) for value in
               _checks.items("lengths", lengths, (int, np.integer), "a sequence length (an int >= 1)",
                             min_items=1)]
    batch_size = _checks.integer("batch_size", batch_size, minimum=1)
    rng = np.random.default_rng(_checks.integer("seed", seed, minimum=0))
    units = dict.fromkeys(CELLS, matching_units(num_features, gru_units))
    units["gru"] = gru_units
    table = {"lengths": lengths, "units": units, **{cell: [] for cell in CELLS}}
    for seq_len in lengths:
        x = rng.normal(size=(batch_size, seq_len, num_features)).astype("float32")
        y = rng.normal(size=(batch_size, 1)).astype("float32")  # (batch, 1)
        for cell in CELLS:
            model = build(cell, units[cell], seq_len, num_features)
            table[cell].append(step_seconds(model, x, y, num_repeats))
    return table
