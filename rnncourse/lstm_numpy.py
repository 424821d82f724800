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

Backpropagation through time (:func:`lstm_backward`) needs the gates of every step:
``lstm_forward(..., return_gates=True)`` also returns them, side by side as in ``W_x``.
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


def _checked_params(params, sizes, exact=False):
    """W_x (features, 4*units), W_h (units, 4*units), b (4*units,), finite; fills sizes."""
    params = _checks.weights("params", params, AXES, sizes, exact=exact)
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
    return h_t, c_t, (i, f, c_tilde, o)


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
    return _lstm_step(x_t, h_prev, c_prev, params)[:2]


def lstm_forward(x, params, h0=None, c0=None, return_gates=False):
    """Run the LSTM over a batch of sequences and return every hidden and cell state.

    Like ``keras.layers.LSTM(units, return_sequences=True, return_state=True)``
    called with ``initial_state=[h0, c0]``: its outputs are ``h``, ``h[:, -1]``
    and ``c[:, -1]``.

    Args:
        x: (batch, time, features) inputs.
        params: dict from :func:`lstm_init_params`.
        h0: (batch, units) initial hidden state; zeros if None.
        c0: (batch, units) initial cell state; zeros if None.
        return_gates: True to return the gates too, for :func:`lstm_backward`.

    Returns:
        (h, c), both (batch, time, units): h[:, t] and c[:, t] are the states
        after step t. With ``return_gates=True``, (h, c, gates): gates (batch, time,
        4*units) holds i, f, c~, o of every step, in Keras' block order.

    Raises:
        ValueError, TypeError: x not 3-D, an empty batch or time axis, feature size not
            matching W_x, params that do not fit together, NaN/inf in x, params, h0 or c0,
            h0 / c0 of the wrong shape, or return_gates not True or False.
    """
    sizes = {}
    params = _checked_params(params, sizes)
    x = _checks.sized("x", x, ("batch", "time", "features"), sizes, nonempty=("batch", "time"))
    x = np.asarray(x, dtype=np.float64)  # (batch, time, features)
    h_prev = _checks.initial_state("h0", h0, ("batch", "units"), sizes)  # (batch, units)
    c_prev = _checks.initial_state("c0", c0, ("batch", "units"), sizes)  # (batch, units)
    _checks.instance("return_gates", return_gates, (bool, np.bool_), "True or False")
    batch_size, seq_len, _ = x.shape
    num_units = params["W_h"].shape[0]
    h = np.empty((batch_size, seq_len, num_units))  # (batch, time, units)
    c = np.empty((batch_size, seq_len, num_units))  # (batch, time, units)
    gates = np.empty((batch_size, seq_len, NUM_GATES * num_units)) if return_gates else None
    for t in range(seq_len):
        h_prev, c_prev, step_gates = _lstm_step(x[:, t], h_prev, c_prev, params)  # (batch, units)
        h[:, t] = h_prev  # (batch, units)
        c[:, t] = c_prev  # (batch, units)
        if return_gates:
            gates[:, t] = np.concatenate(step_gates, axis=1)  # (batch, 4*units)
    return (h, c, gates) if return_gates else (h, c)


def _gates_back(dh, dc, c_prev, c_t, gates_t):
    """Back through the elementwise part of one step: (dz, dc_next).

    dh, dc: dLoss/dh_t (total) and dLoss/dc_t arriving from step t+1. dz (batch, 4*units)
    is dLoss/dz for the gates' pre-activation z, blocks i, f, c, o; dc_next is dLoss/dc_{t-1}.
    """
    i, f, c_tilde, o = np.split(gates_t, NUM_GATES, axis=1)  # (batch, units) each
    tanh_c = np.tanh(c_t)  # (batch, units)
    dc = dc + dh * o * (1.0 - tanh_c * tanh_c)  # (batch, units): total dLoss/dc_t
    di_raw = dc * c_tilde * i * (1.0 - i)  # (batch, units): through sigmoid, w.r.t. z_i
    df_raw = dc * c_prev * f * (1.0 - f)  # (batch, units): w.r.t. z_f
    dc_tilde_raw = dc * i * (1.0 - c_tilde * c_tilde)  # (batch, units): through tanh, z_c
    do_raw = dh * tanh_c * o * (1.0 - o)  # (batch, units): w.r.t. z_o
    dz = np.concatenate([di_raw, df_raw, dc_tilde_raw, do_raw], axis=1)  # (batch, 4*units)
    return dz, dc * f  # (batch, 4*units), (batch, units): on to c_{t-1}


def lstm_backward(x, h, c, gates, params, dh, h0=None, c0=None, dh_T=None, dc_T=None):
    """Backpropagation through time for ``h, c, gates = lstm_forward(x, params, h0, c0,
    return_gates=True)``.

    The gradient of a loss L whose gradients with respect to the outputs of Keras'
    ``LSTM(return_sequences=True, return_state=True)`` are dh (every h_t), dh_T (the
    returned h_T) and dc_T (the returned c_T). Going back from the last step, with
    dh_next, dc_next the gradients arriving at h_t, c_t from step t+1 (dh_T, dc_T at first)::

        dh = dh_t + dh_next;  dc = dc_next + dh * o * (1 - tanh(c_t)**2)
        dz = [dc * c~ * i(1-i), dc * c_{t-1} * f(1-f), dc * i * (1-c~**2), dh * tanh(c_t) * o(1-o)]
        dh_next = dz @ W_h.T;  dc_next = dc * f

    and dW_x, dW_h, db are sums over t of x_t^T dz, h_{t-1}^T dz and dz.

    Args:
        x: (batch, time, features) inputs; h, c: (batch, time, units) and gates
            (batch, time, 4*units) from :func:`lstm_forward` with the same x, params, h0, c0.
        params: dict from :func:`lstm_init_params` (exactly its three keys).
        dh: (batch, time, units) dLoss/dh_t; many-to-one: zeros except the last step.
        h0, c0: (batch, units) initial states used in the forward pass; zeros if None.
        dh_T, dc_T: (batch, units) dLoss/dh_T and dLoss/dc_T for the final states; zeros
            if None.

    Returns:
        dict with ``"W_x"``, ``"W_h"``, ``"b"`` (shapes as in ``params``), ``"x"`` (batch,
        time, features), ``"h0"`` and ``"c0"`` (batch, units), all float64.

    Raises:
        ValueError, TypeError: bad x or params (as :func:`lstm_forward`, and no other keys),
            h, c, gates, dh, h0, c0, dh_T or dc_T of the wrong shape or not finite.
    """
    sizes = {}
    weights = _checked_params(params, sizes, exact=True)
    x = _checks.sized("x", x, ("batch", "time", "features"), sizes, nonempty=("batch", "time"))
    x = np.asarray(x, dtype=np.float64)  # (batch, time, features)
    h = _checks.sized("h", h, ("batch", "time", "units"), sizes)  # (batch, time, units)
    c = _checks.sized("c", c, ("batch", "time", "units"), sizes)  # (batch, time, units)
    gates = _checks.sized("gates", gates, ("batch", "time", "4*units"), sizes)
    dh = _checks.sized("dh", dh, ("batch", "time", "units"), sizes)  # (batch, time, units)
    h_start = _checks.initial_state("h0", h0, ("batch", "units"), sizes)  # (batch, units)
    c_start = _checks.initial_state("c0", c0, ("batch", "units"), sizes)  # (batch, units)
    dh_next = _checks.initial_state("dh_T", dh_T, ("batch", "units"), sizes)  # (batch, units)
    dc_next = _checks.initial_state("dc_T", dc_T, ("batch", "units"), sizes)  # (batch, units)
    grads = {name: np.zeros(weights[name].shape) for name in PARAM_NAMES}  # float64
    grads["x"] = np.zeros(x.shape)  # (batch, time, features)
    for t in reversed(range(x.shape[1])):
        h_prev = h[:, t - 1] if t > 0 else h_start  # (batch, units)
        c_prev = c[:, t - 1] if t > 0 else c_start  # (batch, units)
        dh_t = dh[:, t] + dh_next  # (batch, units): total dLoss/dh_t
        dz, dc_next = _gates_back(dh_t, dc_next, c_prev, c[:, t], gates[:, t])  # (batch, 4*units)
        grads["W_x"] += x[:, t].T @ dz  # (features, 4*units)
        grads["W_h"] += h_prev.T @ dz  # (units, 4*units)
        grads["b"] += dz.sum(axis=0)  # (4*units,)
        grads["x"][:, t] = dz @ weights["W_x"].T  # (batch, features)
        dh_next = dz @ weights["W_h"].T  # (batch, units): on to h_{t-1}
    grads["h0"], grads["c0"] = dh_next, dc_next  # (batch, units) each
    return grads
