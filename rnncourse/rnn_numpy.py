"""A simple recurrent network (Elman RNN) in NumPy, written from the equations.

Batch first, row vectors, float64. With ``x_t: (batch, features)``::

    h_t = tanh(x_t @ W_xh + h_{t-1} @ W_hh + b_h)    # state,  (batch, units)
    y_t = h_t @ W_hy + b_y                           # output, (batch, outputs)

``params`` is a dict keyed by the symbols, shapes as in the course notation
page. Keras names (``SimpleRNN.get_weights()`` order): ``W_xh (features, units)``
= ``kernel``, ``W_hh (units, units)`` = ``recurrent_kernel``, ``b_h (units,)`` =
``bias``; ``W_hy (units, outputs)`` and ``b_y (outputs,)`` are the kernel and bias
of a ``Dense`` readout layer.

Later chapters add backpropagation through time, training and an LSTM step to
this module; they reuse :func:`rnn_step` and the input checks below.
"""

import numpy as np

PARAM_NAMES = ("W_xh", "W_hh", "b_h", "W_hy", "b_y")


def _glorot_uniform(fan_in, fan_out, rng):
    """Uniform on [-limit, limit], limit = sqrt(6 / (fan_in + fan_out)) (Keras' default kernel)."""
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
        num_features: size of each input vector x_t.
        num_units: size of the hidden state h_t.
        num_outputs: size of each output vector y_t.
        rng: a ``np.random.Generator``, e.g. ``np.random.default_rng(seed)``.

    Returns:
        dict with ``W_xh (features, units)``, ``W_hh (units, units)``,
        ``b_h (units,)``, ``W_hy (units, outputs)``, ``b_y (outputs,)``.
    """
    return {
        "W_xh": _glorot_uniform(num_features, num_units, rng),
        "W_hh": _orthogonal(num_units, rng),
        "b_h": np.zeros(num_units),
        "W_hy": _glorot_uniform(num_units, num_outputs, rng),
        "b_y": np.zeros(num_outputs),
    }


def count_params(params):
    """Number of scalars in ``params``, as Keras reports it, whatever the sequence length.

    For the full network: features*units + units*units + units + units*outputs + outputs.
    """
    return int(sum(np.size(value) for value in params.values()))


def _check_finite(name, array):
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} must be finite; it contains NaN or inf")


def _check_x(x, params):
    """x as a float64 array (batch, time, features) that matches W_xh; raise ValueError."""
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 3:
        raise ValueError(f"x must be 3-D (batch, time, features); got shape {x.shape}")
    if x.shape[1] == 0:
        raise ValueError("x has an empty time axis; need at least one time step")
    if x.shape[2] != params["W_xh"].shape[0]:
        raise ValueError(
            f"x has {x.shape[2]} features but W_xh expects {params['W_xh'].shape[0]} "
            f"(W_xh is (features, units) = {params['W_xh'].shape})"
        )
    _check_finite("x", x)
    return x


def _check_state(name, state, shape):
    """state as a float64 array of the given shape, zeros if None; raise ValueError."""
    if state is None:
        return np.zeros(shape)
    state = np.asarray(state, dtype=np.float64)
    if state.shape != shape:
        raise ValueError(f"{name} must be (batch, units) = {shape}; got {state.shape}")
    _check_finite(name, state)
    return state


def _check_mask(mask, shape):
    """mask as a bool array (batch, time), or None; raise ValueError."""
    if mask is None:
        return None
    mask = np.asarray(mask)
    if mask.shape != shape:
        raise ValueError(f"mask must be (batch, time) = {shape}; got {mask.shape}")
    return mask.astype(bool)


def rnn_step(x_t, h_prev, params):
    """One step of the recurrence: h_t = tanh(z_t), z_t = x_t @ W_xh + h_prev @ W_hh + b_h.

    z_t is the pre-activation.

    Args:
        x_t: (batch, features) inputs at step t.
        h_prev: (batch, units) state after step t-1.

    Returns:
        h_t: (batch, units).
    """
    z_t = x_t @ params["W_xh"] + h_prev @ params["W_hh"] + params["b_h"]  # (batch, units)
    return np.tanh(z_t)  # (batch, units)


def rnn_forward(x, params, h0=None, mask=None):
    """Run the recurrence over a batch of sequences and return every state.

    Args:
        x: (batch, time, features) inputs.
        params: dict from :func:`init_params` (only W_xh, W_hh, b_h are used).
        h0: (batch, units) initial state; zeros if None.
        mask: (batch, time) bool, True for real steps. At a masked step the
            state is carried over unchanged, h_t = h_{t-1}, as in Keras
            (``mask_zero=True`` or a ``Masking`` layer). One difference: Keras
            returns zeros, not h0, for steps masked before the first real one;
            the final states agree.

    Returns:
        h: (batch, time, units), h[:, t] is the state after step t.

    Raises:
        ValueError: x not 3-D, empty time axis, feature size not matching W_xh,
            NaN/inf in x or h0, or h0 / mask of the wrong shape.
    """
    x = _check_x(x, params)  # (batch, time, features)
    batch_size, seq_len, _ = x.shape
    num_units = params["W_hh"].shape[0]
    h_prev = _check_state("h0", h0, (batch_size, num_units))  # (batch, units)
    mask = _check_mask(mask, (batch_size, seq_len))  # (batch, time) or None
    h = np.empty((batch_size, seq_len, num_units))  # (batch, time, units)
    for t in range(seq_len):
        h_t = rnn_step(x[:, t], h_prev, params)  # (batch, units)
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

    Returns:
        y: (batch, time, outputs).
    """
    h = np.asarray(h, dtype=np.float64)
    num_units = params["W_hy"].shape[0]
    if h.ndim != 3 or h.shape[2] != num_units:
        raise ValueError(f"h must be 3-D (batch, time, units={num_units}); got {h.shape}")
    return h @ params["W_hy"] + params["b_y"]  # (batch, time, outputs)
