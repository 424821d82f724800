"""A long short-term memory (LSTM) layer in NumPy, written from the equations.

Batch first, row vectors, float64, the same layout as Keras' ``LSTM``. With
``x_t: (batch, features)`` and the four gate blocks of ``units`` columns each,
in Keras order i, f, c, o along the last axis of the weights::

    i   = sigmoid(x_t @ W_x[:, 0U:1U] + h_{t-1} @ W_h[:, 0U:1U] + b[0U:1U])  # input gate
    f   = sigmoid(x_t @ W_x[:, 1U:2U] + h_{t-1} @ W_h[:, 1U:2U] + b[1U:2U])  # forget gate
    c~  = tanh(   x_t @ W_x[:, 2U:3U] + h_{t-1} @ W_h[:, 2U:3U] + b[2U:3U])  # cell candidate
    o   = sigmoid(x_t @ W_x[:, 3U:4U] + h_{t-1} @ W_h[:, 3U:4U] + b[3U:4U])  # output gate
    c_t = f * c_{t-1} + i * c~                                             # cell state
    h_t = o * tanh(c_t)                                                    # hidden state

where U = units and ``*`` is elementwise. Each gate and state is (batch, units).
``sigmoid`` is the logistic function 1 / (1 + exp(-z)), Keras 3's default
``recurrent_activation`` (Keras 2.2 and older defaulted to ``hard_sigmoid``).

``params`` is a dict in ``LSTM.get_weights()`` order: ``W_x (features, 4*units)``
= ``kernel``, ``W_h (units, 4*units)`` = ``recurrent_kernel``, ``b (4*units,)`` =
``bias``, so ``layer.set_weights([params[k] for k in PARAM_NAMES])`` loads them.
"""

import numpy as np

from rnncourse import _checks
from rnncourse.rnn_numpy import glorot_uniform

PARAM_NAMES = ("W_x", "W_h", "b")  # Keras order: kernel, recurrent_kernel, bias
NUM_GATES = 4  # i, f, c, o
# The axes of each weight, checked in this order: W_h first fixes `units` and `4*units`.
AXES = {"W_h": ("units", "4*units"), "W_x": ("features", "4*units"), "b": ("4*units",)}


def _orthogonal_rows(num_rows, num_cols, rng):
    """(rows, cols) matrix with orthonormal rows (rows <= cols), as Keras' ``Orthogonal``."""
    gaussian = rng.standard_normal((num_cols, num_rows))  # (cols, rows)
    q, r = np.linalg.qr(gaussian)  # (cols, rows) orthonormal columns, (rows, rows)
    return (q * np.sign(np.diag(r))).T  # (rows, cols)


def lstm_init_params(num_features, num_units, rng):
    """Initial LSTM parameters with Keras' default scheme.

    ``W_x`` is Glorot-uniform with fan_in = features and fan_out = 4*units (Keras
    computes the fans from the whole kernel), ``W_h`` has orthonormal rows
    (Keras' ``Orthogonal`` on a (units, 4*units) matrix), and ``b`` is zero except
    the forget-gate block, which is one: Keras' ``unit_forget_bias=True``, so that
    at the start f = sigmoid(1 + ...) is near 0.73 and the cell keeps most of
    its content (Jozefowicz et al., 2015).

    Args:
        num_features: size of each input vector x_t (an integer >= 1).
        num_units: size of the hidden state h_t and of the cell state c_t (an integer >= 1).
        rng: a ``np.random.Generator``, e.g. ``np.random.default_rng(seed)``.

    Returns:
        dict with ``W_x (features, 4*units)``, ``W_h (units, 4*units)``,
        ``b (4*units,)``.
    """
    num_features = _checks.integer("num_features", num_features, minimum=1)
    num_units = _checks.integer("num_units", num_units, minimum=1)
    rng = _checks.generator("rng", rng)
    b = np.zeros(NUM_GATES * num_units)  # (4*units,)
    b[num_units : 2 * num_units] = 1.0  # forget-gate block
    return {
        "W_x": glorot_uniform(num_features, NUM_GATES * num_units, rng),
        "W_h": _orthogonal_rows(num_units, NUM_GATES * num_units, rng),
        "b": b,
    }


def _sigmoid(z):
    """Logistic function 1 / (1 + exp(-z)), written with tanh so that it never overflows."""
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def _checked_params(params, sizes):
    """W_x (features, 4*units), W_h (units, 4*units), b (4*units,), finite; fills sizes."""
    params = _checks.weights("params", params, AXES, sizes, exact=False)
    if sizes["4*units"][0] != NUM_GATES * sizes["units"][0]:
        raise ValueError(
            "LSTM params must be W_x (features, 4*units), W_h (units, 4*units), b (4*units,); "
            f"got W_x {params['W_x'].shape}, W_h {params['W_h'].shape}, b {params['b'].shape}"
        )
    return params


def _lstm_step(x_t, h_prev, c_prev, params):
    """lstm_step without the checks: lstm_forward checks its arguments once, for every step."""
    z = x_t @ params["W_x"] + h_prev @ params["W_h"] + params["b"]  # (batch, 4*units)
    z_i, z_f, z_c, z_o = np.split(z, NUM_GATES, axis=1)  # each (batch, units)
    i = _sigmoid(z_i)  # (batch, units) input gate
    f = _sigmoid(z_f)  # (batch, units) forget gate
    c_tilde = np.tanh(z_c)  # (batch, units) cell candidate
    o = _sigmoid(z_o)  # (batch, units) output gate
    c_t = f * c_prev + i * c_tilde  # (batch, units)
    h_t = o * np.tanh(c_t)  # (batch, units)
    return h_t, c_t


def lstm_step(x_t, h_prev, c_prev, params):
    """One LSTM step: the gate equations in the module docstring.

    Args:
        x_t: (batch, features) inputs at step t.
        h_prev: (batch, units) hidden state after step t-1; zeros if None.
        c_prev: (batch, units) cell state after step t-1; zeros if None.
        params: dict from :func:`lstm_init_params`.

    Returns:
        (h_t, c_t), both (batch, units).

    Raises:
        ValueError, TypeError: params that do not fit together, x_t not (batch, features),
            states not (batch, units), or NaN/inf in any input or weight.
    """
    sizes = {}
    params = _checked_params(params, sizes)
    x_t = _checks.sized("x_t", x_t, ("batch", "features"), sizes)  # (batch, features)
    x_t = np.asarray(x_t, dtype=np.float64)  # (batch, features)
    h_prev = _checks.initial_state("h_prev", h_prev, ("batch", "units"), sizes)
    c_prev = _checks.initial_state("c_prev", c_prev, ("batch", "units"), sizes)
    return _lstm_step(x_t, h_prev, c_prev, params)


def lstm_forward(x, params, h0=None, c0=None):
    """Run the LSTM over a batch of sequences and return every hidden and cell state.

    Like ``keras.layers.LSTM(units, return_sequences=True, return_state=True)``
    called with ``initial_state=[h0, c0]``: its outputs are ``h``, ``h[:, -1]``
    and ``c[:, -1]``.

    Args:
        x: (batch, time, features) inputs.
        params: dict from :func:`lstm_init_params`.
        h0: (batch, units) initial hidden state; zeros if None.
        c0: (batch, units) initial cell state; zeros if None.

    Returns:
        (h, c), both (batch, time, units): h[:, t] and c[:, t] are the states
        after step t.

    Raises:
        ValueError, TypeError: x not 3-D, an empty batch or time axis, feature size not
            matching W_x, params that do not fit together, NaN/inf in x, params, h0 or c0,
            or h0 / c0 of the wrong shape.
    """
    sizes = {}
    params = _checked_params(params, sizes)
    x = _checks.sized("x", x, ("batch", "time", "features"), sizes, nonempty=("batch", "time"))
    x = np.asarray(x, dtype=np.float64)  # (batch, time, features)
    h_prev = _checks.initial_state("h0", h0, ("batch", "units"), sizes)  # (batch, units)
    c_prev = _checks.initial_state("c0", c0, ("batch", "units"), sizes)  # (batch, units)
    batch_size, seq_len, _ = x.shape
    num_units = params["W_h"].shape[0]
    h = np.empty((batch_size, seq_len, num_units))  # (batch, time, units)
    c = np.empty((batch_size, seq_len, num_units))  # (batch, time, units)
    for t in range(seq_len):
        h_prev, c_prev = _lstm_step(x[:, t], h_prev, c_prev, params)  # (batch, units) each
        h[:, t] = h_prev  # (batch, units)
        c[:, t] = c_prev  # (batch, units)
    return h, c
