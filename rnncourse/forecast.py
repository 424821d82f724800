"""Forecasting helpers for chapter 3: a time-ordered split, baselines, recursive forecasts.

Windows come from :func:`rnncourse.windows.make_windows`: inputs ``x: (windows, past, 1)``
and targets ``y: (windows, horizon)``, window ``i`` ending just before its targets.
"""

from collections.abc import Callable

import numpy as np

from rnncourse import _checks


def noisy_sine(length, radians_per_step, noise_std, rng, phase_drift_std=0.0):
    """A sine sampled every ``radians_per_step`` radians plus Gaussian noise: shape (length,).

    Value ``t`` is ``sin(radians_per_step * t + phase_t) + noise_std * e_t`` with ``e_t``
    standard normal. The phase is 0, or with ``phase_drift_std > 0`` a random walk
    ``phase_t = phase_{t-1} + phase_drift_std * d_t``: the sine then wanders, so its far
    future is uncertain. Pass ``rng = np.random.default_rng(seed)``.
    """
    length = _checks.integer("length", length, minimum=1)
    radians_per_step = _checks.number("radians_per_step", radians_per_step)
    noise_std = _checks.number("noise_std", noise_std, low=0)
    rng = _checks.generator("rng", rng)
    phase_drift_std = _checks.number("phase_drift_std", phase_drift_std, low=0)
    noise = noise_std * rng.standard_normal(length)  # (length,)
    phase = np.zeros(length)  # (length,)
    if phase_drift_std > 0:
        phase = np.cumsum(phase_drift_std * rng.standard_normal(length))  # (length,)
    return np.sin(radians_per_step * np.arange(length) + phase) + noise  # (length,)


def _check_parts(count, train_end, validation_end, validation_fraction):
    """Raise ValueError if a part the fractions ask for would hold no item."""
    sizes = {"training": train_end, "test": count - validation_end,
             "validation": validation_end - train_end if validation_fraction > 0 else 1}
    empty = [part for part, size in sizes.items() if size < 1]
    if empty:
        raise ValueError(
            f"count={count} items are too few for this split: the {empty[0]} part would be "
            f"empty (train [:{train_end}], validation [{train_end}:{validation_end}], "
            f"test [{validation_end}:])"
        )


def time_split(count, train_fraction, validation_fraction=0.0):
    """Where to cut ``count`` items, in time order, into train, validation and test.

    Returns ``(train_end, validation_end)``: items ``[:train_end]`` train,
    ``[train_end:validation_end]`` validate, ``[validation_end:]`` test. Never shuffled:
    every validation item comes after every training item, every test item after both.
    ``0 < train_fraction < 1`` and ``0 <= validation_fraction < 1`` (0: no validation
    part, validation_end = train_end); every part asked for holds at least one item.
    """
    count = _checks.integer("count", count, minimum=1)
    train_fraction = _checks.fraction("train_fraction", train_fraction)
    validation_fraction = _checks.number("validation_fraction", validation_fraction, low=0,
                                         high=1, inclusive=(True, False))
    if train_fraction + validation_fraction >= 1:
        raise ValueError(
            f"train_fraction + validation_fraction must leave a test set; got "
            f"{train_fraction} + {validation_fraction} >= 1"
        )
    train_end = int(count * train_fraction)
    validation_end = int(count * (train_fraction + validation_fraction))
    _check_parts(count, train_end, validation_end, validation_fraction)
    return train_end, validation_end


def _check_cuts(train_end, validation_end, length, first, last):
    """The cuts as ints, 0 < train_end <= validation_end <= length; no part asked for empty."""
    train_end = _checks.integer("train_end", train_end, minimum=1, maximum=length)
    validation_end = _checks.integer("validation_end", validation_end, minimum=train_end,
                                     maximum=length)
    found = {"train": (last < train_end).any(), "test": validation_end == length
             or (first >= validation_end).any(), "validation": train_end == validation_end
             or ((first >= train_end) & (last < validation_end)).any()}
    empty = [part for part, any_window in found.items() if not any_window]
    if empty:
        raise ValueError(
            f"train_end={train_end} and validation_end={validation_end} leave no whole window "
            f"in the {empty[0]} part (the series has {length} steps; each window's targets "
            f"span {last[0] - first[0] + 1})"
        )
    return train_end, validation_end


def split_windows(x, y, train_end, validation_end):
    """Split the windows of one series by where their targets fall in time.

    ``x: (windows, past, 1)`` and ``y: (windows, horizon)`` come from ``make_windows`` on the
    whole series; ``train_end`` and ``validation_end`` cut the series (as ``time_split``
    does), ``0 < train_end <= validation_end <= len(series)``. A window goes to a part when
    all of its targets lie inside that part; its inputs may reach back into the part before,
    which is known at forecast time. Windows whose targets straddle a cut are dropped; a part
    the cuts ask for but no window fits raises ValueError. Returns ``{"train": (x, y),
    "validation": (x, y), "test": (x, y)}``, each in time order.
    """
    sizes = {}
    x = _checks.sized("x", x, ("windows", "past", "features"), sizes, nonempty=("windows",))
    y = _checks.sized("y", y, ("windows", "horizon"), sizes, nonempty=("horizon",))
    past, horizon = x.shape[1], y.shape[1]
    first = np.arange(len(x)) + past  # (windows,): series index of each window's first target
    last = first + horizon - 1  # (windows,): and of its last target
    train_end, validation_end = _check_cuts(train_end, validation_end, last[-1] + 1, first, last)
    parts = {"train": last < train_end,
             "validation": (first >= train_end) & (last < validation_end),
             "test": first >= validation_end}
    return {name: (x[keep], y[keep]) for name, keep in parts.items()}


def _check_windows(x):
    """x (windows, past, 1) as float64 values (windows, past)."""
    x = _checks.array("x", x, axes=("windows", "past", "features"), shape=(None, None, 1),
                      nonempty=("windows", "past"))
    return np.asarray(x[:, :, 0], dtype=np.float64)  # (windows, past)


def persistence(x, horizon=1):
    """The last value of each window, repeated ``horizon`` times.

    x: (windows, past, 1) -> (windows, horizon)
    """
    last = _check_windows(x)[:, -1]  # (windows,)
    horizon = _checks.integer("horizon", horizon, minimum=1)
    return np.repeat(last[:, None], horizon, axis=1)  # (windows, horizon)


def seasonal_naive(x, period, horizon=1):
    """The value one season (``period`` steps) before each target, seen in the window.

    Target step ``h`` (0-based) after the window is forecast by the last observed value at
    the same phase of the season: ``x[:, past - period + h % period]``; 1 <= period <= past.
    x: (windows, past, 1) -> (windows, horizon)
    """
    values = _check_windows(x)  # (windows, past)
    past = values.shape[1]
    period = _checks.integer("period", period, minimum=1, maximum=past)
    horizon = _checks.integer("horizon", horizon, minimum=1)
    columns = past - period + np.arange(horizon) % period  # (horizon,)
    return values[:, columns]  # (windows, horizon)


def _one_per_window(output, num_windows):
    """predict_next's output as (windows,) finite floats, or ValueError/TypeError."""
    if np.size(output) != num_windows:
        raise ValueError(
            f"predict_next must return one value per window, {num_windows} in all; "
            f"got shape {np.shape(output)}"
        )
    values = np.reshape(np.asarray(output), -1)  # (windows,)
    return _checks.array("the output of predict_next", values, axes=("windows",))


def recursive_forecast(predict_next, x, steps):
    """Forecast ``steps`` values by feeding each one-step prediction back as an input.

    predict_next: maps (windows, past, 1) to the next value, (windows, 1) or (windows,).
    x: (windows, past, 1) -> (windows, steps), steps an integer >= 1.
    """
    _checks.instance("predict_next", predict_next, Callable, "a function of the windows")
    window = np.array(_check_windows(x))  # (windows, past), a copy we slide forward
    steps = _checks.integer("steps", steps, minimum=1)
    forecasts = []
    for _ in range(steps):
        next_value = _one_per_window(predict_next(window[:, :, None]), len(window))  # (w,)
        forecasts.append(next_value)
        window = np.concatenate([window[:, 1:], next_value[:, None]], axis=1)  # (windows, past)
    return np.stack(forecasts, axis=1)  # (windows, steps)


def mse(y_true, y_pred):
    """Mean squared error of two arrays of the same shape (no silent broadcasting)."""
    y_true = np.asarray(_checks.values("y_true", y_true), dtype=np.float64)  # any shape
    y_pred = np.asarray(_checks.values("y_pred", y_pred, nonempty=False), dtype=np.float64)
    if y_true.shape != y_pred.shape:
        raise ValueError(
            f"y_true and y_pred must have the same shape; got {y_true.shape} and {y_pred.shape}"
        )
    return float(np.mean((y_true - y_pred) ** 2))


def _check_part(name, part, sizes):
    """A pair (x (windows, past, features), y (windows, outputs)); past, features and outputs
    as in sizes (filled in by the first part), the number of windows its own."""
    _checks.instance(name, part, (tuple, list), "a pair (x, y) of arrays")
    if len(part) != 2:
        raise ValueError(f"{name} must be a pair (x, y); got {len(part)} items")
    sizes.pop("windows", None)  # each part has its own number of windows
    _checks.sized(f"{name} x", part[0], ("windows", "past", "features"), sizes,
                  nonempty=("windows", "past"))
    _checks.sized(f"{name} y", part[1], ("windows", "outputs"), sizes)


def _check_schedule(steps, batch_size, learning_rate, seed, num_evaluations,
                    steps_per_execution, label):
    """Raise unless the settings are positive integers (seed >= 0) and steps divides evenly."""
    for name, value in [("steps", steps), ("batch_size", batch_size),
                        ("num_evaluations", num_evaluations),
                        ("steps_per_execution", steps_per_execution)]:
        _checks.integer(name, value, minimum=1)
    _checks.positive("learning_rate", learning_rate)
    _checks.integer("seed", seed, minimum=0)
    _checks.instance("label", label, str, "a string")
    steps_between = steps // num_evaluations  # updates between two evaluations
    if steps_between * num_evaluations != steps or steps_between % steps_per_execution:
        raise ValueError(
            f"steps must be a multiple of num_evaluations * steps_per_execution = "
            f"{num_evaluations} * {steps_per_execution}; got {steps}"
        )


def fit_cosine(model, train, validation, *, steps, batch_size, learning_rate, seed,
               num_evaluations=10, steps_per_execution=50, label=""):
    """Train a Keras model on MSE with Adam and a cosine-decay learning rate, fast.

    The learning rate falls from ``learning_rate`` to 0 over ``steps`` updates of
    ``batch_size`` shuffled windows each (reshuffled every pass, ``seed`` fixes the
    order). The windows are repeated endlessly in one ``tf.data`` pipeline, so Keras
    never restarts an epoch; it runs ``steps_per_execution`` updates per Python call
    and measures the loss on ``validation`` ``num_evaluations`` times, evenly spaced,
    printing one line each time (``progress.EpochLog``, starting with ``label``).

    Args:
        model: an uncompiled Keras model (it is compiled here).
        train: (x (windows, past, features), y (windows, outputs)) arrays.
        validation: the same for validation, or None.
        steps: a multiple of num_evaluations * steps_per_execution; batch_size,
            num_evaluations, steps_per_execution: integers >= 1; learning_rate > 0;
            seed: an integer >= 0.
    Returns:
        the Keras ``History``: ``history["loss"]`` (and ``"val_loss"``), one value per
        evaluation.
    """
    _check_schedule(steps, batch_size, learning_rate, seed, num_evaluations,
                    steps_per_execution, label)
    sizes = {}
    _check_part("train", train, sizes)
    _checks.optional(_check_part, "validation", validation, sizes)
    import keras  # imported here, so the NumPy helpers above load without TensorFlow
    import tensorflow as tf

    from rnncourse import progress

    _checks.instance("model", model, keras.Model, "a Keras model, e.g. keras.Sequential(...)")
    steps_between = steps // num_evaluations  # updates between two evaluations
    x, y = (np.asarray(array, dtype=np.float32) for array in train)
    dataset = tf.data.Dataset.from_tensor_slices((x, y)).shuffle(len(x), seed=seed)
    dataset = dataset.batch(batch_size).repeat()  # an endless stream of shuffled batches
    schedule = keras.optimizers.schedules.CosineDecay(learning_rate, decay_steps=steps)
    model.compile(optimizer=keras.optimizers.Adam(schedule), loss="mse",
                  steps_per_execution=steps_per_execution)
    return model.fit(dataset, epochs=num_evaluations, steps_per_epoch=steps_between,
                     validation_data=validation, shuffle=False, verbose=0,
                     callbacks=[progress.EpochLog(label)])
