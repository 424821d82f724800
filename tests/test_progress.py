"""rnncourse.progress.EpochLog prints one line per epoch while Keras trains."""

import keras
import numpy as np
import pytest

from rnncourse import progress


def fit(capsys, epochs, stop_after=None, **options):
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    x, y = np.ones((8, 2), np.float32), np.zeros((8, 1), np.float32)
    callbacks = [progress.EpochLog(**options)]
    if stop_after:
        callbacks.append(keras.callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: setattr(
            model, "stop_training", epoch + 1 == stop_after)))
    model.fit(x, y, validation_data=(x, y), epochs=epochs, verbose=0, callbacks=callbacks)
    return capsys.readouterr().out.splitlines()


def test_one_line_per_epoch_with_the_metrics(capsys):
    lines = fit(capsys, 3, label="Dense")
    assert len(lines) == 3
    assert lines[0].startswith("Dense epoch 1/3  loss ")
    assert all("val_loss" in line and line.endswith(" s)") for line in lines)


def test_every_n_epochs_and_always_the_last(capsys):
    lines = fit(capsys, 5, every=2)
    assert [line.split("/")[0] for line in lines] == ["epoch 2", "epoch 4", "epoch 5"]


def test_a_training_stopped_early_still_prints_its_last_epoch(capsys):
    lines = fit(capsys, 10, stop_after=3, every=2)
    assert [line.split("/")[0] for line in lines] == ["epoch  2", "epoch  3"]


@pytest.mark.parametrize("options, error, message", [
    ({"every": 0}, ValueError, "every must be an integer >= 1; got 0"),
    ({"every": 1.5}, TypeError, "every must be an integer; got 1.5"),
    ({"every": True}, TypeError, "every must be an integer; got True"),
    ({"label": 3}, TypeError, "label must be a str, e.g. 'GRU'; got 3"),
])
def test_bad_settings_are_refused(options, error, message):
    with pytest.raises(error, match=message):
        progress.EpochLog(**options)
