"""What `recurrent_dropout` costs per training step on this CPU (chapter 5, regularisation).

Usage: `.venv/bin/python benchmarks/recurrent_dropout_cost.py` (about 2 minutes). Writes
rnncourse/records/recurrent_dropout_cost.json and prints a table.

On a GPU, Keras runs LSTM and GRU layers through cuDNN's fused kernel unless an option rules it
out; `recurrent_dropout > 0` is one of them. On a CPU Keras 3 has no fused recurrent kernel, so
every variant runs the same step loop; `recurrent_dropout` still switches the cell to
`implementation=1` (separate matrix products per gate) and adds a mask. This script measures the
resulting cost.

Task: the IMDB classifier of notebooks/05b_regularisation_imdb (Embedding(10000, 32,
mask_zero=True) -> GRU or LSTM(32) -> Dense(1, sigmoid), Adam, binary cross-entropy) on random
token ids (no data needed; the cost does not depend on the words), batch 250, 80 tokens.
Variants: no dropout; `dropout=0.5`; `dropout=0.5, recurrent_dropout=0.5`.

Each time is the median, over BLOCKS blocks, of the wall time per step of one `model.fit` epoch
of STEPS steps; the variants run in alternating blocks so that background load on a shared
machine hits all of them alike. CPU time of the process is reported too. The 1-minute load
average before and after is recorded: on a busy machine the ratios are the numbers to read.
"""

import json
import os
import platform
import statistics
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # before keras imports TensorFlow

import keras  # noqa: E402
import numpy as np  # noqa: E402

from rnncourse import records  # noqa: E402

VOCAB, EMBED, UNITS, TOKENS, BATCH = 10_000, 32, 32, 80, 250
STEPS = 8  # training steps per timed fit
BLOCKS = 5  # timed fits per variant (after one untimed warm-up fit)
RATE = 0.5
VARIANTS = {
    "no dropout": {},
    "dropout": {"dropout": RATE},
    "dropout + recurrent_dropout": {"dropout": RATE, "recurrent_dropout": RATE},
}


def build(layer_name, options):
    keras.utils.set_random_seed(0)
    tokens = keras.Input(shape=(TOKENS,), dtype="int32")
    x = keras.layers.Embedding(VOCAB, EMBED, mask_zero=True)(tokens)
    x = getattr(keras.layers, layer_name)(UNITS, **options)(x)
    model = keras.Model(tokens, keras.layers.Dense(1, activation="sigmoid")(x))
    model.compile("adam", "binary_crossentropy")
    return model


def timed_fit(model, x, y):
    """(wall, CPU) seconds per step of one fit over STEPS batches."""
    wall, cpu = time.perf_counter(), time.process_time()
    model.fit(x, y, batch_size=BATCH, epochs=1, verbose=0, shuffle=False)
    return (time.perf_counter() - wall) / STEPS, (time.process_time() - cpu) / STEPS


def main():
    rng = np.random.default_rng(0)
    x = rng.integers(1, VOCAB, size=(STEPS * BATCH, TOKENS)).astype("int32")  # (reviews, tokens)
    y = rng.integers(0, 2, size=STEPS * BATCH).astype("float32")  # (reviews,)
    load_before = os.getloadavg()[0]
    results = []
    for layer_name in ["GRU", "LSTM"]:
        models = {name: build(layer_name, options) for name, options in VARIANTS.items()}
        for model in models.values():
            timed_fit(model, x, y)  # warm-up: traces and compiles the train step
        times = {name: [] for name in models}
        for _ in range(BLOCKS):
            for name, model in models.items():
                times[name].append(timed_fit(model, x, y))
        base = statistics.median(wall for wall, _ in times["dropout"])
        for name, runs in times.items():
            wall = statistics.median(w for w, _ in runs)
            cpu = statistics.median(c for _, c in runs)
            results.append({"layer": layer_name, "variant": name, "wall_ms": round(1000 * wall, 1),
                            "cpu_ms": round(1000 * cpu, 1), "ratio_to_dropout": round(wall / base, 2)})
    machine = {"cpus": os.cpu_count(), "python": platform.python_version(),
               "keras": keras.__version__, "backend": keras.backend.backend(),
               "load_before": round(load_before, 2), "load_after": round(os.getloadavg()[0], 2)}
    records.save("recurrent_dropout_cost", {"machine": machine, "results": results})
    print(f"{'layer':5} {'variant':28} {'wall ms/step':>12} {'CPU ms/step':>12} {'x dropout':>10}")
    for row in results:
        print(f"{row['layer']:5} {row['variant']:28} {row['wall_ms']:12.1f} {row['cpu_ms']:12.1f} "
              f"{row['ratio_to_dropout']:10.2f}")
    print(f"load average before {machine['load_before']}, after {machine['load_after']} "
          f"on {machine['cpus']} CPUs")


if __name__ == "__main__":
    main()
