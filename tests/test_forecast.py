"""Tests for rnncourse/forecast.py.

Reference answers: hand-computed cases on np.arange windows, and a sine, whose values obey
the exact linear recurrence s_t = 2 cos(w) s_{t-1} - s_{t-2}.
"""

import numpy as np
import pytest

from rnncourse import forecast, windows


def test_noisy_sine_without_noise_is_the_sine():
    series = forecast.noisy_sine(50, 0.1, 0.0, np.random.default_rng(0))
    np.testing.assert_allclose(series, np.sin(0.1 * np.arange(50)), rtol=0, atol=1e-15)


def test_noisy_sine_noise_level_and_seed():
    first = forecast.noisy_sine(20000, 0.1, 0.2, np.random.default_rng(5))
    again = forecast.noisy_sine(20000, 0.1, 0.2, np.random.default_rng(5))
    np.testing.assert_array_equal(first, again)
    noise = first - np.sin(0.1 * np.arange(20000))
    assert abs(noise.std() - 0.2) < 0.01  # 20000 draws: standard error of the std ~ 0.001


def test_noisy_sine_phase_drift_is_a_random_walk():
    rng = np.random.default_rng(2)
    series = forecast.noisy_sine(1000, 0.1, 0.0, rng, phase_drift_std=0.05)
    replay = np.random.default_rng(2)
    replay.standard_normal(1000)  # the (zero) noise is drawn first
    phase = np.cumsum(0.05 * replay.standard_normal(1000))
    np.testing.assert_allclose(series, np.sin(0.1 * np.arange(1000) + phase), atol=1e-12)


@pytest.mark.parametrize("length, noise, drift, message", [
    (0, 0.1, 0.0, "length must be an integer >= 1"),
    (10, -1.0, 0.0, "noise_std must be a finite number >= 0"),
    (10, 0.1, -1, "phase_drift_std must be a finite number >= 0"),
])
def test_noisy_sine_errors(length, noise, drift, message):
    with pytest.raises(ValueError, match=message):
        forecast.noisy_sine(length, 0.1, noise, np.random.default_rng(0), phase_drift_std=drift)


def test_time_split_in_order():
    assert forecast.time_split(100, 0.6, 0.2) == (60, 80)
    assert forecast.time_split(989, 0.8) == (791, 791)  # the seed's 80/20 split, no validation


@pytest.mark.parametrize(
    "count, train, validation, message",
    [
        (100, 0.0, 0.2, r"train_fraction must be a finite number in \(0, 1\)"),
        (100, 1.2, 0.0, r"train_fraction must be a finite number in \(0, 1\)"),
        (100, 0.5, -0.1, r"validation_fraction must be a finite number in \[0, 1\)"),
        (100, 0.7, 0.3, "must leave a test set"),
        (3, 0.2, 0.0, "too few .* the training part would be empty"),
        (4, 0.5, 0.1, "too few .* the validation part would be empty"),
    ],
)
def test_time_split_errors(count, train, validation, message):
    with pytest.raises(ValueError, match=message):
        forecast.time_split(count, train, validation)


@pytest.mark.parametrize("past, horizon", [(3, 1), (5, 4)])
def test_split_windows_keeps_targets_inside_their_part(past, horizon):
    series = np.arange(50.0)  # value = time index
    x, y = windows.make_windows(series, past, horizon)
    parts = forecast.split_windows(x, y, train_end=30, validation_end=40)
    (x_train, y_train), (x_val, y_val), (x_test, y_test) = parts.values()
    assert y_train.max() < 30 and 30 <= y_val.min() and y_val.max() < 40 and y_test.min() >= 40
    np.testing.assert_array_equal(y_train[-1], np.arange(30 - horizon, 30))  # no window lost
    np.testing.assert_array_equal(y_val[0], np.arange(30, 30 + horizon))
    np.testing.assert_array_equal(y_test[-1], np.arange(50 - horizon, 50))
    assert len(x_train) + len(x_val) + len(x_test) == len(x) - 2 * (horizon - 1)
    assert x_val[0, -1, 0] == 29  # inputs reach back into the training part


def test_split_windows_checks_shapes():
    with pytest.raises(ValueError, match=r"y must be \(windows, horizon\) with windows=5 as in x"):
        forecast.split_windows(np.zeros((5, 3, 1)), np.zeros((4, 1)), 2, 3)


@pytest.mark.parametrize("train_end, validation_end, message", [
    (40, 30, r"validation_end must be an integer in \[40, 50\]"),  # the parts would overlap
    (0, 30, r"train_end must be an integer in \[1, 50\]"),
    (30, 51, r"validation_end must be an integer in \[30, 50\]"),
    (5, 30, "no whole window in the train part"),
    (30, 32, "no whole window in the validation part"),
    (30, 48, "no whole window in the test part"),
])
def test_split_windows_checks_the_cuts(train_end, validation_end, message):
    x, y = windows.make_windows(np.arange(50.0), past=5, horizon=4)
    with pytest.raises(ValueError, match=message):
        forecast.split_windows(x, y, train_end, validation_end)


def test_split_windows_without_validation_or_test():
    x, y = windows.make_windows(np.arange(50.0), past=5, horizon=4)
    parts = forecast.split_windows(x, y, 30, 30)  # no validation part
    assert len(parts["validation"][0]) == 0 and len(parts["test"][0]) > 0
    parts = forecast.split_windows(x, y, 30, 50)  # no test part
    assert len(parts["test"][0]) == 0 and parts["validation"][1].max() == 49


def test_persistence_on_arange():
    x, y = windows.make_windows(np.arange(10.0), past=4, horizon=3)
    prediction = forecast.persistence(x, horizon=3)
    np.testing.assert_array_equal(prediction, np.repeat(x[:, -1], 3, axis=1))
    np.testing.assert_array_equal(prediction[0], [3.0, 3.0, 3.0])
    assert prediction.shape == y.shape


def test_seasonal_naive_on_arange_by_hand():
    x, _ = windows.make_windows(np.arange(10.0), past=6, horizon=4)  # window 0 = 0..5
    prediction = forecast.seasonal_naive(x, period=3, horizon=4)
    np.testing.assert_array_equal(prediction[0], [3.0, 4.0, 5.0, 3.0])  # targets 6, 7, 8, 9
    np.testing.assert_array_equal(prediction, prediction[:1] + np.arange(len(x))[:, None])


def test_seasonal_naive_is_exact_on_a_periodic_series():
    period = 12
    series = np.tile(np.sin(np.arange(period)), 10)  # (time,), exactly periodic
    x, y = windows.make_windows(series, past=2 * period, horizon=30)
    np.testing.assert_array_equal(forecast.seasonal_naive(x, period, horizon=30), y)


def test_seasonal_naive_period_one_is_persistence():
    x, _ = windows.make_windows(np.arange(20.0) ** 2, past=5, horizon=3)
    np.testing.assert_array_equal(
        forecast.seasonal_naive(x, 1, horizon=3), forecast.persistence(x, horizon=3)
    )


@pytest.mark.parametrize("period", [0, 7])
def test_seasonal_naive_period_must_fit_in_the_window(period):
    x, _ = windows.make_windows(np.arange(20.0), past=6)
    with pytest.raises(ValueError, match=r"period must be an integer in \[1, 6\]"):
        forecast.seasonal_naive(x, period)


@pytest.mark.parametrize("shape", [(5, 3), (5, 3, 2), (5,)])
def test_baselines_reject_wrong_shapes(shape):
    with pytest.raises(ValueError, match=r"x must .*\(windows, past, features\)"):
        forecast.persistence(np.zeros(shape))


@pytest.mark.parametrize("call", [
    lambda x: forecast.persistence(x, horizon=0),
    lambda x: forecast.seasonal_naive(x, 2, horizon=0),
    lambda x: forecast.recursive_forecast(lambda w: w[:, -1], x, steps=0),
])
def test_forecasts_of_zero_steps_are_refused(call):
    x, _ = windows.make_windows(np.arange(10.0), past=3)
    with pytest.raises(ValueError, match="(horizon|steps) must be an integer >= 1"):
        call(x)


def test_recursive_forecast_of_a_sine_with_its_exact_recurrence():
    step = 0.1  # radians per time step
    series = np.sin(step * np.arange(200))  # (time,)
    past, steps = 10, 50
    x, y = windows.make_windows(series, past, horizon=steps)

    def recurrence(window):  # (windows, past, 1) -> (windows,)
        return 2 * np.cos(step) * window[:, -1, 0] - window[:, -2, 0]

    prediction = forecast.recursive_forecast(recurrence, x, steps)  # (windows, steps)
    np.testing.assert_allclose(prediction, y, rtol=0, atol=1e-12)


def test_recursive_forecast_feeds_predictions_back():
    x, _ = windows.make_windows(np.arange(8.0), past=3)  # window 0 = 0, 1, 2
    mean_of_window = lambda window: window.mean(axis=1)  # (windows, 1)  # noqa: E731
    prediction = forecast.recursive_forecast(mean_of_window, x[:1], steps=2)
    np.testing.assert_allclose(prediction, [[1.0, (1.0 + 2.0 + 1.0) / 3]])


def test_recursive_forecast_checks_the_predictor():
    x, _ = windows.make_windows(np.arange(8.0), past=3)
    with pytest.raises(ValueError, match="one value per window"):
        forecast.recursive_forecast(lambda window: window[:, :2, 0], x, steps=1)


def test_mse_by_hand_and_shape_check():
    assert forecast.mse([1.0, 2.0, 3.0], [1.0, 2.0, 5.0]) == pytest.approx(4.0 / 3.0)
    with pytest.raises(ValueError, match=r"same shape; got \(3,\) and \(3, 1\)"):
        forecast.mse(np.zeros(3), np.zeros((3, 1)))  # would broadcast to (3, 3) silently
    with pytest.raises(ValueError, match=r"same shape; got \(4,\) and \(3,\)"):
        forecast.mse(np.zeros(4), np.zeros(3))
    with pytest.raises(ValueError, match="y_true is empty"):
        forecast.mse([], [])  # not NaN


def tiny_model(seed):
    import keras

    keras.utils.set_random_seed(seed)
    return keras.Sequential([keras.Input(shape=(3, 1)), keras.layers.Flatten(),
                             keras.layers.Dense(1)])


def test_fit_cosine_learns_a_linear_rule_and_ends_at_zero_learning_rate():
    x, y = windows.make_windows(np.sin(0.3 * np.arange(200)), past=3)  # (197, 3, 1), (197, 1)
    model = tiny_model(seed=0)
    history = forecast.fit_cosine(model, (x[:150], y[:150]), (x[150:], y[150:]), steps=200,
                                  batch_size=16, learning_rate=0.05, seed=0,
                                  num_evaluations=4, steps_per_execution=10)
    assert len(history.history["loss"]) == len(history.history["val_loss"]) == 4
    assert history.history["val_loss"][-1] < 1e-3 * history.history["val_loss"][0]
    assert int(model.optimizer.iterations) == 200
    assert float(model.optimizer.learning_rate) == pytest.approx(0.0, abs=1e-12)


def test_fit_cosine_is_deterministic():
    x, y = windows.make_windows(np.cos(0.2 * np.arange(100)), past=3)
    losses = []
    for _ in range(2):
        history = forecast.fit_cosine(tiny_model(seed=1), (x, y), None, steps=40, batch_size=8,
                                      learning_rate=0.01, seed=3, num_evaluations=2,
                                      steps_per_execution=5)
        losses.append(history.history["loss"])
    assert losses[0] == losses[1]


def test_fit_cosine_checks_the_step_count():
    x, y = windows.make_windows(np.arange(20.0), past=3)
    with pytest.raises(ValueError, match="multiple of num_evaluations"):
        forecast.fit_cosine(tiny_model(seed=0), (x, y), None, steps=105, batch_size=4,
                            learning_rate=0.01, seed=0, num_evaluations=10,
                            steps_per_execution=5)
