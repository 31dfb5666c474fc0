"""Run notebooks and check every figure and widget picture they show for what
keeps it from being read at 100% in JupyterLab's ~960 px output area:
width, text smaller than 9 px, texts that overlap
(`rmc_lib.views.common.layout_problems`).

    python bench/figure_audit.py                      # every notebook
    python bench/figure_audit.py notebooks/01_attention.ipynb ...

Each notebook is executed from a fresh kernel in a temporary copy (the
stored notebook is not changed). After its first cell (`%matplotlib inline`)
a hook is added that audits each figure as the inline backend displays it
(at 100 dpi with a tight bounding box, as it saves the PNG) and each
FigureView picture of a widget as it is first drawn (at the view's dpi).
Prints one line per problem, with the cell it came from; exits 1 if any.
"""

import json
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent

HOOK = r'''
import json as _json
from matplotlib.figure import Figure as _Figure
from rmc_lib.views.common import layout_problems as _layout_problems
from rmc_lib.views import figure_view as _figure_view
_audit = []
_ip = get_ipython()
_current = {"source": ""}
_ip.events.register("pre_run_cell", lambda info: _current.update(source=info.raw_cell))
_png = _ip.display_formatter.formatters["image/png"]
_original_png = _png.lookup_by_type(_Figure)

def _audited_png(fig, *args, **kwargs):
    _audit.append({"cell": _current["source"], "what": "figure",
                   "problems": _layout_problems(fig, dpi=100, tight=True)})
    return _original_png(fig, *args, **kwargs)

_png.for_type(_Figure, _audited_png)
_original_render = _figure_view.FigureView.render

def _audited_render(self):
    if self.background is None:
        _audit.append({"cell": _current["source"], "what": "widget",
                       "problems": _layout_problems(self.figure, dpi=self.dpi, tight=False)})
    return _original_render(self)

_figure_view.FigureView.render = _audited_render
'''

REPORT = "print('AUDIT ' + _json.dumps(_audit))"


def audit(path):
    nb = nbformat.read(path, as_version=4)
    code = [i for i, cell in enumerate(nb.cells) if cell.cell_type == "code"]
    first = code[0]
    nb.cells.insert(first + 1, nbformat.v4.new_code_cell(HOOK))
    nb.cells.append(nbformat.v4.new_code_cell(REPORT))
    # a picture is named by the stored index of the cell whose source was running
    numbering = {}
    for i, cell in enumerate(nb.cells[:-1]):
        if cell.cell_type == "code" and i != first + 1:
            numbering.setdefault(cell.source, i if i <= first else i - 1)
    NotebookClient(nb, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(Path(path).parent)}}).execute()
    text = "".join(out.get("text", "") for out in nb.cells[-1].outputs if out.get("name") == "stdout")
    records = json.loads(text.split("AUDIT ", 1)[1])
    lines = []
    for record in records:
        for problem in record["problems"]:
            lines.append(f"{Path(path).name} cell {numbering.get(record['cell'], '?')} ({record['what']}): {problem}")
    return len(records), lines


def main(paths):
    paths = paths or sorted(str(p) for p in (ROOT / "notebooks").glob("*.ipynb"))
    failed = False
    for path in paths:
        count, lines = audit(path)
        print(f"{Path(path).name}: {count} pictures checked, {len(lines)} problems", flush=True)
        for line in lines:
            print("  " + line, flush=True)
        failed |= bool(lines)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
