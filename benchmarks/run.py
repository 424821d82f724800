"""Run time and peak memory of every notebook, each in a fresh kernel.

Usage: `make bench` (or `python benchmarks/run.py [notebooks/NAME.ipynb ...]`: only those
notebooks, whose rows replace theirs in the last results). Writes benchmarks/results.json and
benchmarks/results.md. Budgets (2-core CPU, no GPU):
each notebook <= 3 min (IMDB notebooks and LARGEST <= 6 min) and <= 1.5 GB peak RSS of the kernel.
"""

import json
import platform
import sys
import threading
import time
from pathlib import Path

import nbformat
import psutil
from nbclient import NotebookClient

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
BUDGET_SECONDS = {"default": 180, "imdb": 360}
# The largest notebook of a chapter outside IMDB also gets the larger budget.
LARGEST = {"06c_char_model_keras", "07b_attention", "08c_mingru_vs_gru"}
BUDGET_MB = 1536
CELL_TIMEOUT = 360  # seconds, as execute.timeout in _config.yml


def peak_rss_mb(pid: int, stop: threading.Event, result: dict) -> None:
    """Poll the RSS of a process and its children until `stop` is set; keep the peak."""
    process = psutil.Process(pid)
    while not stop.is_set():
        try:
            members = [process] + process.children(recursive=True)
            rss = sum(member.memory_info().rss for member in members)
        except psutil.Error:
            break
        result["peak"] = max(result.get("peak", 0), rss / 2**20)
        stop.wait(0.05)


def run_notebook(path: Path) -> dict:
    """Execute one notebook in a fresh kernel; return wall time and peak kernel RSS."""
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook, timeout=CELL_TIMEOUT, kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )
    memory, stop = {}, threading.Event()
    start = time.perf_counter()
    with client.setup_kernel():
        watcher = threading.Thread(target=peak_rss_mb, args=(client.km.provisioner.pid, stop, memory))
        watcher.start()
        for index, cell in enumerate(notebook.cells):
            client.execute_cell(cell, index)
        stop.set()
        watcher.join()
    seconds = time.perf_counter() - start
    large = "imdb" in path.stem or path.stem in LARGEST
    budget = BUDGET_SECONDS["imdb" if large else "default"]
    return {
        "notebook": str(path.relative_to(REPO)),
        "seconds": round(seconds, 1),
        "peak_rss_mb": round(memory.get("peak", 0.0)),
        "budget_seconds": budget,
        "budget_mb": BUDGET_MB,
        "within_budget": seconds <= budget and memory.get("peak", 0.0) <= BUDGET_MB,
    }


def markdown_table(rows: list[dict]) -> str:
    lines = [
        "| notebook | wall time (s) | budget (s) | peak RSS (MB) | budget (MB) | within budget |",
        "| --- | ---: | ---: | ---: | ---: | --- |",
    ]
    for row in rows:
        ok = "yes" if row["within_budget"] else "**no**"
        lines.append(
            f"| {row['notebook']} | {row['seconds']} | {row['budget_seconds']} | "
            f"{row['peak_rss_mb']} | {row['budget_mb']} | {ok} |"
        )
    return "\n".join(lines) + "\n"


def earlier_rows(keep: bool) -> dict:
    """The rows of the last results.json by notebook, if ``keep`` (a partial run)."""
    source = HERE / "results.json"
    if not keep or not source.is_file():
        return {}
    return {row["notebook"]: row for row in json.loads(source.read_text())["notebooks"]}


def main(paths: list[str]) -> int:
    """Run the notebooks given (all if none). A partial run replaces only its own rows of
    results.json and results.md and keeps the others, so the table stays complete."""
    notebooks = [Path(p).resolve() for p in paths] or sorted((REPO / "notebooks").glob("*.ipynb"))
    fresh = []
    for path in notebooks:
        print(f"running {path.name} ...", flush=True)
        fresh.append(run_notebook(path))
        print(f"  {fresh[-1]['seconds']} s, {fresh[-1]['peak_rss_mb']} MB", flush=True)
    merged = {**earlier_rows(bool(paths)), **{row["notebook"]: row for row in fresh}}
    rows = [merged[name] for name in sorted(merged)]
    machine = {"cpus": psutil.cpu_count(), "python": platform.python_version(),
               "platform": platform.platform()}
    (HERE / "results.json").write_text(json.dumps({"machine": machine, "notebooks": rows}, indent=2) + "\n")
    table = markdown_table(rows)
    (HERE / "results.md").write_text(f"# Notebook benchmarks\n\n{machine['cpus']} CPUs, Python {machine['python']}.\n\n{table}")
    print(table)
    return 0 if all(row["within_budget"] for row in fresh) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
