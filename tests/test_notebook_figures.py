"""What every notebook in notebooks/ stores and opens with, read from the .ipynb files.

- Every stored picture fits at 100% in a ~960 px output area: each image/png
  output, and each picture a widget stored in the notebook's widget state
  (ipywidgets shows it pixel for pixel), is at most 960 px wide.
- The first cell links the notation page and states a study time and a run
  time; somewhere the notebook has a concept question with a hidden answer
  (a <details> block).

Nothing is executed: this checks the notebooks as committed, so it fails
until a notebook whose figures changed is re-executed.
"""

import base64
import json
import re
import struct
from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("*.ipynb"))
MAX_WIDTH = 960          # px: the output area at 100%, a 1400 px window with the file browser open

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"

# a duration: "45-60 minutes", "about 40 s", "1–1.5 hours", "under a minute"
DURATION = (r"(?:\d+(?:[.,]\d+)?(?:\s*(?:-|–|to)\s*\d+(?:[.,]\d+)?)?\s*(?:s|sec|seconds?|min|minutes?|h|hours?)\b"
            r"|\ban? (?:second|minute|hour)\b)")
NOTATION_LINK = re.compile(r"\]\(NOTATION\.md(?:#[^)]*)?\)")


def png_width(data, where):
    """The width in the IHDR chunk of a PNG file (bytes 16-20, big-endian)."""
    assert data[:8] == PNG_SIGNATURE and data[12:16] == b"IHDR", f"{where} is not a PNG file"
    return struct.unpack(">I", data[16:20])[0]


def load(path):
    return json.loads(path.read_text(encoding="utf-8"))


def source(cell):
    text = cell.get("source", "")
    return text if isinstance(text, str) else "".join(text)


def ids(paths):
    return [path.name for path in paths]


def test_there_are_notebooks():
    assert len(NOTEBOOKS) >= 8, f"expected the series' notebooks in notebooks/, found {ids(NOTEBOOKS)}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids(NOTEBOOKS))
def test_stored_figures_fit_the_output_area(path):
    too_wide = []
    for index, cell in enumerate(load(path)["cells"]):
        for number, output in enumerate(cell.get("outputs", [])):
            data = output.get("data", {}).get("image/png")
            if data is None:
                continue
            where = f"{path.name}, cell {index}, output {number}"
            width = png_width(base64.b64decode("".join(data)), where)
            if width > MAX_WIDTH:
                too_wide.append(f"{where}: {width} px wide")
    assert not too_wide, (f"figures wider than {MAX_WIDTH} px (shrunk to fit in JupyterLab):\n"
                          + "\n".join(too_wide))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids(NOTEBOOKS))
def test_stored_widget_pictures_fit_the_output_area(path):
    """The PNG of each ipywidgets Image in the stored widget state; it is named
    by the cell whose output shows the widget that holds it, if one does."""
    notebook = load(path)
    state = notebook.get("metadata", {}).get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    shown_in = {}      # model id -> index of the cell whose output displays it
    for index, cell in enumerate(notebook["cells"]):
        for output in cell.get("outputs", []):
            view = output.get("data", {}).get("application/vnd.jupyter.widget-view+json")
            if view:
                shown_in[view["model_id"]] = index
    parents = {}       # child model id -> its box
    for model_id, model in state.items():
        for child in model.get("state", {}).get("children", []):
            parents[child.removeprefix("IPY_MODEL_")] = model_id
    too_wide = []
    for model_id, model in state.items():
        if model.get("model_name") != "ImageModel" or model.get("state", {}).get("format") != "png":
            continue
        top = model_id
        while top in parents:
            top = parents[top]
        cell = f"cell {shown_in[top]}" if top in shown_in else "a widget no cell displays"
        for buffer in model.get("buffers", []):
            if buffer.get("path") == ["value"] and buffer.get("encoding") == "base64":
                where = f"{path.name}, {cell}, Image widget {model_id}"
                width = png_width(base64.b64decode(buffer["data"]), where)
                if width > MAX_WIDTH:
                    too_wide.append(f"{where}: {width} px wide")
    assert not too_wide, (f"widget pictures wider than {MAX_WIDTH} px (wider than the output area):\n"
                          + "\n".join(too_wide))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids(NOTEBOOKS))
def test_first_cell_links_the_notation_and_states_the_times(path):
    cells = load(path)["cells"]
    assert cells, f"{path.name} has no cells"
    first = source(cells[0])
    problems = []
    if cells[0]["cell_type"] != "markdown":
        problems.append(f"its first cell is a {cells[0]['cell_type']} cell, not markdown")
    if not NOTATION_LINK.search(first):
        problems.append("the first cell has no link to the notation page, [...](NOTATION.md)")
    for label in ("Study time", "Run time"):
        if not re.search(rf"{label}\W[^\n]*?{DURATION}", first, flags=re.IGNORECASE):
            problems.append(f"the first cell states no '{label}' with a duration (e.g. '{label}: 30-45 minutes')")
    assert not problems, f"{path.name}: " + "; ".join(problems)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids(NOTEBOOKS))
def test_has_a_question_with_a_hidden_answer(path):
    blocks = [index for index, cell in enumerate(load(path)["cells"])
              if cell["cell_type"] == "markdown" and re.search(r"<details>.*?</details>", source(cell), flags=re.S)]
    assert blocks, f"{path.name} has no <details> ... </details> block (a question with its hidden answer)"


def study_time(text):
    """The study time a notebook states at its top: the text after "Study time:"."""
    match = re.search(r"\*\*Study time:?\*\*:?\s*([^\n]*)", text)
    return match.group(1) if match else None


def minutes(text):
    """The first range or number of minutes in a text, as a string like '45-60'."""
    match = re.search(r"(\d+)\s*(?:-|–|to)\s*(\d+)\s*minutes|(\d+)\s*minutes", text or "")
    if not match:
        return None
    return f"{match.group(1)}-{match.group(2)}" if match.group(1) else match.group(3)


def test_the_map_in_00_gives_each_notebook_the_study_time_it_states_itself():
    overview = load(NOTEBOOKS[0])
    assert NOTEBOOKS[0].name.startswith("00_"), NOTEBOOKS[0]
    rows = {}
    for cell in overview["cells"]:
        for line in "".join(cell["source"]).splitlines():
            match = re.match(r"\|\s*\*\*(\w+)\*\*\s*\|.*\|\s*([^|]*minutes[^|]*)\|\s*$", line)
            if match:
                rows[match.group(1)] = minutes(match.group(2))
    names = {path.stem for path in NOTEBOOKS}
    assert set(rows) == names, f"00's map lists {sorted(rows)}, the notebooks are {sorted(names)}"
    for path in NOTEBOOKS:
        own = minutes(study_time("".join(load(path)["cells"][0]["source"])))
        assert own is not None, f"{path.name} states no study time in minutes in its first cell"
        assert rows[path.stem] == own, f"00's map gives {path.stem} {rows[path.stem]} minutes, it says {own} itself"
