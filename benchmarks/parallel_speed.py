"""Chapter 8's speed goal: a minGRU training step against a GRU step of equal size, on this CPU.

Usage: `.venv/bin/python benchmarks/parallel_speed.py` (about 3 minutes on a quiet 2-core
CPU). Writes rnncourse/records/parallel_speed.json (`records.save`) and prints a table.

Goal (issue #21): at GOAL_LENGTH = 1,000 steps, a minGRU training step is at least
GOAL_RATIO = 3 times faster than a GRU step of equal size, that is, the GRU's seconds per
step over the parallel minGRU's are >= 3, at the batch size the chapter trains with.

Everything comes from the package: `mingru.timing_table` is the recipe notebook 08c runs at
one sequence per batch; 08c reads the batch-100 table from this record (a sweep at that
batch takes several GB, more than a notebook may use). The sizes are the adding problem's:
2 input features, GRU(16) = 960 weights against MinGRU(160) = 960 weights, each followed by
Dense(1). One training step = forward, backward and an Adam update through
`train_on_batch`; the median of NUM_REPEATS after one warm-up step. Two batch sizes: one
sequence, and BATCH_SIZE = 100, the chapter's training batch. The GRU and the two minGRU
forms are timed one after the other at each length, so background load hits all three
alike; read the ratios rather than the seconds. The load average is recorded.
"""

import os
import platform

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # before keras imports TensorFlow

import keras  # noqa: E402
import tensorflow as tf  # noqa: E402

from clock import Clock  # noqa: E402  (benchmarks/clock.py)
from rnncourse import mingru, records  # noqa: E402

LENGTHS = (100, 200, 500, 1000, 2000)  # time steps per sequence
BATCH_SIZES = (1, 100)  # one sequence; the chapter's training batch
BATCH_SIZE = 100  # the batch the goal is judged at
GOAL_LENGTH, GOAL_RATIO = 1000, 3.0
NUM_REPEATS = 5  # timed steps per model; the median is kept


def main() -> None:
    keras.utils.set_random_seed(0)
    clock, load_before = Clock(), os.getloadavg()[0]
    tables = {str(size): mingru.timing_table(LENGTHS, size, num_repeats=NUM_REPEATS)
              for size in BATCH_SIZES}
    for table in tables.values():
        table["ratio_parallel"] = [round(g / m, 3) for g, m in zip(table["gru"], table["mingru"])]
        table["ratio_sequential"] = [round(g / m, 3) for g, m in
                                     zip(table["gru"], table["mingru_sequential"])]
    at_goal = tables[str(BATCH_SIZE)]["ratio_parallel"][LENGTHS.index(GOAL_LENGTH)]
    record = {
        "goal": f"GRU step / minGRU step >= {GOAL_RATIO} at {GOAL_LENGTH} steps, batch "
                f"{BATCH_SIZE}", "goal_ratio": GOAL_RATIO, "goal_length": GOAL_LENGTH,
        "batch_size": BATCH_SIZE, "ratio_at_goal": at_goal, "goal_met": at_goal >= GOAL_RATIO,
        "tables": tables, "num_repeats": NUM_REPEATS, **clock.read(),
        "load_average_before": round(load_before, 2),
        "load_average_after": round(os.getloadavg()[0], 2),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "tensorflow": tf.__version__, "keras": keras.__version__},
    }
    records.save("parallel_speed", record)
    for size, table in tables.items():
        print(f"batch {size}: seconds per training step (GRU / minGRU parallel, sequential)")
        for i, seq_len in enumerate(LENGTHS):
            print(f"  {seq_len:5d}: GRU {table['gru'][i]:.4f}  minGRU {table['mingru'][i]:.4f}"
                  f" ({table['ratio_parallel'][i]:.2f}x)  sequential "
                  f"{table['mingru_sequential'][i]:.4f} ({table['ratio_sequential'][i]:.2f}x)")
    print(f"goal {'met' if record['goal_met'] else 'NOT met'}: ratio {at_goal:.2f} at "
          f"{GOAL_LENGTH} steps, batch {BATCH_SIZE} (goal >= {GOAL_RATIO})")


if __name__ == "__main__":
    main()
