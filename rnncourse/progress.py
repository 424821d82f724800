"""Live progress for Keras training: one line per epoch, printed as it happens.

    history = model.fit(..., verbose=0, callbacks=[progress.EpochLog("GRU")])

prints, at the end of every epoch (or every ``every`` epochs, and always the last one, also
when a callback such as EarlyStopping ends the training early)::

    GRU epoch  3/10  loss 0.1234  val_loss 0.2345  (12 s)

Keras' own ``verbose=1`` progress bar redraws one line with carriage returns, which a saved
notebook and the website show as a jumble; this line reads the same in Jupyter, in a log and
on the website.
"""

from __future__ import annotations

import time

import keras

from rnncourse import _checks


class EpochLog(keras.callbacks.Callback):
    """A Keras callback that prints one line per epoch: the metrics and the time so far."""

    def __init__(self, label: str = "", every: int = 1):
        super().__init__()
        self.label = _checks.instance("label", label, str, "a str, e.g. 'GRU'")
        self.every = _checks.integer("every", every, minimum=1)

    def on_train_begin(self, logs=None):
        self.start, self.pending = time.perf_counter(), None

    def on_epoch_end(self, epoch, logs=None):
        epochs = self.params.get("epochs") or 0
        self.pending = (epoch, dict(logs or {}))
        if (epoch + 1) % self.every == 0 or epoch + 1 == epochs:
            self._print(*self.pending)

    def on_train_end(self, logs=None):
        if self.pending is not None:  # stopped early (EarlyStopping) between two lines
            self._print(*self.pending)

    def _print(self, epoch, logs):
        epochs = self.params.get("epochs") or 0
        metrics = "  ".join(f"{name} {value:.4g}" for name, value in logs.items()
                            if name != "learning_rate")
        prefix = f"{self.label} " if self.label else ""
        seconds = time.perf_counter() - self.start
        print(f"{prefix}epoch {epoch + 1:>{len(str(epochs))}}/{epochs}  {metrics}  "
              f"({seconds:.0f} s)", flush=True)
        self.pending = None
