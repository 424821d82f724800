"""Training the NumPy RNN: plain gradient descent, Adam, and a minimal training loop.

Every function returns new dicts and leaves its arguments unchanged. The updates work
on any dict of parameter arrays (keys of ``params``); extra keys in ``grads`` such as
``"x"`` and ``"h0"`` from :func:`rnncourse.rnn_numpy.rnn_backward` are ignored.
"""

import numpy as np

from rnncourse import rnn_numpy


def _check_update(params, grads, learning_rate):
    if not rnn_numpy._is_positive_number(learning_rate):
        raise ValueError(f"learning_rate must be a positive finite number; got {learning_rate!r}")
    for name, value in params.items():
        if name not in grads:
            raise ValueError(f"grads has no gradient for parameter {name!r}")
        if np.shape(grads[name]) != np.shape(value):
            raise ValueError(
                f"grads[{name!r}] must have the parameter's shape {np.shape(value)}; "
                f"got {np.shape(grads[name])}"
            )
        rnn_numpy._check_finite(f"grads[{name!r}]", grads[name])


def sgd_update(params, grads, learning_rate):
    """Gradient descent: theta <- theta - learning_rate * dtheta for every parameter."""
    _check_update(params, grads, learning_rate)
    return {name: value - learning_rate * grads[name] for name, value in params.items()}


def adam_init(params):
    """Adam's state: step count 0 and zero first/second moments shaped like each parameter."""
    return {
        "step": 0,
        "m": {name: np.zeros_like(value) for name, value in params.items()},
        "v": {name: np.zeros_like(value) for name, value in params.items()},
    }


def adam_update(params, grads, state, learning_rate, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    """One Adam step, the formula and defaults of ``keras.optimizers.Adam``.

    With step n = state["step"] + 1 and alpha = lr * sqrt(1 - beta_2**n) / (1 - beta_1**n)::

        m <- m + (g - m) * (1 - beta_1);  v <- v + (g**2 - v) * (1 - beta_2)
        theta <- theta - alpha * m / (sqrt(v) + epsilon)

    Returns:
        (new params, new state).
    """
    _check_update(params, grads, learning_rate)
    step = state["step"] + 1
    alpha = learning_rate * np.sqrt(1 - beta_2**step) / (1 - beta_1**step)  # bias correction
    new_params, m, v = {}, {}, {}
    for name, value in params.items():
        grad = grads[name]  # shape of the parameter
        m[name] = state["m"][name] + (grad - state["m"][name]) * (1 - beta_1)  # first moment
        v[name] = state["v"][name] + (grad * grad - state["v"][name]) * (1 - beta_2)  # second
        new_params[name] = value - alpha * m[name] / (np.sqrt(v[name]) + epsilon)
    return new_params, {"step": step, "m": m, "v": v}


def loss_and_grads(params, x, y, many_to_one=True, truncate=None):
    """MSE loss of the RNN on one batch and the gradients from :func:`rnn_numpy.rnn_backward`.

    Args:
        x: (batch, time, features).
        y: (batch, outputs) targets for the last step if many_to_one, else
            (batch, time, outputs) targets for every step.

    Returns:
        (loss, grads): a float and the dict from ``rnn_backward``.
    """
    h = rnn_numpy.rnn_forward(x, params)  # (batch, time, units)
    y_pred = rnn_numpy.rnn_outputs(h, params)  # (batch, time, outputs)
    if many_to_one:
        loss, dy_last = rnn_numpy.mse_loss(y_pred[:, -1], y)  # float, (batch, outputs)
        dy = np.zeros_like(y_pred)  # (batch, time, outputs): no loss before the last step
        dy[:, -1] = dy_last  # (batch, outputs)
    else:
        loss, dy = rnn_numpy.mse_loss(y_pred, y)  # float, (batch, time, outputs)
    return loss, rnn_numpy.rnn_backward(x, h, params, dy, truncate=truncate)


def _check_fit(x, epochs, optimizer, batch_size):
    if np.ndim(x) != 3:
        raise ValueError(f"x must be 3-D (samples, time, features); got shape {np.shape(x)}")
    if isinstance(epochs, bool) or not isinstance(epochs, (int, np.integer)) or epochs < 1:
        raise ValueError(f"epochs must be an integer >= 1; got {epochs!r}")
    if optimizer not in ("adam", "sgd"):
        raise ValueError(f"optimizer must be 'adam' or 'sgd'; got {optimizer!r}")
    if batch_size is not None and (not isinstance(batch_size, (int, np.integer)) or batch_size < 1):
        raise ValueError(
            f"batch_size must be None (full batch) or an integer >= 1; got {batch_size!r}"
        )


def fit(params, x, y, *, epochs, learning_rate, optimizer="adam", batch_size=None,
        many_to_one=True, truncate=None, clip_norm=None, rng=None):
    """Train with MSE: forward, BPTT, optional clipping and an update, per minibatch.

    Args:
        params: initial parameters (left unchanged).
        x: (samples, time, features); y: (samples, outputs) if many_to_one, else
            (samples, time, outputs).
        batch_size: samples per update; None for the whole set (one update per epoch).
        truncate: passed to ``rnn_backward``; clip_norm: max global norm, or None.
        rng: a ``np.random.Generator`` to shuffle the samples every epoch; None keeps their order.

    Returns:
        (params, losses): the trained parameters and, per epoch, the mean loss over the
        epoch's minibatches weighted by their size (the loss before each update, as Keras reports).
    """
    _check_fit(x, epochs, optimizer, batch_size)
    x, y = np.asarray(x), np.asarray(y)  # (samples, time, features), targets
    num_samples = np.shape(x)[0]
    batch_size = num_samples if batch_size is None else batch_size
    state = adam_init(params)
    losses = []
    for _ in range(epochs):
        order = np.arange(num_samples) if rng is None else rng.permutation(num_samples)
        total = 0.0
        for start in range(0, num_samples, batch_size):
            batch = order[start:start + batch_size]  # (batch,) sample indices
            loss, grads = loss_and_grads(params, x[batch], y[batch], many_to_one, truncate)
            grads = {name: grads[name] for name in params}  # parameters only
            if clip_norm is not None:
                grads, _ = rnn_numpy.clip_by_global_norm(grads, clip_norm)
            if optimizer == "adam":
                params, state = adam_update(params, grads, state, learning_rate)
            else:
                params = sgd_update(params, grads, learning_rate)
            total += loss * len(batch)
        losses.append(total / num_samples)
    return params, losses
