"""Set up the series and run it, on Windows, macOS and Linux alike.

    python run.py lab     set up if needed, trust the series' notebooks, then
                          start JupyterLab on notebooks/
    python run.py test    set up if needed, then run every test (unit tests,
                          gradient checks, and every notebook under nbval)
    python run.py setup   only set up
    python run.py execute [NOTEBOOK ...]
                          re-run notebooks from a fresh kernel and store their
                          outputs (all of notebooks/ by default): do this after
                          changing a notebook or the code it shows

Setting up means: a virtual environment in .venv/ inside this checkout, with
rmc_lib installed in editable mode together with its test extras. It is
done once, and again only when pyproject.toml changes (or the Python that
made .venv is gone). Then, every time, a check for Debian's chromium
(/usr/bin/chromium), which the browser test (tests/test_browser.py) drives
through Playwright: if it is missing on Linux and this runs as root with
apt-get, it is installed (`apt-get update`, `apt-get install -y chromium`);
otherwise one line says that the browser test will be skipped and what to
install. Any step that fails stops the script with its error.

`lab` first marks notebooks/*.ipynb as trusted (`jupyter trust`), so that
JupyterLab shows the widgets stored in them (not their text repr) before
they are run. Jupyter trusts a notebook whose signature it has recorded;
re-executing a notebook changes it, so this is done every time.

Extra arguments after `test` go to pytest, e.g. `python run.py test -k attention`.
Uses only the standard library, so it runs before anything is installed.
"""

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
STAMP = VENV / "rmc_lib-installed.txt"
CHROMIUM = Path("/usr/bin/chromium")   # the browser tests/test_browser.py drives

NBVAL_ARGS = [
    "--nbval",
    "--nbval-current-env",
    "--nbval-sanitize-with", "tests/nbval_sanitize.cfg",
    "--nbval-cell-timeout", "300",
]


def venv_python():
    if os.name == "nt":
        return VENV / "Scripts" / "python.exe"
    return VENV / "bin" / "python"


def run(step, command, env=None):
    """Run one step; on failure say which step failed and stop."""
    print(f"[run.py] {step}: {' '.join(str(c) for c in command)}", flush=True)
    result = subprocess.run([str(c) for c in command], cwd=ROOT, env=env)
    if result.returncode != 0:
        sys.exit(f"[run.py] FAILED: {step} (exit code {result.returncode})")


def wanted_stamp():
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    return f"pyproject.toml sha256 {digest}\npython {sys.version.split()[0]}\n"


def setup():
    """Create .venv and install rmc_lib[dev] into it, unless that is already done;
    then make sure the browser test has its browser, or say why it will be skipped."""
    if sys.version_info < (3, 11):
        sys.exit(f"[run.py] Python 3.11 or newer is needed, this is {sys.version.split()[0]}")
    python = venv_python()
    if STAMP.exists() and python.exists() and STAMP.read_text() == wanted_stamp():
        print("[run.py] environment is up to date (.venv)", flush=True)
    else:
        if not python.exists():
            run("create the virtual environment", [sys.executable, "-m", "venv", VENV])
        run("upgrade pip", [python, "-m", "pip", "install", "--upgrade", "pip"])
        run("install rmc_lib and its dependencies", [python, "-m", "pip", "install", "-e", ".[dev]"])
        STAMP.write_text(wanted_stamp())
    setup_browser()
    return python


def setup_browser():
    """Install Debian's chromium for the browser test if it is missing and we can
    (Linux, apt-get, root); otherwise say in one line that the test will be skipped."""
    if CHROMIUM.exists():
        return
    skipped = f"[run.py] the browser test (tests/test_browser.py) will be skipped: it needs {CHROMIUM}"
    if not sys.platform.startswith("linux") or shutil.which("apt-get") is None:
        print(f"{skipped}, Debian's chromium package (`apt-get install chromium`)", flush=True)
        return
    if os.geteuid() != 0:
        print(f"{skipped}: install it as root with `apt-get install chromium` "
              "(or run `python3 run.py test` as root, which does that)", flush=True)
        return
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")   # no questions from the packages
    run("update Debian's package lists (for chromium)", ["apt-get", "update"], env=env)
    run("install Debian's chromium (for the browser test)", ["apt-get", "install", "-y", "chromium"], env=env)
    if not CHROMIUM.exists():
        sys.exit(f"[run.py] FAILED: chromium is installed but {CHROMIUM} does not exist")


def strip_timestamps(path):
    """Drop the execution timestamps nbclient stores in each cell's metadata:
    they change at every run and say nothing about the lesson."""
    notebook = json.loads(path.read_text(encoding="utf-8"))
    for cell in notebook["cells"]:
        cell.get("metadata", {}).pop("execution", None)
    # the layout nbformat itself writes, so that diffs stay small
    path.write_text(json.dumps(notebook, indent=1, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")


def trust_notebooks(python, folder=ROOT / "notebooks", env=None):
    """Sign the notebooks in `folder` (the series' own, by default) with this
    user's Jupyter key: `jupyter trust`, whose record JupyterLab reads.

    JupyterLab renders an untrusted notebook's stored widgets, HTML and
    JavaScript as plain text until its cells are run again; a trusted one
    shows them as saved. Only the notebooks of this checkout are signed.
    env: the environment for jupyter (None: this one), e.g. another
    JUPYTER_DATA_DIR, where the signatures are kept.
    """
    notebooks = sorted(folder.glob("*.ipynb"))
    run("trust the series' notebooks (their stored widgets show)",
        [python, "-m", "jupyter", "trust", *notebooks], env=env)


def main(argv):
    commands = ("setup", "lab", "test", "execute")
    if not argv or argv[0] not in commands:
        sys.exit(__doc__)
    command, extra = argv[0], argv[1:]
    python = setup()
    if command == "lab":
        trust_notebooks(python)
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            # JupyterLab refuses to start as root (common in containers) unless told to
            print("[run.py] running as root: passing --allow-root to JupyterLab", flush=True)
            extra = ["--allow-root", *extra]
        run("start JupyterLab", [python, "-m", "jupyter", "lab", "--notebook-dir", ROOT / "notebooks", *extra])
    elif command == "test":
        run("run the tests", [python, "-m", "pytest", "tests", "notebooks", *NBVAL_ARGS, *extra])
    elif command == "execute":
        notebooks = extra or sorted(str(p.relative_to(ROOT)) for p in (ROOT / "notebooks").glob("*.ipynb"))
        for notebook in notebooks:
            run(f"execute {notebook}", [python, "-m", "jupyter", "nbconvert", "--to", "notebook",
                                        "--execute", "--inplace", notebook])
            strip_timestamps(ROOT / notebook)


if __name__ == "__main__":
    main(sys.argv[1:])
