"""environment.yml and pyproject.toml must ask for the same packages."""

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def pyproject_requirements():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return set(project["dependencies"]) | set(project["optional-dependencies"]["dev"])


def conda_requirements():
    """The top-level entries of `dependencies:` (not python, pip or the pip section)."""
    text = (ROOT / "environment.yml").read_text()
    dependencies = text.split("\ndependencies:\n", 1)[1]
    entries = re.findall(r"^  - (\S+)\s*$", dependencies, flags=re.M)
    return {e for e in entries if not re.match(r"^(python|pip)\b(?!-)", e)}


def test_environment_yml_matches_pyproject():
    assert conda_requirements() == pyproject_requirements()


def test_environment_yml_installs_rmc_lib_from_the_checkout():
    assert re.search(r"^      - -e \.\[dev\]\s*$", (ROOT / "environment.yml").read_text(), flags=re.M)


def test_conda_parser_sees_every_package():
    # guard against the parser silently finding nothing
    assert {"numpy>=2.0", "nbval>=0.11"} <= conda_requirements()
