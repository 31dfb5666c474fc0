"""The library's layout: data flows one way, and each module stays readable.

nn <- cores <- train; tasks beside them (it uses nn only); trace reads the
cores' caches; views and exercises sit on top. A module may import from its
own package and from the packages this table allows, never from above.
"""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

LIB = Path(__file__).resolve().parent.parent / "rmc_lib"

ALLOWED = {
    "nn": {"nn"},
    "tasks": {"nn", "tasks"},
    "cores": {"nn", "cores"},
    "trace": {"nn", "cores"},
    "train": {"nn", "cores", "tasks", "train"},
    "views": {"nn", "cores", "tasks", "trace", "train", "views"},
    "exercises": {"nn", "cores", "tasks", "trace", "train", "views", "exercises"},
}
MAX_LINES = 420     # "a module stays readable in one sitting"

MODULES = sorted(p for p in LIB.rglob("*.py") if p.name not in {"__init__.py", "__main__.py"})


def package_of(path):
    parts = path.relative_to(LIB).parts
    return parts[0] if len(parts) > 1 else path.stem


def imported_packages(path, source=None):
    """The rmc_lib packages a module imports from (relative or absolute imports)."""
    here = path.relative_to(LIB).parts[:-1]
    found = set()
    for node in ast.walk(ast.parse(path.read_text() if source is None else source)):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = list(here[:len(here) - (node.level - 1)])
                target = base + (node.module.split(".") if node.module else [])
                if not target:          # `from .. import x`: x names the package
                    target = [alias.name for alias in node.names]
                    found.update(target)
                    continue
            elif node.module and node.module.split(".")[0] == "rmc_lib":
                target = node.module.split(".")[1:]
            else:
                continue
            if target:
                found.add(target[0])
        elif isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                if parts[0] == "rmc_lib" and len(parts) > 1:
                    found.add(parts[1])
    return found


def test_every_module_belongs_to_a_known_package():
    assert MODULES, "no modules found"
    unknown = {str(p.relative_to(LIB)) for p in MODULES if package_of(p) not in ALLOWED}
    assert not unknown, f"modules outside the known packages: {sorted(unknown)}"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(LIB)))
def test_nothing_imports_from_above(path):
    package = package_of(path)
    above = imported_packages(path) - ALLOWED[package]
    assert not above, f"{path.relative_to(LIB)} ({package}) imports from {sorted(above)}"


def test_the_import_check_sees_relative_and_absolute_imports():
    source = "from ..views import common\nfrom rmc_lib.train import loop\nfrom . import layers\nfrom .. import tasks\n"
    assert imported_packages(LIB / "nn" / "probe.py", source) == {"views", "train", "nn", "tasks"}


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(LIB)))
def test_modules_stay_readable_in_one_sitting(path):
    lines = len(path.read_text().splitlines())
    assert lines <= MAX_LINES, f"{path.relative_to(LIB)} has {lines} lines (at most {MAX_LINES})"


def test_the_top_level_names_and_the_command_line_keep_working():
    from rmc_lib import LSTM, RelationalMemory, RelationalRNN, SequenceClassifier  # noqa: F401
    result = subprocess.run([sys.executable, "-m", "rmc_lib", "--help"], capture_output=True, text=True)
    assert result.returncode == 0 and "train" in result.stdout and "evaluate" in result.stdout, result.stderr
