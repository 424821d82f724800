"""Forecasting helpers for chapter 3: a time-ordered split, baselines, recursive forecasts.

Windows come from :func:`rnncourse.windows.make_windows`: inputs ``x: (windows, past, 1)``
and targets ``y: (windows, horizon)``, window ``i`` ending just before its targets.
"""

import numpy as np


def noisy_sine(length, radians_per_step, noise_std, rng, phase_drift_std=0.0):
    """A sine sampled every ``radians_per_step`` radians plus Gaussian noise: shape (length,).

    Value ``t`` is ``sin(radians_per_step * t + phase_t) + noise_std * e_t`` with ``e_t``
    standard normal. The phase is 0, or with ``phase_drift_std > 0`` a random walk
    ``phase_t = phase_{t-1} + phase_drift_std * d_t``: the sine then wanders, so its far
    future is uncertain. Pass ``rng = np.random.default_rng(seed)``.
    """
    if length < 1 or noise_std < 0 or phase_drift_std < 0:
        raise ValueError(
            "expected length >= 1, noise_std >= 0 and phase_drift_std >= 0; "
            f"got {length}, {noise_std} and {phase_drift_std}"
        )
    noise = noise_std * rng.standard_normal(length)  # (length,)
    phase = np.zeros(length)  # (length,)
    if phase_drift_std > 0:
        phase = np.cumsum(phase_drift_std * rng.standard_normal(length))  # (length,)
    return np.sin(radians_per_step * np.arange(length) + phase) + noise  # (length,)


def time_split(count, train_fraction, validation_fraction=0.0):
    """Where to cut ``count`` items, in time order, into train, validation and test.

    Returns ``(train_end, validation_end)``: items ``[:train_end]`` train,
    ``[train_end:validation_end]`` validate, ``[validation_end:]`` test. Never shuffled:
    every validation item comes after every training item, every test item after both.
    """
    if not 0 < train_fraction < 1 or not 0 <= validation_fraction < 1:
        raise ValueError(
            "expected 0 < train_fraction < 1 and 0 <= validation_fraction < 1; "
            f"got {train_fraction} and {validation_fraction}"
        )
    if train_fraction + validation_fraction >= 1:
        raise ValueError(
            f"train_fraction + validation_fraction must leave a test set; got "
            f"{train_fraction} + {validation_fraction} >= 1"
        )
    train_end = int(count * train_fraction)
    validation_end = int(count * (train_fraction + validation_fraction))
    if train_end < 1 or validation_end >= count:
        raise ValueError(f"{count} items are too few for a train/validation/test split")
    return train_end, validation_end


def split_windows(x, y, train_end, validation_end):
    """Split the windows of one series by where their targets fall in time.

    ``x: (windows, past, 1)`` and ``y: (windows, horizon)`` come from ``make_windows`` on the
    whole series; ``train_end`` and ``validation_end`` cut the series (as ``time_split``
    does). A window goes to a part when all of its targets lie inside that part; its inputs
    may reach back into the part before, which is known at forecast time. Windows whose
    targets straddle a cut are dropped. Returns ``{"train": (x, y), "validation": (x, y),
    "test": (x, y)}``, each in time order.
    """
    if len(x) != len(y) or np.ndim(x) != 3 or np.ndim(y) != 2:
        raise ValueError(
            f"expected x (windows, past, 1) and y (windows, horizon) with the same number of "
            f"windows; got shapes {np.shape(x)} and {np.shape(y)}"
        )
    past, horizon = np.shape(x)[1], np.shape(y)[1]
    first = np.arange(len(x)) + past  # (windows,): series index of each window's first target
    last = first + horizon - 1  # (windows,): and of its last target
    parts = {"train": last < train_end,
             "validation": (first >= train_end) & (last < validation_end),
             "test": first >= validation_end}
    return {name: (x[keep], y[keep]) for name, keep in parts.items()}


def _check_windows(x):
    array = np.asarray(x, dtype=np.float64)
    if array.ndim != 3 or array.shape[2] != 1:
        raise ValueError(f"x must have shape (windows, past, 1); got shape {array.shape}")
    return array[:, :, 0]  # (windows, past)


def persistence(x, horizon=1):
    """The last value of each window, repeated ``horizon`` times.

    x: (windows, past, 1) -> (windows, horizon)
    """
    last = _check_windows(x)[:, -1]  # (windows,)
    return np.repeat(last[:, None], horizon, axis=1)  # (windows, horizon)


def seasonal_naive(x, period, horizon=1):
    """The value one season (``period`` steps) before each target, seen in the window.

    Target step ``h`` (0-based) after the window is forecast by the last observed value at
    the same phase of the season: ``x[:, past - period + h % period]``.
    x: (windows, past, 1) -> (windows, horizon)
    """
    values = _check_windows(x)  # (windows, past)
    past = values.shape[1]
    if not 1 <= period <= past:
        raise ValueError(f"period must be between 1 and past={past}; got {period}")
    columns = past - period + np.arange(horizon) % period  # (horizon,)
    return values[:, columns]  # (windows, horizon)


def recursive_forecast(predict_next, x, steps):
    """Forecast ``steps`` values by feeding each one-step prediction back as an input.

    predict_next: maps (windows, past, 1) to the next value, (windows, 1) or (windows,).
    x: (windows, past, 1) -> (windows, steps)
    """
    window = np.array(_check_windows(x))  # (windows, past), a copy we slide forward
    forecasts = []
    for _ in range(steps):
        output = np.asarray(predict_next(window[:, :, None]))  # (windows, 1) or (windows,)
        if output.size != len(window):
            raise ValueError(
                f"predict_next must return one value per window, {len(window)} in all; "
                f"got shape {output.shape}"
            )
        next_value = output.reshape(-1)  # (windows,)
        forecasts.append(next_value)
        window = np.concatenate([window[:, 1:], next_value[:, None]], axis=1)  # (windows, past)
    return np.stack(forecasts, axis=1)  # (windows, steps)


def mse(y_true, y_pred):
    """Mean squared error of two arrays of the same shape (no silent broadcasting)."""
    y_true, y_pred = np.asarray(y_true, dtype=np.float64), np.asarray(y_pred, dtype=np.float64)
    if y_true.shape != y_pred.shape:
        raise ValueError(
            f"y_true and y_pred must have the same shape; got {y_true.shape} and {y_pred.shape}"
        )
    return float(np.mean((y_true - y_pred) ** 2))


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
    Returns:
        the Keras ``History``: ``history["loss"]`` (and ``"val_loss"``), one value per
        evaluation.
    """
    import keras  # imported here, so the NumPy helpers above load without TensorFlow
    import tensorflow as tf

    from rnncourse import progress

    steps_between = steps // num_evaluations  # updates between two evaluations
    if steps_between * num_evaluations != steps or steps_between % steps_per_execution:
        raise ValueError(
            f"steps must be a multiple of num_evaluations * steps_per_execution = "
            f"{num_evaluations} * {steps_per_execution}; got {steps}"
        )
    x, y = (np.asarray(array, dtype=np.float32) for array in train)
    dataset = tf.data.Dataset.from_tensor_slices((x, y)).shuffle(len(x), seed=seed)
    dataset = dataset.batch(batch_size).repeat()  # an endless stream of shuffled batches
    schedule = keras.optimizers.schedules.CosineDecay(learning_rate, decay_steps=steps)
    model.compile(optimizer=keras.optimizers.Adam(schedule), loss="mse",
                  steps_per_execution=steps_per_execution)
    return model.fit(dataset, epochs=num_evaluations, steps_per_epoch=steps_between,
                     validation_data=validation, shuffle=False, verbose=0,
                     callbacks=[progress.EpochLog(label)])
