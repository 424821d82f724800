"""Time one training step of the NumPy RNN against Keras' SimpleRNN on the CPU.

Usage: `.venv/bin/python benchmarks/bptt_speed.py` (about a minute). Writes
rnncourse/records/bptt_speed.json and prints a table.

Task: many-to-one regression, batch 64, 50 time steps, 8 features, 64 units, 1 output, MSE.

- NumPy, float64 and float32: `rnn_forward` + `rnn_outputs` + `mse_loss` on the last step +
  `rnn_backward` (full BPTT), which is what the brief asks to time; we also report the step
  with a plain gradient-descent update (`sgd_update`), since a Keras step includes one.
- Keras, float32 (its default): `SimpleRNN(64)` + `Dense(1)`, compiled with MSE and plain SGD
  (the cheapest update, so the optimizer does not dominate), default `jit_compile="auto"`
  (which Keras resolves to no XLA on a CPU-only machine). Two per-step measures:
  `train_on_batch` after warm-up (one Python call per step, like our NumPy step) and a
  compiled `model.fit` over `FIT_STEPS` copies of the batch divided by `FIT_STEPS` (Python
  overhead amortised, as in real training). We compare NumPy with the FASTER of the two,
  so the ratio does not flatter NumPy.

Speed-up tried: `rnn_backward` accumulates dW_xh, dW_hh and dLoss/dx step by step with small
products; the alternative, one large product over all steps after the loop
(`backward_one_product` below), is timed too (`*_backward_*` rows, the backward pass alone).
On a quiet machine the two are equally fast (compare their medians). On this 2-core machine
shared with other jobs, the large products are where OpenBLAS starts its two threads, and
they stalled whenever the other core was busy (single runs of 100+ ms instead of ~7 ms, while
other jobs ran); the small per-step products stay single-threaded and steady, so we kept
them. The 90th percentiles of all run times are in the JSON file ("p90_milliseconds").

Every time is the median over BLOCKS * RUNS timed runs after WARMUP untimed ones. NumPy and
Keras are timed in alternating blocks (see `block_medians`): background load on a shared
machine then hits both alike, and neither library's idle threads compete with the other's.
Threads are left at their defaults and reported (BLAS threads for NumPy, TensorFlow's
intra/inter-op pools).
"""

import json
import os
import platform
import statistics
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # before keras imports TensorFlow

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
import threadpoolctl  # noqa: E402

from rnncourse import records, rnn_numpy, train_numpy  # noqa: E402

SEED = 0
BATCH_SIZE, SEQ_LEN, NUM_FEATURES, NUM_UNITS, NUM_OUTPUTS = 64, 50, 8, 64, 1
LEARNING_RATE = 1e-3  # plain gradient descent on both sides
WARMUP = 5  # untimed runs before timing (tf.function tracing, caches)
BLOCKS = 5  # alternating NumPy / Keras blocks
RUNS = 12  # timed runs of each step per block; the median is over BLOCKS * RUNS runs
PAUSE = 0.2  # seconds between blocks, for idle threads of the other library to sleep
TAILS = {}  # step name -> 90th percentile of its run times (seconds), filled by block_medians
FIT_STEPS = 50  # steps per timed model.fit call
FIT_REPEATS = 10  # timed model.fit calls; we report the median


def block_medians(groups, blocks, runs_per_block, warmup):
    """Median wall time of every step, timing the groups in alternating blocks.

    `groups` maps a group name ("numpy", "keras") to {step name: callable}. Each of `blocks`
    rounds times every group in turn, `runs_per_block` runs of each of its steps, with a short
    pause between groups. Alternating blocks spreads background load (other processes on a
    shared machine) evenly, while keeping NumPy's BLAS threads and TensorFlow's thread pools
    from running, or spin-waiting, at the same moment.
    """
    times = {name: [] for steps in groups.values() for name in steps}
    for steps in groups.values():
        for step in steps.values():
            for _ in range(warmup):
                step()
    for _ in range(blocks):
        for steps in groups.values():
            time.sleep(PAUSE)
            for name, step in steps.items():
                for _ in range(runs_per_block):
                    start = time.perf_counter()
                    step()
                    times[name].append(time.perf_counter() - start)
    TAILS.update({name: float(np.percentile(values, 90)) for name, values in times.items()})
    return {name: statistics.median(values) for name, values in times.items()}


def numpy_step(params, x, y, with_update):
    """forward + loss + BPTT (+ an SGD update) in the dtype of the arrays, as a callable."""
    state = {"params": params}

    def step():
        p = state["params"]
        h = rnn_numpy.rnn_forward(x, p)  # (batch, time, units)
        y_pred = rnn_numpy.rnn_outputs(h, p)  # (batch, time, outputs)
        _, dy_last = rnn_numpy.mse_loss(y_pred[:, -1], y)  # (batch, outputs)
        dy = np.zeros_like(y_pred)  # (batch, time, outputs)
        dy[:, -1] = dy_last
        grads = rnn_numpy.rnn_backward(x, h, p, dy)
        if with_update:
            state["params"] = train_numpy.sgd_update(p, grads, LEARNING_RATE)

    return step


def backward_one_product(x, h, params, dy):
    """Full BPTT that keeps dh_raw for every step and forms dW_xh, dW_hh and dLoss/dx after
    the loop, one large matrix product each: the alternative to `rnn_backward`'s per-step
    accumulation, timed for comparison (same results to ~1e-13)."""
    h0 = np.zeros_like(h[:, 0])  # (batch, units)
    dh_raw_all = np.empty_like(h)  # (batch, time, units)
    dh_next = np.zeros_like(h0)  # (batch, units)
    for t in reversed(range(h.shape[1])):
        dh = dy[:, t] @ params["W_hy"].T + dh_next  # (batch, units)
        dh_raw_all[:, t] = dh * (1.0 - h[:, t] * h[:, t])  # (batch, units)
        dh_next = dh_raw_all[:, t] @ params["W_hh"].T  # (batch, units)
    h_prev = np.concatenate([h0[:, None], h[:, :-1]], axis=1)  # (batch, time, units)
    flat = dh_raw_all.reshape(-1, h.shape[2])  # (batch * time, units)
    return {
        "W_xh": x.reshape(-1, x.shape[2]).T @ flat,  # (features, units)
        "W_hh": h_prev.reshape(-1, h.shape[2]).T @ flat,  # (units, units)
        "b_h": flat.sum(axis=0),  # (units,)
        "W_hy": h.reshape(-1, h.shape[2]).T @ dy.reshape(-1, dy.shape[2]),  # (units, outputs)
        "b_y": dy.sum(axis=(0, 1)),  # (outputs,)
        "x": dh_raw_all @ params["W_xh"].T,  # (batch, time, features)
        "h0": dh_next,  # (batch, units)
    }


def backward_steps(params, x, y):
    """rnn_backward and backward_one_product alone, on the same forward pass."""
    h = rnn_numpy.rnn_forward(x, params)  # (batch, time, units)
    dy = np.zeros(h.shape[:2] + (NUM_OUTPUTS,), dtype=h.dtype)  # (batch, time, outputs)
    dy[:, -1] = rnn_numpy.mse_loss(rnn_numpy.rnn_outputs(h, params)[:, -1], y)[1]
    ours, other = rnn_numpy.rnn_backward(x, h, params, dy), backward_one_product(x, h, params, dy)
    for name in ours:
        np.testing.assert_allclose(ours[name], other[name], rtol=1e-10, atol=1e-12)
    return {
        "numpy_float64_backward_only": lambda: rnn_numpy.rnn_backward(x, h, params, dy),
        "numpy_float64_backward_one_product": lambda: backward_one_product(x, h, params, dy),
    }


def keras_model():
    keras.utils.set_random_seed(SEED)
    model = keras.Sequential([
        keras.Input(shape=(SEQ_LEN, NUM_FEATURES)),
        keras.layers.SimpleRNN(NUM_UNITS),
        keras.layers.Dense(NUM_OUTPUTS),
    ])
    model.compile(optimizer=keras.optimizers.SGD(LEARNING_RATE), loss="mse")
    return model


def keras_steps(x, y):
    """Two Keras training steps as callables: train_on_batch, and fit over FIT_STEPS batches."""
    model = keras_model()
    dataset = tf.data.Dataset.from_tensors((x, y)).repeat(FIT_STEPS)  # the same batch

    def fit_per_step():
        model.fit(dataset, epochs=1, verbose=0, shuffle=False)  # FIT_STEPS steps, timed whole

    return lambda: model.train_on_batch(x, y), fit_per_step


def thread_info():
    blas = [
        {key: pool[key] for key in ("internal_api", "num_threads")}
        for pool in threadpoolctl.threadpool_info()
    ]
    return {
        "cpu_count": os.cpu_count(),
        "numpy_blas": blas,
        "tf_intra_op_threads": tf.config.threading.get_intra_op_parallelism_threads(),
        "tf_inter_op_threads": tf.config.threading.get_inter_op_parallelism_threads(),
        "note": "0 for TensorFlow means its default (one thread per core)",
    }


def main():
    rng = np.random.default_rng(SEED)
    params = rnn_numpy.init_params(NUM_FEATURES, NUM_UNITS, NUM_OUTPUTS, rng)
    x = rng.normal(size=(BATCH_SIZE, SEQ_LEN, NUM_FEATURES))  # (batch, time, features)
    y = rng.normal(size=(BATCH_SIZE, NUM_OUTPUTS))  # (batch, outputs)
    params32 = {name: value.astype(np.float32) for name, value in params.items()}
    x32, y32 = x.astype(np.float32), y.astype(np.float32)
    train_on_batch, fit_many = keras_steps(x32, y32)
    numpy_steps = {
        "numpy_float64": numpy_step(params, x, y, with_update=False),
        "numpy_float32": numpy_step(params32, x32, y32, with_update=False),
        "numpy_float64_with_sgd_update": numpy_step(params, x, y, with_update=True),
        "numpy_float32_with_sgd_update": numpy_step(params32, x32, y32, with_update=True),
    }
    numpy_steps |= backward_steps(params, x, y)
    keras_group = {"keras_train_on_batch": train_on_batch}
    seconds = block_medians({"numpy": numpy_steps, "keras": keras_group}, BLOCKS, RUNS, WARMUP)
    fit_group = {"fit": fit_many}
    fit_seconds = block_medians({"keras": fit_group}, FIT_REPEATS, 1, warmup=2)["fit"]
    seconds["keras_fit_per_step"] = fit_seconds / FIT_STEPS
    TAILS["keras_fit_per_step"] = TAILS.pop("fit") / FIT_STEPS
    keras_best = min(seconds["keras_train_on_batch"], seconds["keras_fit_per_step"])
    ratios = {f"{name}/keras": t / keras_best for name, t in seconds.items()
              if "numpy" in name and "backward" not in name}
    result = {
        "shape": dict(batch=BATCH_SIZE, time=SEQ_LEN, features=NUM_FEATURES,
                      units=NUM_UNITS, outputs=NUM_OUTPUTS),
        "timed_runs": BLOCKS * RUNS, "statistic": "median wall time per training step",
        "milliseconds": {name: round(1e3 * t, 3) for name, t in seconds.items()},
        "p90_milliseconds": {name: round(1e3 * t, 3) for name, t in TAILS.items()},
        "keras_reference": "min(keras_train_on_batch, keras_fit_per_step)",
        "ratio_numpy_over_keras": {name: round(r, 3) for name, r in ratios.items()},
        "threads": thread_info(),
        "versions": {"python": platform.python_version(), "numpy": np.__version__,
                     "tensorflow": tf.__version__, "keras": keras.__version__},
    }
    records.save("bptt_speed", result)
    print(f"{'step (median)':36s} {'ms':>8s} {'numpy / keras':>14s}")
    for name, t in seconds.items():
        ratio = ratios.get(f"{name}/keras")
        print(f"{name:36s} {1e3 * t:8.2f} {'' if ratio is None else f'{ratio:.2f}':>14s}")
    print(f"threads: {json.dumps(result['threads'])}")


if __name__ == "__main__":
    main()
