"""The benchmarks' clock: wall and CPU seconds since it was made (one source for all)."""

import time


class Clock:
    """Wall and CPU seconds (this process, all threads) since it was made."""

    def __init__(self):
        self.wall, self.cpu = time.perf_counter(), time.process_time()

    def read(self) -> dict:
        return {"seconds": round(time.perf_counter() - self.wall, 1),
                "cpu_seconds": round(time.process_time() - self.cpu, 1)}
