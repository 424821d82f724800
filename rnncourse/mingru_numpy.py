"""The minimal GRU (minGRU, Feng et al. 2024) in NumPy: a GRU whose gates do not read h_{t-1}.

Batch first, row vectors, float64, in the course's GRU convention (z = 1 keeps the old
state, as in ``gru_numpy`` and Keras). With ``x_t: (batch, features)`` and the two blocks
z, h of ``units`` columns each along the last axis of the weights::

    k_z, k_h = split(x_t @ W_x + b)                  # 2 x (batch, units): no h_{t-1}
    z   = sigmoid(k_z)                               # update gate
    h~  = g(k_h)                                     # candidate state, > 0
    h_t = z * h_{t-1} + (1 - z) * h~                 # = a_t * h_{t-1} + b_t

with ``g(k) = k + 0.5`` for k >= 0 and ``sigmoid(k)`` below: a positive, increasing
stand-in for tanh that keeps every h_t > 0, so that the recurrence also has a log form.
The GRU's z and h~ read ``h_{t-1} @ W_h`` and its reset gate; here there is no W_h and
no reset gate, so ``a_t = z_t`` and ``b_t = (1 - z_t) * h~_t`` are known for every t
before the recurrence starts, and :mod:`rnncourse.scan` computes it in parallel.

``params`` is a dict in ``MinGRU.get_weights()`` order (:mod:`rnncourse.mingru`):
``W_x (features, 2*units)`` = ``kernel``, ``b (2*units,)`` = ``bias``.
"""

import numpy as np

from rnncourse import _checks, scan
from rnncourse.lstm_numpy import _sigmoid
from rnncourse.rnn_numpy import glorot_uniform

PARAM_NAMES = ("W_x", "b")  # Keras order: kernel, bias
AXES = {"W_x": ("features", "2*units"), "b": ("2*units",)}


def init_params(num_features, num_units, rng):
    """Glorot-uniform ``W_x (features, 2*units)`` and a zero ``b (2*units,)``, as Keras."""
    num_features = _checks.integer("num_features", num_features, minimum=1)
    num_units = _checks.integer("num_units", num_units, minimum=1)
    rng = _checks.generator("rng", rng)
    return {"W_x": glorot_uniform(num_features, 2 * num_units, rng), "b": np.zeros(2 * num_units)}


def g(k):
    """The candidate's activation: k + 0.5 for k >= 0, sigmoid(k) below (> 0, continuous)."""
    k = _checks.values("k", k, finite=False, nonempty=False)
    below = np.exp(np.minimum(k, 0))  # e^k for k < 0: sigmoid(k) = e^k / (1 + e^k) > 0
    return np.where(k >= 0, np.maximum(k, 0) + 0.5, below / (1.0 + below))


def _log_coefficients(x, params):
    """(log a, log b) (batch, time, units) from the pre-activations, never log 0: log a =
    -log(1 + e^{-k_z}), log b = -log(1 + e^{k_z}) + log g(k_h)."""
    k_z, k_h = np.split(x @ params["W_x"] + params["b"], 2, axis=-1)  # (batch, time, u)
    log_g = np.where(k_h >= 0, np.log(np.maximum(k_h, 0) + 0.5),
                     -np.logaddexp(0.0, -np.minimum(k_h, 0)))  # (batch, time, units)
    return -np.logaddexp(0.0, -k_z), -np.logaddexp(0.0, k_z) + log_g


def _checked(x, params, h0):
    sizes = {}
    params = _checks.weights("params", params, AXES, sizes)
    if sizes["2*units"][0] % 2:
        raise ValueError(f"params['W_x'] must have 2*units columns (blocks z, h); got "
                         f"{sizes['2*units'][0]}")
    x = _checks.sized("x", x, ("batch", "time", "features"), sizes, nonempty=("batch", "time"))
    sizes["units"] = (sizes["2*units"][0] // 2, "params['W_x']")
    h0 = _checks.initial_state("h0", h0, ("batch", "units"), sizes)
    return np.asarray(x, np.float64), params, h0


def coefficients(x, params):
    """(a, b, z, k_h): a_t = z_t, b_t = (1 - z_t) * g(k_h), each (batch, time, units)."""
    x, params, _ = _checked(x, params, None)
    k_z, k_h = np.split(x @ params["W_x"] + params["b"], 2, axis=-1)  # (batch, time, units)
    z = _sigmoid(k_z)  # (batch, time, units)
    return z, (1.0 - z) * g(k_h), z, k_h


def forward(x, params, h0=None, parallel=False):
    """Every state h (batch, time, units) for x (batch, time, features).

    parallel=False runs the step equation in a loop over t; parallel=True computes the
    same states with the log-space scan, log h_t from log a_t and log b_t.
    """
    x, params, h_prev = _checked(x, params, h0)
    _checks.instance("parallel", parallel, (bool, np.bool_), "True or False")
    if parallel and (h_prev < 0).any():
        raise ValueError("h0 must be >= 0 for parallel=True (the log-space scan takes log h0); "
                         f"it has {int((h_prev < 0).sum())} negative values")
    if parallel:
        with np.errstate(divide="ignore"):  # log 0 = -inf: a zero state adds nothing
            log_h0 = np.log(h_prev) if h0 is not None else None
        return np.exp(scan.log_space(*_log_coefficients(x, params), log_h0)[0])
    a, b, _, _ = coefficients(x, params)  # (batch, time, units) each
    h = np.empty_like(b)  # (batch, time, units)
    for t in range(x.shape[1]):
        h_prev = a[:, t] * h_prev + b[:, t]  # (batch, units): z h_{t-1} + (1 - z) h~
        h[:, t] = h_prev
    return h


def backward(x, h, params, dh, h0=None):
    """Gradients of a loss L with dL/dh_t = dh[:, t] (batch, time, units), for
    h = forward(x, params, h0).

    The gradient that reaches h_t, delta_t = dh_t + a_{t+1} * delta_{t+1}, is itself a
    linear recurrence, run backwards in time (a reverse scan). Then dL/da_t =
    delta_t * h_{t-1} and dL/db_t = delta_t, and the chain rule through z and g.
    Returns a dict with W_x, b, x and h0, each shaped like its argument.
    """
    x, params, h0 = _checked(x, params, h0)
    h = _checks.sized("h", h, ("batch", "time", "units"), {"batch": (len(x), "x"),
                      "time": (x.shape[1], "x"), "units": (h0.shape[1], "params['W_x']")})
    dh = _checks.sized("dh", dh, ("batch", "time", "units"), {"batch": (len(x), "x"),
                       "time": (x.shape[1], "x"), "units": (h0.shape[1], "params['W_x']")})
    a, _, z, k_h = coefficients(x, params)  # (batch, time, units) each
    a_next = np.concatenate([a[:, 1:], np.zeros_like(a[:, :1])], axis=1)  # a_{t+1}
    delta = scan.loop(a_next[:, ::-1], dh[:, ::-1])[0][:, ::-1]  # (batch, time, units)
    h_prev = np.concatenate([h0[:, None], h[:, :-1]], axis=1)  # (batch, time, units)
    dg = np.where(k_h >= 0, 1.0, g(k_h) * (1.0 - g(k_h)))  # (batch, time, units): g'(k_h)
    dk_z = delta * (h_prev - g(k_h)) * z * (1.0 - z)  # (batch, time, units)
    dk_h = delta * (1.0 - z) * dg  # (batch, time, units)
    dk = np.concatenate([dk_z, dk_h], axis=-1)  # (batch, time, 2*units)
    return {"W_x": np.einsum("btf,btk->fk", x, dk), "b": dk.sum(axis=(0, 1)),
            "x": dk @ params["W_x"].T, "h0": delta[:, 0] * a[:, 0]}
