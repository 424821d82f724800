"""The bad-input suite's harness: each case is one wrong call, classified by what it does.

    CASES = [Case("windows", "num_windows(length=5, past=10)", "past",
                  lambda: windows.num_windows(5, 10))]

    clear    ValueError or TypeError whose message names the argument (the promise)
    unclear  any other exception, or a message that does not name the argument
    silent   returned a result: the call accepted nonsense
    hang     still running after TIMEOUT seconds (SIGALRM interrupts it)

The tests (tests/test_bad_input_*.py) assert every case is clear; `python tests/bad_input.py`
prints the figures per module (cases tried / clear / unclear / silent / hang).
"""

from __future__ import annotations

import importlib
import signal
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

TIMEOUT = 10  # seconds before a call counts as a hang
OUTCOMES = ("clear", "unclear", "silent", "hang")


@dataclass(frozen=True)
class Case:
    module: str  # the rnncourse module (or "cli")
    call: str  # what is called, with the bad value, as a reader would write it
    argument: str  # the argument (or a word of the message) that a clear error must name
    run: Callable[[], object]

    def __str__(self) -> str:
        return f"{self.module}: {self.call}"


class Hang(Exception):
    pass


def _alarm(signum, frame):
    raise Hang()


def classify(case: Case) -> tuple[str, str]:
    """(outcome, what happened) for one case."""
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(TIMEOUT)
    try:
        result = case.run()
    except Hang:
        return "hang", f"still running after {TIMEOUT} s"
    except (ValueError, TypeError) as err:
        message = f"{type(err).__name__}: {err}"
        return ("clear" if case.argument in str(err) else "unclear"), message
    except BaseException as err:  # noqa: BLE001 - anything else is an unclear crash
        if isinstance(err, KeyboardInterrupt):
            raise
        return "unclear", f"{type(err).__name__}: {err}"
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    return "silent", f"returned {str(result)[:80]!r}"


def checks_run(monkeypatch, module, call: Callable[[], object]) -> list[str]:
    """The arguments that ``module``'s entry checks (``_checks.sized``) saw during ``call()``:
    a loop over time must not check again at every step."""
    checked, sized = [], module._checks.sized
    with monkeypatch.context() as patch:
        patch.setattr(module._checks, "sized",
                      lambda name, *args, **kwargs: checked.append(name) or sized(name, *args,
                                                                                  **kwargs))
        call()
    return checked


def uncovered(cases: list[Case], module, exclude: tuple[str, ...] = ()) -> set[str]:
    """The public functions of ``module`` (defined there, not classes, not in ``exclude``)
    that no case calls: a test asserts this set is empty."""
    called = {case.call.split("(")[0] for case in cases}
    public = {name for name, value in vars(module).items()
              if callable(value) and not name.startswith("_") and not isinstance(value, type)
              and getattr(value, "__module__", "") == module.__name__ and name not in exclude}
    return public - called


def all_cases() -> list[Case]:
    """The cases of every tests/test_bad_input_*.py module."""
    here = Path(__file__).resolve().parent
    sys.path.insert(0, str(here))
    cases = []
    for path in sorted(here.glob("test_bad_input_*.py")):
        cases += importlib.import_module(path.stem).CASES
    return cases


def report(cases: list[Case]) -> str:
    """A Markdown table: per module, cases tried and each outcome."""
    counts = {module: Counter() for module in sorted({case.module for case in cases})}
    for case in cases:
        counts[case.module][classify(case)[0]] += 1
    lines = ["| module | tried | " + " | ".join(OUTCOMES) + " |",
             "| --- | ---: | " + " | ".join("---:" for _ in OUTCOMES) + " |"]
    total = Counter()
    for module, count in counts.items():
        total.update(count)
        lines.append(f"| {module} | {sum(count.values())} | "
                     + " | ".join(str(count[o]) for o in OUTCOMES) + " |")
    lines.append(f"| **all** | {sum(total.values())} | "
                 + " | ".join(str(total[o]) for o in OUTCOMES) + " |")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    print(report(all_cases()))
