"""Training the NumPy RNN: plain gradient descent, Adam, and a minimal training loop.

Every function returns new dicts and leaves its arguments unchanged. The updates work
on any dict of parameter arrays (keys of ``params``); extra keys in ``grads`` such as
``"x"`` and ``"h0"`` from :func:`rnncourse.rnn_numpy.rnn_backward` are ignored.
"""

import numpy as np

from rnncourse import _checks, rnn_numpy


def _like(name, value, params, what):
    """value[key] for every key of params: finite, of the parameter's shape (others ignored)."""
    _checks.instance(name, value, dict, f"a dict of {what}s with the keys of params")
    for key in params:
        if key not in value:
            raise ValueError(f"{name} has no {what} for parameter {key!r}")
    arrays = _checks.arrays(name, {key: value[key] for key in params})
    for key, array in arrays.items():
        if array.shape != params[key].shape:
            raise ValueError(f"{name}[{key!r}] must have the parameter's shape "
                             f"{params[key].shape}; got {array.shape}")
    return arrays


def sgd_update(params, grads, learning_rate):
    """Gradient descent: theta <- theta - learning_rate * dtheta for every parameter."""
    params = _checks.arrays("params", params)  # finite arrays of any shape
    grads = _like("grads", grads, params, "gradient")
    learning_rate = _checks.positive("learning_rate", learning_rate)
    return _sgd_step(params, grads, learning_rate)


def _sgd_step(params, grads, learning_rate):
    """sgd_update without the checks (fit checks its arguments once, for every update)."""
    return {name: value - learning_rate * grads[name] for name, value in params.items()}


def adam_init(params):
    """Adam's state: step count 0 and zero first/second moments shaped like each parameter."""
    params = _checks.arrays("params", params)  # finite arrays of any shape
    return {
        "step": 0,
        "m": {name: np.zeros_like(value) for name, value in params.items()},
        "v": {name: np.zeros_like(value) for name, value in params.items()},
    }


def _adam_state(state, params):
    """(step, m, v) of Adam's state for params: step >= 0, m and v like params, v >= 0."""
    _checks.keys("state", state, ("step", "m", "v"))
    step = _checks.integer("state['step']", state["step"], minimum=0)
    m = _like("state['m']", state["m"], params, "first moment")
    v = _like("state['v']", state["v"], params, "second moment")
    for name, value in v.items():
        if np.any(value < 0):
            raise ValueError(f"state['v'][{name!r}] must be >= 0 (a mean of squares)")
    return step, m, v


def adam_update(params, grads, state, learning_rate, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    """One Adam step, the formula and defaults of ``keras.optimizers.Adam``.

    With step n = state["step"] + 1 and alpha = lr * sqrt(1 - beta_2**n) / (1 - beta_1**n)::

        m <- m + (g - m) * (1 - beta_1);  v <- v + (g**2 - v) * (1 - beta_2)
        theta <- theta - alpha * m / (sqrt(v) + epsilon)

    state: from :func:`adam_init` or the previous update; learning_rate and epsilon > 0;
    beta_1 and beta_2 in [0, 1).

    Returns:
        (new params, new state).
    """
    params = _checks.arrays("params", params)  # finite arrays of any shape
    grads = _like("grads", grads, params, "gradient")
    state = dict(zip(("step", "m", "v"), _adam_state(state, params)))
    learning_rate = _checks.positive("learning_rate", learning_rate)
    beta_1 = _checks.number("beta_1", beta_1, low=0, high=1, inclusive=(True, False))
    beta_2 = _checks.number("beta_2", beta_2, low=0, high=1, inclusive=(True, False))
    epsilon = _checks.positive("epsilon", epsilon)
    return _adam_step(params, grads, state, learning_rate, beta_1, beta_2, epsilon)


def _adam_step(params, grads, state, learning_rate, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    """adam_update without the checks (fit checks its arguments once, for every update)."""
    step = state["step"] + 1
    alpha = learning_rate * np.sqrt(1 - beta_2**step) / (1 - beta_1**step)  # bias correction
    new_params, m, v = {}, {}, {}
    for name, value in params.items():
        grad = grads[name]  # shape of the parameter
        m[name] = state["m"][name] + (grad - state["m"][name]) * (1 - beta_1)  # first moment
        v[name] = state["v"][name] + (grad * grad - state["v"][name]) * (1 - beta_2)  # second
        new_params[name] = value - alpha * m[name] / (np.sqrt(v[name]) + epsilon)
    return new_params, {"step": step, "m": m, "v": v}


def _check_data(params, x, y, many_to_one):
    """params (the RNN's five weights), x (samples, time, features) and y of the shape the
    task needs, all matching; params in the caller's order of keys."""
    sizes = {}
    weights = _checks.weights("params", params, rnn_numpy.AXES, sizes, exact=True)
    x = _checks.sized("x", x, ("samples", "time", "features"), sizes,
                      nonempty=("samples", "time"))
    _checks.instance("many_to_one", many_to_one, (bool, np.bool_), "True or False")
    axes = ("samples", "outputs") if many_to_one else ("samples", "time", "outputs")
    return {name: weights[name] for name in params}, x, _checks.sized("y", y, axes, sizes)


def loss_and_grads(params, x, y, many_to_one=True, truncate=None):
    """MSE loss of the RNN on one batch and the gradients from :func:`rnn_numpy.rnn_backward`.

    Args:
        x: (batch, time, features).
        y: (batch, outputs) targets for the last step if many_to_one, else
            (batch, time, outputs) targets for every step.

    Returns:
        (loss, grads): a float and the dict from ``rnn_backward``.
    """
    params, x, y = _check_data(params, x, y, many_to_one)
    truncate = _checks.optional(_checks.integer, "truncate", truncate, minimum=1)
    return _loss_and_grads(params, x, y, many_to_one, truncate)


def _loss_and_grads(params, x, y, many_to_one, truncate):
    """loss_and_grads without its own checks (fit checks once; rnn_numpy still checks)."""
    h = rnn_numpy.rnn_forward(x, params)  # (batch, time, units)
    y_pred = rnn_numpy.rnn_outputs(h, params)  # (batch, time, outputs)
    if many_to_one:
        loss, dy_last = rnn_numpy.mse_loss(y_pred[:, -1], y)  # float, (batch, outputs)
        dy = np.zeros_like(y_pred)  # (batch, time, outputs): no loss before the last step
        dy[:, -1] = dy_last  # (batch, outputs)
    else:
        loss, dy = rnn_numpy.mse_loss(y_pred, y)  # float, (batch, time, outputs)
    return loss, rnn_numpy.rnn_backward(x, h, params, dy, truncate=truncate)


def _check_settings(epochs, learning_rate, optimizer, batch_size, truncate, clip_norm, rng):
    _checks.integer("epochs", epochs, minimum=1)
    _checks.positive("learning_rate", learning_rate)
    _checks.choice("optimizer", optimizer, ("adam", "sgd"))
    _checks.optional(_checks.integer, "batch_size", batch_size, minimum=1)
    _checks.optional(_checks.integer, "truncate", truncate, minimum=1)
    _checks.optional(_checks.positive, "clip_norm", clip_norm)
    _checks.optional(_checks.generator, "rng", rng)


def fit(params, x, y, *, epochs, learning_rate, optimizer="adam", batch_size=None,
        many_to_one=True, truncate=None, clip_norm=None, rng=None):
    """Train with MSE: forward, BPTT, optional clipping and an update, per minibatch.

    Args:
        params: initial parameters (left unchanged).
        x: (samples, time, features); y: (samples, outputs) if many_to_one, else
            (samples, time, outputs), the same number of samples.
        epochs: passes over the data (an integer >= 1); learning_rate: > 0;
            optimizer: "adam" or "sgd".
        batch_size: samples per update; None for the whole set (one update per epoch).
        truncate: passed to ``rnn_backward``; clip_norm: max global norm (> 0), or None.
        rng: a ``np.random.Generator`` to shuffle the samples every epoch; None keeps their order.

    Returns:
        (params, losses): the trained parameters and, per epoch, the mean loss over the
        epoch's minibatches weighted by their size (the loss before each update, as Keras reports).
    """
    params, x, y = _check_data(params, x, y, many_to_one)  # checked once, for every update
    _check_settings(epochs, learning_rate, optimizer, batch_size, truncate, clip_norm, rng)
    num_samples = len(x)
    batch_size = num_samples if batch_size is None else batch_size
    state = adam_init(params)
    losses = []
    for _ in range(epochs):
        order = np.arange(num_samples) if rng is None else rng.permutation(num_samples)
        total = 0.0
        for start in range(0, num_samples, batch_size):
            batch = order[start:start + batch_size]  # (batch,) sample indices
            loss, grads = _loss_and_grads(params, x[batch], y[batch], many_to_one, truncate)
            grads = {name: grads[name] for name in params}  # parameters only
            if clip_norm is not None:
                grads, _ = rnn_numpy.clip_by_global_norm(grads, clip_norm)
            if optimizer == "adam":
                params, state = _adam_step(params, grads, state, learning_rate)
            else:
                params = _sgd_step(params, grads, learning_rate)
            total += loss * len(batch)
        losses.append(total / num_samples)
    return params, losses
