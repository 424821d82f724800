"""Time one training step of the NumPy LSTM and GRU against Keras' LSTM and GRU on the CPU.

Usage: `.venv/bin/python benchmarks/gated_speed.py` (under a minute). Writes
rnncourse/records/gated_speed.json and prints a table.

Goal (issue #18): the NumPy gated cells train within 2x of Keras, that is, the median
NumPy step over the median Keras step is at most GOAL_RATIO = 2 for the LSTM and for the
GRU. The record says whether that was met ("goal_met"), cell by cell.

Task: many-to-one regression, batch 64, 50 time steps, 8 features, 64 units, 1 output, MSE,
as in benchmarks/bptt_speed.py (the simple RNN's benchmark, whose timing helpers we use).

- NumPy, float64 (the gated modules compute in float64): `lstm_forward(return_gates=True)`
  (or `gru_forward`) + a Dense readout of the last state + `mse_loss` + `lstm_backward`
  (`gru_backward`) + the readout's gradient: every gradient a training step needs, without
  the update. Two thread settings: OpenBLAS's default (one thread per core) and one BLAS
  thread (`*_1_blas_thread`, threadpoolctl). The ratio uses the FASTER of the two: on this
  2-core machine shared with other jobs, two BLAS threads stall whenever the other core is
  busy (single steps of 100+ ms, see bptt_speed), while one thread stays steady. The
  forward and backward passes alone are timed too, with one BLAS thread, to show where the
  time goes.
- Keras, float32 (its default): `LSTM(64)` or `GRU(64)` (Keras 3 defaults: `reset_after=True`)
  + `Dense(1)`, compiled with MSE and plain SGD. Two per-step measures, as in bptt_speed:
  `train_on_batch` and a compiled `model.fit` over FIT_STEPS copies of the batch divided by
  FIT_STEPS. The ratio uses the FASTER of the two. For reference, `train_on_batch` of the same
  model in float64 (the NumPy precision) is timed too; it does not enter the ratio.

Every time is the median over BLOCKS * RUNS timed runs after WARMUP untimed ones, NumPy and
Keras in alternating blocks (bptt_speed.block_medians), so background load on a shared
machine hits both alike; all ratios come from one run. The 1-minute load average before and
after is recorded: on a busy machine, read the ratios rather than the milliseconds.

Where the time goes: NumPy computes in float64, Keras in float32; Keras' own float64 step
is as slow as NumPy's or slower. Per LSTM step, the three (64, 64) x (64, 256) float64 products
(one forward, two backward) take about a third of the time; the rest is some fifty
elementwise operations on (64, 64) arrays, each a separate pass over memory. A full NumPy
step also allocates about 10 MB (states, gates, gradients); the record counts the minor page
faults per run ("page_faults_per_run"): when the C allocator hands that memory back to the
system after each step and maps it again on the next, the full step costs more than its
forward and backward passes timed alone.
"""

import json
import os
import platform
import resource

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # before keras imports TensorFlow

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
import threadpoolctl  # noqa: E402

from bptt_speed import TAILS, block_medians, thread_info  # noqa: E402  (benchmarks/)
from rnncourse import gru_numpy, lstm_numpy, records, rnn_numpy  # noqa: E402

SEED = 0
BATCH_SIZE, SEQ_LEN, NUM_FEATURES, NUM_UNITS, NUM_OUTPUTS = 64, 50, 8, 64, 1
LEARNING_RATE = 1e-3  # plain gradient descent for Keras
GOAL_RATIO = 2.0  # NumPy step / Keras step, at most, for each cell
WARMUP = 3  # untimed runs before timing (tf.function tracing, caches)
BLOCKS = 5  # alternating NumPy / Keras blocks
RUNS = 8  # timed runs of each step per block; the median is over BLOCKS * RUNS runs
FIT_STEPS = 25  # steps per timed model.fit call
FIT_REPEATS = 5  # timed model.fit calls; we report the median
CELLS = {"lstm": (lstm_numpy, keras.layers.LSTM), "gru": (gru_numpy, keras.layers.GRU)}


def numpy_steps(cell, x, y, rng):
    """{name: callable}: the full step (forward, loss, backward) and the two passes alone."""
    module = CELLS[cell][0]
    init, forward, backward = (getattr(module, f"{cell}_{part}")
                               for part in ("init_params", "forward", "backward"))
    params = init(NUM_FEATURES, NUM_UNITS, rng)
    readout = rnn_numpy.glorot_uniform(NUM_UNITS, NUM_OUTPUTS, rng)  # W_hy (units, outputs)

    def full_step():
        states = forward(x, params, return_gates=True)  # (h, c, gates) or (h, gates)
        h = states[0]  # (batch, time, units)
        _, dy = rnn_numpy.mse_loss(h[:, -1] @ readout, y)  # (batch, outputs)
        dh = np.zeros_like(h)  # (batch, time, units)
        dh[:, -1] = dy @ readout.T  # (batch, units): many-to-one
        grads = backward(x, *states, params, dh)
        grads["W_hy"] = h[:, -1].T @ dy  # (units, outputs)
        return grads

    states = forward(x, params, return_gates=True)
    dh = np.zeros_like(states[0])  # (batch, time, units)
    dh[:, -1] = 1.0 / BATCH_SIZE
    return {
        f"numpy_{cell}_float64": full_step,
        f"numpy_{cell}_float64_1_blas_thread": one_blas_thread(full_step),
        f"numpy_{cell}_forward_1_blas_thread":
            one_blas_thread(lambda: forward(x, params, return_gates=True)),
        f"numpy_{cell}_backward_1_blas_thread":
            one_blas_thread(lambda: backward(x, *states, params, dh)),
    }


def one_blas_thread(step):
    """step, run with NumPy's BLAS limited to one thread (about 6 us per call to set)."""
    blas = threadpoolctl.ThreadpoolController().select(user_api="blas")

    def limited():
        with blas.limit(limits=1):
            return step()

    return limited


def page_faults(step, runs=5):
    """Minor page faults per run of step: memory the allocator had to map afresh."""
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    for _ in range(runs):
        step()
    return (resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before) / runs


def keras_steps(cell, x, y):
    """{name: callable}: train_on_batch in float32 and float64, and fit over FIT_STEPS."""
    layer = CELLS[cell][1]
    models = {}
    for dtype in ("float32", "float64"):
        keras.utils.set_random_seed(SEED)
        models[dtype] = keras.Sequential([
            keras.Input(shape=(SEQ_LEN, NUM_FEATURES), dtype=dtype),
            layer(NUM_UNITS, dtype=dtype),
            keras.layers.Dense(NUM_OUTPUTS, dtype=dtype),
        ])
        models[dtype].compile(optimizer=keras.optimizers.SGD(LEARNING_RATE), loss="mse")
    x32, y32 = x.astype(np.float32), y.astype(np.float32)
    dataset = tf.data.Dataset.from_tensors((x32, y32)).repeat(FIT_STEPS)  # the same batch
    return {
        f"keras_{cell}_train_on_batch": lambda: models["float32"].train_on_batch(x32, y32),
        f"keras_{cell}_float64_train_on_batch": lambda: models["float64"].train_on_batch(x, y),
    }, lambda: models["float32"].fit(dataset, epochs=1, verbose=0, shuffle=False)


def main():
    load_start = os.getloadavg()[0]
    rng = np.random.default_rng(SEED)
    x = rng.normal(size=(BATCH_SIZE, SEQ_LEN, NUM_FEATURES))  # (batch, time, features)
    y = rng.normal(size=(BATCH_SIZE, NUM_OUTPUTS))  # (batch, outputs)
    numpy_group, keras_group, fits = {}, {}, {}
    for cell in CELLS:
        numpy_group |= numpy_steps(cell, x, y, rng)
        steps, fits[f"keras_{cell}_fit"] = keras_steps(cell, x, y)
        keras_group |= steps
    seconds = block_medians({"numpy": numpy_group, "keras": keras_group}, BLOCKS, RUNS, WARMUP)
    for name, seconds_per_fit in block_medians({"keras": fits}, FIT_REPEATS, 1, 1).items():
        seconds[f"{name}_per_step"] = seconds_per_fit / FIT_STEPS
        TAILS[f"{name}_per_step"] = TAILS.pop(name) / FIT_STEPS
    ratios, goals = {}, {}
    for cell in CELLS:
        numpy_best = min(seconds[f"numpy_{cell}_float64"],
                         seconds[f"numpy_{cell}_float64_1_blas_thread"])
        keras_best = min(seconds[f"keras_{cell}_train_on_batch"],
                         seconds[f"keras_{cell}_fit_per_step"])
        ratios[cell] = numpy_best / keras_best
        goals[cell] = bool(ratios[cell] <= GOAL_RATIO)
    result = {
        "shape": dict(batch=BATCH_SIZE, time=SEQ_LEN, features=NUM_FEATURES,
                      units=NUM_UNITS, outputs=NUM_OUTPUTS),
        "goal": f"numpy step / keras step <= {GOAL_RATIO} for each cell",
        "goal_met": goals, "all_goals_met": all(goals.values()),
        "ratio_numpy_over_keras": {cell: round(ratio, 3) for cell, ratio in ratios.items()},
        "numpy_reference": "min(numpy_*_float64, numpy_*_float64_1_blas_thread)",
        "keras_reference": "min(keras_*_train_on_batch, keras_*_fit_per_step), float32",
        "timed_runs": BLOCKS * RUNS, "statistic": "median wall time per training step",
        "milliseconds": {name: round(1e3 * t, 3) for name, t in seconds.items()},
        "p90_milliseconds": {name: round(1e3 * t, 3) for name, t in TAILS.items()},
        "page_faults_per_run": {name: page_faults(step) for name, step in numpy_group.items()},
        "load_average_start_end": [round(load_start, 2), round(os.getloadavg()[0], 2)],
        "threads": thread_info(),
        "versions": {"python": platform.python_version(), "numpy": np.__version__,
                     "tensorflow": tf.__version__, "keras": keras.__version__},
    }
    records.save("gated_speed", result)
    print(f"{'step (median)':40s} {'ms':>8s} {'p90 ms':>8s}")
    for name, t in seconds.items():
        print(f"{name:40s} {1e3 * t:8.2f} {1e3 * TAILS[name]:8.2f}")
    for cell, ratio in ratios.items():
        print(f"{cell}: numpy / keras = {ratio:.2f} (goal <= {GOAL_RATIO}): "
              f"{'met' if goals[cell] else 'NOT met'}")
    print(f"load average {result['load_average_start_end']}; "
          f"threads: {json.dumps(result['threads'])}")


if __name__ == "__main__":
    main()
