"""Execution time of each notebook, from a fresh kernel, top to bottom.

    python bench/notebook_times.py                  # every notebook in notebooks/
    python bench/notebook_times.py notebooks/01_attention.ipynb

Runs each notebook in memory with nbclient (the stored file is not
changed) and prints its wall time, kernel start-up included.
"""

import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent


def main(paths):
    paths = [Path(p) for p in paths] or sorted((ROOT / "notebooks").glob("*.ipynb"))
    for path in paths:
        notebook = nbformat.read(path, as_version=4)
        start = time.perf_counter()
        NotebookClient(notebook, timeout=600, kernel_name="python3",
                       resources={"metadata": {"path": str(path.parent)}}).execute()
        print(f"{path.name}: {time.perf_counter() - start:.1f} s", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
