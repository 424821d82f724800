"""A simple recurrent network (Elman RNN) in NumPy, written from the equations.

Batch first, row vectors, float64 by default. With ``x_t: (batch, features)``::

    h_t = tanh(x_t @ W_xh + h_{t-1} @ W_hh + b_h)    # state,  (batch, units)
    y_t = h_t @ W_hy + b_y                           # output, (batch, outputs)

``params`` is a dict keyed by the symbols, shapes as in the course notation
page. Keras names (``SimpleRNN.get_weights()`` order): ``W_xh (features, units)``
= ``kernel``, ``W_hh (units, units)`` = ``recurrent_kernel``, ``b_h (units,)`` =
``bias``; ``W_hy (units, outputs)`` and ``b_y (outputs,)`` are the kernel and bias
of a ``Dense`` readout layer.

Chapter 2 adds backpropagation through time (:func:`rnn_backward`), the mean
squared error (:func:`mse_loss`) and gradient clipping (:func:`clip_by_global_norm`);
``train_numpy`` holds the optimizers and the training loop.

float32 arrays stay float32 (the speed benchmark uses them); anything else is
converted to float64.
"""

import numpy as np

from rnncourse import _checks

PARAM_NAMES = ("W_xh", "W_hh", "b_h", "W_hy", "b_y")
# The axes of each weight, checked in this order: W_hh first fixes `units` for the others.
AXES = {"W_hh": ("units", "units"), "W_xh": ("features", "units"), "b_h": ("units",),
        "W_hy": ("units", "outputs"), "b_y": ("outputs",)}
RECURRENCE = ("W_hh", "W_xh", "b_h")  # what rnn_step and rnn_forward use
READOUT = ("W_hy", "b_y")  # what rnn_outputs uses


def _weights(params, names, sizes, exact=False):
    """params[name] for each of names, finite and of shapes that fit together; fills sizes."""
    axes = {name: AXES[name] for name in names}
    return _checks.weights("params", params, axes, sizes, exact=exact)


def glorot_uniform(fan_in, fan_out, rng):
    """Uniform on [-limit, limit], limit = sqrt(6 / (fan_in + fan_out)): (fan_in, fan_out).

    Keras' default kernel initializer (``GlorotUniform``), also used by ``lstm_numpy``.
    """
    fan_in = _checks.integer("fan_in", fan_in, minimum=1)
    fan_out = _checks.integer("fan_out", fan_out, minimum=1)
    rng = _checks.generator("rng", rng)
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, size=(fan_in, fan_out))  # (fan_in, fan_out)


def _orthogonal(num_units, rng):
    """Random orthogonal matrix, as Keras' ``Orthogonal``: QR of a Gaussian, signs by diag(R)."""
    gaussian = rng.standard_normal((num_units, num_units))  # (units, units)
    q, r = np.linalg.qr(gaussian)  # (units, units), (units, units)
    return q * np.sign(np.diag(r))  # (units, units)


def init_params(num_features, num_units, num_outputs, rng):
    """Initial parameters with Keras' default scheme for ``SimpleRNN`` + ``Dense``.

    ``W_xh`` and ``W_hy`` are Glorot-uniform, ``W_hh`` is a random orthogonal
    matrix (spectral radius 1, so the state neither explodes nor dies out at
    the start), and both biases are zero.

    Args:
        num_features: size of each input vector x_t (an integer >= 1).
        num_units: size of the hidden state h_t (an integer >= 1).
        num_outputs: size of each output vector y_t (an integer >= 1).
        rng: a ``np.random.Generator``, e.g. ``np.random.default_rng(seed)``.

    Returns:
        dict with ``W_xh (features, units)``, ``W_hh (units, units)``,
        ``b_h (units,)``, ``W_hy (units, outputs)``, ``b_y (outputs,)``.
    """
    num_features = _checks.integer("num_features", num_features, minimum=1)
    num_units = _checks.integer("num_units", num_units, minimum=1)
    num_outputs = _checks.integer("num_outputs", num_outputs, minimum=1)
    rng = _checks.generator("rng", rng)
    return {
        "W_xh": glorot_uniform(num_features, num_units, rng),
        "W_hh": _orthogonal(num_units, rng),
        "b_h": np.zeros(num_units),
        "W_hy": glorot_uniform(num_units, num_outputs, rng),
        "b_y": np.zeros(num_outputs),
    }


def count_params(params):
    """Number of scalars in ``params``, as Keras reports it, whatever the sequence length.

    For the full network: features*units + units*units + units + units*outputs + outputs.
    ``params`` may be any dict of arrays (the LSTM's too).
    """
    params = _checks.arrays("params", params, finite=False)
    return int(sum(value.size for value in params.values()))


def _rnn_step(x_t, h_prev, params):
    """rnn_step without the checks: rnn_forward checks its arguments once, for every step."""
    z_t = x_t @ params["W_xh"] + h_prev @ params["W_hh"] + params["b_h"]  # (batch, units)
    return np.tanh(z_t)  # (batch, units)


def rnn_step(x_t, h_prev, params):
    """One step of the recurrence: h_t = tanh(z_t), z_t = x_t @ W_xh + h_prev @ W_hh + b_h.

    z_t is the pre-activation.

    Args:
        x_t: (batch, features) inputs at step t; one row (1, features) is used for every
            state of a batch (NumPy broadcasting).
        h_prev: (batch, units) state after step t-1.
        params: dict with W_xh, W_hh, b_h (other keys are ignored).

    Returns:
        h_t: (batch, units).
    """
    sizes = {}
    params = _weights(params, RECURRENCE, sizes)
    x_t = _checks.sized("x_t", x_t, ("batch", "features"), sizes)  # (batch, features)
    if len(x_t) == 1:  # one input row, broadcast over a batch of states
        del sizes["batch"]
    h_prev = _checks.sized("h_prev", h_prev, ("batch", "units"), sizes)  # (batch, units)
    return _rnn_step(x_t, h_prev, params)  # (batch, units)


def rnn_forward(x, params, h0=None, mask=None):
    """Run the recurrence over a batch of sequences and return every state.

    Args:
        x: (batch, time, features) inputs.
        params: dict from :func:`init_params` (only W_xh, W_hh, b_h are used).
        h0: (batch, units) initial state; zeros if None.
        mask: (batch, time) bool (or 0/1), True for real steps. At a masked step the
            state is carried over unchanged, h_t = h_{t-1}, as in Keras
            (``mask_zero=True`` or a ``Masking`` layer). One difference: Keras
            returns zeros, not h0, for steps masked before the first real one;
            the final states agree.

    Returns:
        h: (batch, time, units), h[:, t] is the state after step t.

    Raises:
        ValueError, TypeError: x not 3-D, an empty batch or time axis, feature size not
            matching W_xh, weights that do not fit together, NaN/inf in x, params or h0,
            or h0 / mask of the wrong shape or kind.
    """
    sizes = {}
    params = _weights(params, RECURRENCE, sizes)
    x = _checks.sized("x", x, ("batch", "time", "features"), sizes, nonempty=("batch", "time"))
    h_prev = _checks.initial_state("h0", h0, ("batch", "units"), sizes, x.dtype)
    mask = _checks.optional(_checks.sized, "mask", mask, ("batch", "time"), sizes, kind="bool")
    batch_size, seq_len, _ = x.shape
    num_units = params["W_hh"].shape[0]
    dtype = np.result_type(x, h_prev, params["W_hh"])
    h = np.empty((batch_size, seq_len, num_units), dtype=dtype)  # (batch, time, units)
    for t in range(seq_len):
        h_t = _rnn_step(x[:, t], h_prev, params)  # (batch, units)
        if mask is not None:
            keep = mask[:, t, None]  # (batch, 1)
            h_t = np.where(keep, h_t, h_prev)  # (batch, units)
        h[:, t] = h_t  # (batch, units)
        h_prev = h_t  # (batch, units)
    return h


def rnn_outputs(h, params):
    """Outputs y_t = h_t @ W_hy + b_y at every step (many-to-many).

    For a many-to-one model (one answer per sequence) take ``y[:, -1]``.

    Args:
        h: (batch, time, units) states from :func:`rnn_forward`.
        params: dict with W_hy (units, outputs) and b_y (outputs,) (other keys are ignored).

    Returns:
        y: (batch, time, outputs).
    """
    sizes = {}
    params = _weights(params, READOUT, sizes)
    h = _checks.sized("h", h, ("batch", "time", "units"), sizes, nonempty=("batch", "time"))
    return h @ params["W_hy"] + params["b_y"]  # (batch, time, outputs)


def _step_back(grads, dh, t, x, h, h_start, params):
    """Back through step t, given dh = dLoss/dh_t: add the step's terms to grads, return dh_next.

    dh_next is dLoss/dh_{t-1} through this step. Small products, one step at a time: as fast
    as one large product over all steps on a quiet machine, and steadier on a busy one,
    where the large products' BLAS threads stall (see benchmarks/bptt_speed.py).
    """
    h_prev = h[:, t - 1] if t > 0 else h_start  # (batch, units)
    dh_raw = dh * (1.0 - h[:, t] * h[:, t])  # (batch, units): through tanh, w.r.t. z_t
    grads["W_xh"] += x[:, t].T @ dh_raw  # (features, units)
    grads["W_hh"] += h_prev.T @ dh_raw  # (units, units)
    grads["b_h"] += dh_raw.sum(axis=0)  # (units,)
    grads["x"][:, t] += dh_raw @ params["W_xh"].T  # (batch, features)
    return dh_raw @ params["W_hh"].T  # (batch, units): on to h_{t-1}


def _bptt_full(grads, x, h, h_start, dy, params):
    """Every loss back through every step; dh_next carries the gradient from step t+1."""
    dh_next = np.zeros_like(h_start)  # (batch, units): nothing comes after the last step
    for t in reversed(range(x.shape[1])):
        dh = dy[:, t] @ params["W_hy"].T + dh_next  # (batch, units): total dLoss/dh_t
        dh_next = _step_back(grads, dh, t, x, h, h_start, params)  # (batch, units)
    grads["h0"] += dh_next  # (batch, units)


def _bptt_truncated(grads, x, h, h_start, dy, params, truncate):
    """The loss at step t back through steps t, ..., t-truncate+1 only."""
    for t in reversed(range(x.shape[1])):  # the loss at step t ...
        dh = dy[:, t] @ params["W_hy"].T  # (batch, units)
        for s in range(t, max(t - truncate, -1), -1):  # ... goes back at most `truncate` steps
            dh = _step_back(grads, dh, s, x, h, h_start, params)  # (batch, units): to h_{s-1}
        if t < truncate:  # the chain went through step 0, whose input is h0
            grads["h0"] += dh  # (batch, units)


def rnn_backward(x, h, params, dy, h0=None, truncate=None):
    """Backpropagation through time for y = rnn_outputs(rnn_forward(x, params, h0), params).

    Going back from the last step, with dh_next the gradient arriving at h_t from step t+1::

        dh = dy_t @ W_hy.T + dh_next;  dh_raw = dh * (1 - h_t**2);  dh_next = dh_raw @ W_hh.T

    and dW_xh, dW_hh, db_h are sums over t of x_t^T dh_raw, h_{t-1}^T dh_raw and dh_raw,
    accumulated in the same loop.

    Truncated BPTT, ``truncate=k`` (steps numbered 1..time): the loss at step t sends its
    gradient back through steps t, t-1, ..., t-k+1 only, that is, to the states
    h_t, ..., h_{t-k+1} and the inputs x_t, ..., x_{t-k+1}; it reaches h0 only if t <= k.
    Equivalently, this is the exact gradient of sum_t loss_t where, for t > k, loss_t is
    computed from h_{t-k} held constant. ``truncate >= time`` is full BPTT.

    Args:
        x: (batch, time, features) inputs.
        h: (batch, time, units) states from :func:`rnn_forward` (same x, params, h0;
            no mask: masked steps are not supported here).
        params: dict from :func:`init_params` (exactly its five keys).
        dy: (batch, time, outputs) dLoss/dy; many-to-one: zeros except the last step.
        h0: (batch, units) initial state used in the forward pass; zeros if None.
        truncate: None for full BPTT, or an integer k >= 1 (see above).

    Returns:
        dict with the gradient of every parameter (same keys and shapes as ``params``),
        plus ``"x"`` (batch, time, features) and ``"h0"`` (batch, units).

    Raises:
        ValueError, TypeError: bad x or params (as :func:`rnn_forward`, and the keys of
            :func:`init_params` exactly), h, dy or h0 of the wrong shape or not finite, or
            truncate not None and not an integer >= 1.
    """
    sizes = {}
    weights = _weights(params, AXES, sizes, exact=True)
    x = _checks.sized("x", x, ("batch", "time", "features"), sizes, nonempty=("batch", "time"))
    h = _checks.sized("h", h, ("batch", "time", "units"), sizes)  # (batch, time, units)
    dy = _checks.sized("dy", dy, ("batch", "time", "outputs"), sizes)  # (batch, time, outputs)
    h_start = _checks.initial_state("h0", h0, ("batch", "units"), sizes, x.dtype)
    truncate = _checks.optional(_checks.integer, "truncate", truncate, minimum=1)
    seq_len, (num_units, num_outputs) = x.shape[1], weights["W_hy"].shape
    grads = {name: np.zeros_like(weights[name]) for name in params}  # in the caller's order
    grads["W_hy"] = h.reshape(-1, num_units).T @ dy.reshape(-1, num_outputs)  # (units, outputs)
    grads["b_y"] = dy.sum(axis=(0, 1))  # (outputs,)
    grads["x"] = np.zeros_like(x)  # (batch, time, features)
    grads["h0"] = np.zeros_like(h_start)  # (batch, units)
    if truncate is None or truncate >= seq_len:
        _bptt_full(grads, x, h, h_start, dy, weights)
    else:
        _bptt_truncated(grads, x, h, h_start, dy, weights, truncate)
    return grads


def mse_loss(y_pred, y_true):
    """Mean squared error over all elements, and its gradient with respect to y_pred.

    Args:
        y_pred, y_true: arrays of the same shape, e.g. (batch, outputs) or (batch, time, outputs).

    Returns:
        (loss, dy): loss a float, dy = 2 * (y_pred - y_true) / y_pred.size, shaped like y_pred.
    """
    y_pred = _checks.values("y_pred", y_pred)  # any shape, at least one element
    y_true = _checks.values("y_true", y_true, nonempty=False)  # like y_pred
    if y_pred.shape != y_true.shape:
        raise ValueError(f"y_true must have the shape of y_pred {y_pred.shape}; got {y_true.shape}")
    error = y_pred - y_true  # like y_pred
    return float(np.mean(error * error)), 2.0 * error / error.size  # float, like y_pred


def clip_by_global_norm(grads, max_norm):
    """Rescale every gradient by max_norm / norm when the global norm exceeds max_norm.

    norm = sqrt(sum of the squares of every element of every array in ``grads``), as in
    ``tf.clip_by_global_norm``. Pass only the parameter gradients (not ``"x"``/``"h0"``).

    Returns:
        (clipped, norm): a new dict with the same keys and shapes (values unchanged when
        norm <= max_norm), and the global norm before clipping as a float.
    """
    max_norm = _checks.positive("max_norm", max_norm)
    grads = _checks.arrays("grads", grads)  # finite arrays of any shape
    norm = float(np.sqrt(sum(np.sum(grad * grad) for grad in grads.values())))
    scale = max_norm / max(norm, max_norm)  # 1.0 when norm <= max_norm
    return {name: grad * scale for name, grad in grads.items()}, norm
