"""A gated recurrent unit (GRU) layer in NumPy, written from the equations.

Batch first, row vectors, float64, in the form Keras 3's ``GRU`` computes by default
(``reset_after=True``). With ``x_t: (batch, features)`` and the three gate blocks of
``units`` columns each, in Keras order z, r, h along the last axis of the weights, and
the bias split into an input row ``b_in = b[0]`` and a recurrent row ``b_rec = b[1]``::

    x_z, x_r, x_h = split(x_t @ W_x + b_in)                     # 3 x (batch, units)
    recurrent_z, recurrent_r, recurrent_h = split(h_{t-1} @ W_h + b_rec)
    z   = sigmoid(x_z + recurrent_z)                            # update gate
    r   = sigmoid(x_r + recurrent_r)                            # reset gate
    h~  = tanh(x_h + r * recurrent_h)                           # candidate state
    h_t = z * h_{t-1} + (1 - z) * h~                            # hidden state

``split`` cuts the 3*units columns into the blocks z, r, h, and ``*`` is elementwise.
The reset gate multiplies the recurrent candidate term *after* the product with
``W_h[:, 2U:3U]`` (and its bias); the original GRU (Cho et al., 2014; Keras'
``reset_after=False``) resets h_{t-1} before it. Note which way the update gate works:
z = 1 keeps the old state, z = 0 takes the candidate. ``sigmoid`` is the logistic
function, Keras 3's default ``recurrent_activation``.

``params`` is a dict in ``GRU.get_weights()`` order: ``W_x (features, 3*units)`` =
``kernel``, ``W_h (units, 3*units)`` = ``recurrent_kernel``, ``b (2, 3*units)`` =
``bias`` (row 0 Keras' ``input_bias``, row 1 its ``recurrent_bias``), so
``layer.set_weights([params[k] for k in PARAM_NAMES])`` loads them.
"""

import numpy as np

from rnncourse import _checks
from rnncourse.lstm_numpy import _orthogonal_rows, _sigmoid
from rnncourse.rnn_numpy import glorot_uniform

PARAM_NAMES = ("W_x", "W_h", "b")  # Keras order: kernel, recurrent_kernel, bias
NUM_GATES = 3  # z, r, h
# The axes of each weight, checked in this order: W_h first fixes `units` and `3*units`.
AXES = {"W_h": ("units", "3*units"), "W_x": ("features", "3*units"), "b": ("b_in/b_rec", "3*units")}


def gru_init_params(num_features, num_units, rng):
    """Initial GRU parameters with Keras' default scheme.

    ``W_x`` is Glorot-uniform with fan_in = features and fan_out = 3*units, ``W_h``
    has orthonormal rows (Keras' ``Orthogonal`` on a (units, 3*units) matrix), and
    both bias rows are zero.

    Args:
        num_features: size of each input vector x_t (an integer >= 1).
        num_units: size of the hidden state h_t (an integer >= 1).
        rng: a ``np.random.Generator``, e.g. ``np.random.default_rng(seed)``.

    Returns:
        dict with ``W_x (features, 3*units)``, ``W_h (units, 3*units)``, ``b (2, 3*units)``.
    """
    num_features = _checks.integer("num_features", num_features, minimum=1)
    num_units = _checks.integer("num_units", num_units, minimum=1)
    rng = _checks.generator("rng", rng)
    return {
        "W_x": glorot_uniform(num_features, NUM_GATES * num_units, rng),
        "W_h": _orthogonal_rows(num_units, NUM_GATES * num_units, rng),
        "b": np.zeros((2, NUM_GATES * num_units)),  # b_in, b_rec
    }


def _checked_params(params, sizes, exact=False):
    """W_x (features, 3*units), W_h (units, 3*units), b (2, 3*units), finite; fills sizes."""
    params = _checks.weights("params", params, AXES, sizes, exact=exact)
    if sizes["3*units"][0] != NUM_GATES * sizes["units"][0] or len(params["b"]) != 2:
        raise ValueError(
            "GRU params must be W_x (features, 3*units), W_h (units, 3*units), b (2, 3*units) "
            "(Keras' reset_after=True: an input and a recurrent bias row); got W_x "
            f"{params['W_x'].shape}, W_h {params['W_h'].shape}, b {params['b'].shape}"
        )
    return params


def _gru_step(x_t, h_prev, params):
    """gru_step without the checks, also returning the gates: ``(h_t, (z, r, h_tilde))``."""
    b_in, b_rec = params["b"]  # (3*units,) each
    x_z, x_r, x_h = np.split(x_t @ params["W_x"] + b_in, NUM_GATES, axis=1)  # (batch, units)
    recurrent = h_prev @ params["W_h"] + b_rec  # (batch, 3*units)
    recurrent_z, recurrent_r, recurrent_h = np.split(recurrent, NUM_GATES, axis=1)  # (batch, units)
    z = _sigmoid(x_z + recurrent_z)  # (batch, units) update gate
    r = _sigmoid(x_r + recurrent_r)  # (batch, units) reset gate
    h_tilde = np.tanh(x_h + r * recurrent_h)  # (batch, units) candidate state
    h_t = z * h_prev + (1.0 - z) * h_tilde  # (batch, units)
    return h_t, (z, r, h_tilde)


def gru_step(x_t, h_prev, params):
    """One GRU step: the equations in the module docstring.

    Args:
        x_t: (batch, features) inputs at step t.
        h_prev: (batch, units) hidden state after step t-1; zeros if None.
        params: dict from :func:`gru_init_params`.

    Returns:
        h_t: (batch, units).

    Raises:
        ValueError, TypeError: params that do not fit together, x_t not (batch, features),
            h_prev not (batch, units), or NaN/inf in any input or weight.
    """
    sizes = {}
    params = _checked_params(params, sizes)
    x_t = _checks.sized("x_t", x_t, ("batch", "features"), sizes)  # (batch, features)
    x_t = np.asarray(x_t, dtype=np.float64)  # (batch, features)
    h_prev = _checks.initial_state("h_prev", h_prev, ("batch", "units"), sizes)
    return _gru_step(x_t, h_prev, params)[0]  # (batch, units)


def gru_forward(x, params, h0=None, return_gates=False):
    """Run the GRU over a batch of sequences and return every hidden state.

    Like ``keras.layers.GRU(units, return_sequences=True, return_state=True)`` called
    with ``initial_state=[h0]``: its outputs are ``h`` and ``h[:, -1]``.

    Args:
        x: (batch, time, features) inputs.
        params: dict from :func:`gru_init_params`.
        h0: (batch, units) initial state; zeros if None.
        return_gates: True to return the gates too, for :func:`gru_backward`.

    Returns:
        h: (batch, time, units), h[:, t] is the state after step t. With
        ``return_gates=True``, (h, gates): gates (batch, time, 3*units) holds z, r, h~ of
        every step, in Keras' block order.

    Raises:
        ValueError, TypeError: x not 3-D, an empty batch or time axis, feature size not
            matching W_x, params that do not fit together, NaN/inf in x, params or h0,
            h0 of the wrong shape, or return_gates not True or False.
    """
    sizes = {}
    params = _checked_params(params, sizes)
    x = _checks.sized("x", x, ("batch", "time", "features"), sizes, nonempty=("batch", "time"))
    x = np.asarray(x, dtype=np.float64)  # (batch, time, features)
    h_prev = _checks.initial_state("h0", h0, ("batch", "units"), sizes)  # (batch, units)
    _checks.instance("return_gates", return_gates, (bool, np.bool_), "True or False")
    batch_size, seq_len, _ = x.shape
    num_units = params["W_h"].shape[0]
    h = np.empty((batch_size, seq_len, num_units))  # (batch, time, units)
    gates = np.empty((batch_size, seq_len, NUM_GATES * num_units)) if return_gates else None
    for t in range(seq_len):
        h_prev, step_gates = _gru_step(x[:, t], h_prev, params)  # (batch, units)
        h[:, t] = h_prev  # (batch, units)
        if return_gates:
            gates[:, t] = np.concatenate(step_gates, axis=1)  # (batch, 3*units)
    return (h, gates) if return_gates else h


def _step_back(grads, dh, t, x, h_prev, gates_t, params):
    """Back through step t, given dh = dLoss/dh_t: add the step's terms to grads, return dh_next.

    The one term the gates do not hold, recurrent_h, is recomputed: (batch, units) @ (units,
    units), a third of the forward pass's recurrent product.
    """
    candidate = slice(2 * h_prev.shape[1], None)  # the h block's columns, 2U:3U
    z, r, h_tilde = np.split(gates_t, NUM_GATES, axis=1)  # (batch, units) each
    recurrent_h = h_prev @ params["W_h"][:, candidate] + params["b"][1, candidate]  # (batch, units)
    dh_tilde_raw = dh * (1.0 - z) * (1.0 - h_tilde * h_tilde)  # (batch, units): through tanh
    dz_raw = dh * (h_prev - h_tilde) * z * (1.0 - z)  # (batch, units): through sigmoid
    dr_raw = dh_tilde_raw * recurrent_h * r * (1.0 - r)  # (batch, units): through sigmoid
    dx_side = np.concatenate([dz_raw, dr_raw, dh_tilde_raw], axis=1)  # (batch, 3*units)
    dh_side = np.concatenate([dz_raw, dr_raw, dh_tilde_raw * r], axis=1)  # (batch, 3*units)
    grads["W_x"] += x[:, t].T @ dx_side  # (features, 3*units)
    grads["W_h"] += h_prev.T @ dh_side  # (units, 3*units)
    grads["b"][0] += dx_side.sum(axis=0)  # (3*units,): b_in
    grads["b"][1] += dh_side.sum(axis=0)  # (3*units,): b_rec
    grads["x"][:, t] = dx_side @ params["W_x"].T  # (batch, features)
    return dh * z + dh_side @ params["W_h"].T  # (batch, units): on to h_{t-1}


def gru_backward(x, h, gates, params, dh, h0=None, dh_T=None):
    """Backpropagation through time for ``h, gates = gru_forward(x, params, h0,
    return_gates=True)``.

    The gradient of a loss L whose gradients with respect to the outputs of Keras'
    ``GRU(return_sequences=True, return_state=True)`` are dh (every h_t) and dh_T (the
    returned h_T). Going back from the last step, with dh_next the gradient arriving at
    h_t from step t+1 (dh_T at first), ``dh = dh_t + dh_next`` and::

        dh~_raw = dh * (1 - z) * (1 - h~**2);  dz_raw = dh * (h_{t-1} - h~) * z(1-z)
        dr_raw = dh~_raw * recurrent_h * r(1-r)
        dx_side = [dz_raw, dr_raw, dh~_raw];  dh_side = [dz_raw, dr_raw, dh~_raw * r]
        dh_next = dh * z + dh_side @ W_h.T

    dx_side and dh_side are dLoss/d(x_t @ W_x + b_in) and dLoss/d(h_{t-1} @ W_h + b_rec);
    dW_x, dW_h, db_in, db_rec are sums over t of x_t^T dx_side, h_{t-1}^T dh_side and of
    dx_side and dh_side over the batch.

    Args:
        x: (batch, time, features) inputs; h (batch, time, units) and gates (batch, time,
            3*units) from :func:`gru_forward` with the same x, params, h0.
        params: dict from :func:`gru_init_params` (exactly its three keys).
        dh: (batch, time, units) dLoss/dh_t; many-to-one: zeros except the last step.
        h0: (batch, units) initial state used in the forward pass; zeros if None.
        dh_T: (batch, units) dLoss/dh_T for the final state; zeros if None.

    Returns:
        dict with ``"W_x"``, ``"W_h"``, ``"b"`` (shapes as in ``params``), ``"x"`` (batch,
        time, features) and ``"h0"`` (batch, units), all float64.

    Raises:
        ValueError, TypeError: bad x or params (as :func:`gru_forward`, and no other keys),
            h, gates, dh, h0 or dh_T of the wrong shape or not finite.
    """
    sizes = {}
    weights = _checked_params(params, sizes, exact=True)
    x = _checks.sized("x", x, ("batch", "time", "features"), sizes, nonempty=("batch", "time"))
    x = np.asarray(x, dtype=np.float64)  # (batch, time, features)
    h = _checks.sized("h", h, ("batch", "time", "units"), sizes)  # (batch, time, units)
    gates = _checks.sized("gates", gates, ("batch", "time", "3*units"), sizes)
    dh = _checks.sized("dh", dh, ("batch", "time", "units"), sizes)  # (batch, time, units)
    h_start = _checks.initial_state("h0", h0, ("batch", "units"), sizes)  # (batch, units)
    dh_next = _checks.initial_state("dh_T", dh_T, ("batch", "units"), sizes)  # (batch, units)
    grads = {name: np.zeros(weights[name].shape) for name in PARAM_NAMES}  # float64
    grads["x"] = np.zeros(x.shape)  # (batch, time, features)
    for t in reversed(range(x.shape[1])):
        h_prev = h[:, t - 1] if t > 0 else h_start  # (batch, units)
        dh_t = dh[:, t] + dh_next  # (batch, units): total dLoss/dh_t
        dh_next = _step_back(grads, dh_t, t, x, h_prev, gates[:, t], weights)  # (batch, units)
    grads["h0"] = dh_next  # (batch, units)
    return grads
