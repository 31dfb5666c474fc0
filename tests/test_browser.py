"""The notebooks' widgets in a real browser: JupyterLab driven by Playwright.

One JupyterLab server (no token, no password, 127.0.0.1, a free port) on a
temporary copy of notebooks/, whose notebooks are trusted as
`python3 run.py lab` trusts them, and one headless Debian chromium
(/usr/bin/chromium; Playwright never downloads a browser), for the whole
module. For each notebook of WIDGETS, in a window of 1400 x 1000:

1. Opened as stored, before anything runs: every widget the notebook stored
   shows as a widget (with its picture), none as its text repr
   (`TaskExplorer(children=...`), which is what an untrusted notebook shows.
2. Edit > Clear Outputs of All Cells, then Run > Run All Cells; wait until
   every code cell has run and the kernel is idle. No cell may show an error
   (an error output, or a traceback on stderr) and no widget its text repr.
3. One control of every widget listed for it is moved with the keyboard, and
   the widget's picture (its ipywidgets Image) must change: a new src, and
   other pixels on the screen.
4. The browser console must have logged no error meanwhile.

The widgets are found by their CSS class (`add_class`) where they have one,
else as the widget an output shows that holds the named control; nothing
depends on cell numbers.

Skipped, saying what to install, when /usr/bin/chromium is missing or
playwright cannot be imported; any other problem fails, naming the notebook
and the widget. Everything the run writes (Jupyter config, runtime, data and
settings dirs, IPython dir, the copied notebooks, screenshots) stays under
pytest's temporary directory. Set RMC_BROWSER_SCREENSHOT to a path to also
copy the screenshot of 07's attention explorer cell there: the README's
picture is made with
`RMC_BROWSER_SCREENSHOT=notebooks/images/attention_explorer.png python3 run.py test -m browser`.
"""

import importlib.util
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
VIEWPORT = {"width": 1400, "height": 1000}


@dataclass(frozen=True)
class Widget:
    """A widget to find in a notebook and the slider to move on it."""
    name: str                 # for messages
    css_class: str | None     # the class its box carries (add_class); None: it has none
                              # (without it, or where it is missing, the widget is the one an
                              # output shows that holds the control)
    control: str              # the `description` of the slider to move


WIDGETS = {
    "01_attention.ipynb": [Widget("attention row explorer", "rmc-row-explorer", "head")],
    "02_gating.ipynb": [Widget("bias widget", "rmc-bias-explorer", "forget_bias")],
    "03_relational_memory.ipynb": [Widget("trace attention explorer", "rmc-attention-explorer", "step")],
    "07_explore.ipynb": [Widget("task explorer", "rmc-task-explorer", "problem"),
                         Widget("attention explorer", "rmc-attention-explorer", "step"),
                         Widget("memory and gates explorer", "rmc-memory-explorer", "step")],
}
# the widget whose cell RMC_BROWSER_SCREENSHOT receives (the README's picture)
SCREENSHOT_OF = ("07_explore.ipynb", "attention explorer")

SERVER_START_TIMEOUT = 90       # seconds until JupyterLab answers
RUN_ALL_TIMEOUT = 300           # seconds for all cells of one notebook (the machine may be busy)
UI_TIMEOUT_MS = 60_000          # JupyterLab loading, menus, the kernel starting, stored widgets
WIDGET_TIMEOUT_MS = 30_000      # a widget reacting to its control
IDLE_TIMEOUT = 60               # seconds for the kernel to be idle after the last cell

# JupyterLab user settings for the test's server: no news/update popups (no
# requests to the web), and every cell attached to the DOM so that a
# selector finds them all, whatever is scrolled into view.
LAB_SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings":
        {"fetchNews": "false", "checkForUpdates": False},
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings":
        {"windowingMode": "none"},
}

# the text repr a widget shows where it cannot be rendered: `TaskExplorer(children=(HBox(...`
RAW_REPR = r"\b[A-Za-z_]\w*\(children=\("
ERROR_MIME = "application/vnd.jupyter.error"
STDERR_MIME = "application/vnd.jupyter.stderr"
PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden)"      # the notebook on show

pytestmark = pytest.mark.browser


def require_browser():
    """Skip, saying what to install, unless chromium and playwright are here."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium with `apt-get install chromium` "
                    "as root (`python3 run.py test` installs it automatically when run as root)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError as error:
        pytest.skip(f"playwright cannot be imported ({error}): install it with "
                    "`python3 run.py setup` (it is in rmc_lib's dev extras) or "
                    "`.venv/bin/python -m pip install -e '.[dev]'`")


def wait_or_fail(wait, message):
    """Run a Playwright wait and return its result; if it times out, fail with
    `message` (not the Playwright trace)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        return wait()
    except PlaywrightTimeout:
        pass
    pytest.fail(message)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def api(url, method="GET", body=None):
    """A request to the Jupyter REST API (`body`: JSON bytes); returns the decoded JSON (or None).

    Requests that change something carry the same XSRF token as cookie and
    header, which is what the server checks even without authentication.
    """
    xsrf = secrets.token_hex(16)
    request = urllib.request.Request(url, method=method, data=body,
                                     headers={"Cookie": f"_xsrf={xsrf}", "X-XSRFToken": xsrf,
                                              "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        body = response.read()
    return json.loads(body) if body else None


def child_pids(pid):
    """The processes whose parent is `pid` (Linux /proc; empty elsewhere)."""
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            children.append(int(stat.parent.name))
    return children


def pid_alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def load_run_py():
    """run.py as a module, to trust the copies exactly as `python3 run.py lab` does."""
    spec = importlib.util.spec_from_file_location("run_py", ROOT / "run.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class Lab:
    def __init__(self, url, process, log_path, notebooks):
        self.url, self.process, self.log_path, self.notebooks = url, process, log_path, notebooks

    def log(self):
        return self.log_path.read_text(errors="replace")[-4000:]

    def kernels(self):
        return api(f"{self.url}/api/kernels")

    def kernel_state(self, notebook):
        """The execution state the server has for the kernel of the notebook's session."""
        for session in api(f"{self.url}/api/sessions"):
            if session["path"] == notebook:
                return session["kernel"]["execution_state"]
        return "no session"

    def wait_idle(self, notebook):
        deadline = time.monotonic() + IDLE_TIMEOUT
        while (state := self.kernel_state(notebook)) != "idle":
            if time.monotonic() > deadline:
                pytest.fail(f"the kernel of {notebook} is not idle {IDLE_TIMEOUT} s after all its cells ran: "
                            f"it is {state}")
            time.sleep(0.2)

    def start_kernels(self, notebooks):
        """Start a kernel for each notebook now (a session, as JupyterLab makes one),
        so that kernels start while the browser works; JupyterLab opening the
        notebook connects to it."""
        for notebook in notebooks:
            body = json.dumps({"path": notebook, "name": notebook, "type": "notebook",
                               "kernel": {"name": "python3"}}).encode()
            api(f"{self.url}/api/sessions", method="POST", body=body)

    def shut_down(self, notebook):
        """End the notebook's session and its kernel, so that kernels do not pile up."""
        for session in api(f"{self.url}/api/sessions"):
            if session["path"] == notebook:
                api(f"{self.url}/api/sessions/{session['id']}", method="DELETE")


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A JupyterLab server on a trusted copy of notebooks/, shut down (with its kernels) afterwards."""
    require_browser()
    tmp_path = tmp_path_factory.mktemp("lab")
    notebooks = tmp_path / "notebooks"
    shutil.copytree(ROOT / "notebooks", notebooks,
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    # the notebooks read trained runs from ../data: let the copy see the real data/ (read only)
    (tmp_path / "data").symlink_to(ROOT / "data", target_is_directory=True)
    home = tmp_path / "jupyter"
    settings = home / "lab-settings"
    for name, values in LAB_SETTINGS.items():
        (settings / name).parent.mkdir(parents=True, exist_ok=True)
        (settings / name).write_text(json.dumps(values))
    env = dict(os.environ,
               JUPYTER_CONFIG_DIR=str(home / "config"),
               JUPYTER_RUNTIME_DIR=str(home / "runtime"),
               JUPYTER_DATA_DIR=str(home / "data"),      # where the trust signatures are kept
               JUPYTERLAB_SETTINGS_DIR=str(settings),
               JUPYTERLAB_WORKSPACES_DIR=str(home / "workspaces"),
               IPYTHONDIR=str(tmp_path / "ipython"),
               PYTHONDONTWRITEBYTECODE="1")
    load_run_py().trust_notebooks(sys.executable, notebooks, env=env)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-m", "jupyter", "lab", "--no-browser",
               "--ServerApp.open_browser=False", "--ServerApp.ip=127.0.0.1",
               f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
               "--IdentityProvider.token=", "--PasswordIdentityProvider.hashed_password=",
               f"--notebook-dir={notebooks}"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")
    log_path = tmp_path / "jupyterlab.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(command, cwd=tmp_path, env=env, stdin=subprocess.DEVNULL,
                                   stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    server = Lab(url, process, log_path, notebooks)
    kernel_pids = set()
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while True:
            if process.poll() is not None:
                pytest.fail(f"JupyterLab exited with code {process.returncode} before answering; "
                            f"its log ({log_path}):\n{server.log()}")
            try:
                api(f"{url}/api/status")
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"JupyterLab did not answer on {url} within {SERVER_START_TIMEOUT} s; "
                            f"its log ({log_path}):\n{server.log()}")
            time.sleep(0.25)
        server.start_kernels(sorted(WIDGETS))
        yield server
    finally:
        # Shut the kernels down through the API, then the server (SIGTERM lets it
        # clean up); anything it started that is still there is killed by its pid.
        if process.poll() is None:
            kernel_pids.update(child_pids(process.pid))
            try:
                for kernel in server.kernels():
                    api(f"{url}/api/kernels/{kernel['id']}", method="DELETE")
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
                pass
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
        for pid in kernel_pids:
            if pid_alive(pid):
                os.kill(pid, signal.SIGKILL)


@pytest.fixture(scope="module")
def browser(lab):
    """One headless chromium for the module (Debian's; Playwright downloads nothing)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(browser, lab, notebook):
    """A fresh browser page (its own context) for one notebook; it collects the
    console's errors in `page.console_errors`. Afterwards the notebook's
    session and kernel are shut down."""
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    page.set_default_timeout(UI_TIMEOUT_MS)
    page.console_errors = []
    page.on("console", lambda m: m.type == "error" and page.console_errors.append(m.text))
    page.on("pageerror", lambda e: page.console_errors.append(str(e)))
    try:
        yield page
    finally:
        context.close()
        try:
            lab.shut_down(notebook)
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
            pass


def stored_widget_cells(path):
    """The indices of the code cells whose stored outputs show a widget."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    code = [cell for cell in cells if cell["cell_type"] == "code"]
    return [index for index, cell in enumerate(code)
            if any("application/vnd.jupyter.widget-view+json" in output.get("data", {})
                   for output in cell.get("outputs", []))]


# What the code cells of the notebook on show hold, read in the page: for each
# code cell, its first line of code (not a comment), whether it has code, its prompt, how
# many widgets its outputs show (and how many of their pictures are loaded),
# its errors (JupyterLab shows a cell's exception as stderr: so stderr with a
# traceback or an error's name, or the error mime type), widget raw reprs
# (what JupyterLab shows of a widget in an untrusted notebook) and widget
# errors (what it shows when a widget's model is missing).
CELLS_JS = f"""() => [...document.querySelectorAll('{PANEL} .jp-Notebook .jp-CodeCell')].map(cell => {{
    const code = (cell.querySelector('.jp-InputArea-editor .cm-content')?.innerText || '').trim();
    const outputs = [...cell.querySelectorAll('.jp-OutputArea-output')];
    const widgets = outputs.map(o => o.querySelector(':scope > .jupyter-widgets')).filter(w => w);
    const text = o => (o.innerText || '').trim();
    return {{
        first_line: (code.split('\\n').find(line => line.trim() && !line.trim().startsWith('#'))
                     || code.split('\\n')[0]).slice(0, 100),
        has_code: code.length > 0,
        prompt: (cell.querySelector('.jp-InputArea-prompt')?.textContent || '').trim(),
        widgets: widgets.length,
        loaded_pictures: widgets.filter(w => [...w.querySelectorAll('img.widget-image')]
            .every(img => img.complete && img.naturalWidth > 0)).length,
        errors: outputs.filter(o => o.getAttribute('data-mime-type') === '{ERROR_MIME}'
                                    || (o.getAttribute('data-mime-type') === '{STDERR_MIME}'
                                        && /Traceback|\\w+(Error|Exception)\\b/.test(o.innerText))).map(text),
        raw_reprs: outputs.filter(o => !o.querySelector('.jupyter-widgets')
                                       && new RegExp({json.dumps(RAW_REPR)}).test(o.innerText)).map(text),
        widget_errors: outputs.filter(o => /^Error displaying widget/.test(text(o))).map(text),
    }};
}})"""


def cells(page):
    return page.evaluate(CELLS_JS)


def describe(index, cell):
    return f"code cell {index} (`{cell['first_line']}`)"


def open_notebook(page, lab, notebook, navigate=True):
    """Open `notebook` in a fresh workspace (navigate=False: the page already
    shows it) and wait for its cells and a connected, idle kernel."""
    if navigate:
        page.goto(f"{lab.url}/lab/tree/{notebook}?reset")
    wait_or_fail(lambda: page.wait_for_selector(f"{PANEL} .jp-Notebook .jp-CodeCell", state="attached"),
                 f"JupyterLab did not show the cells of {notebook} within {UI_TIMEOUT_MS / 1000:.0f} s")
    # the kernel must be connected before cells are sent, or Run All sends them nowhere
    wait_or_fail(lambda: page.wait_for_function("""() => [...document.querySelectorAll('.jp-StatusBar-TextItem')]
        .some(item => /\\| Idle$/.test(item.textContent.trim()))"""),
                 f"the kernel of {notebook} did not start and connect within {UI_TIMEOUT_MS / 1000:.0f} s")


def stored_widgets_shown(page, expected):
    """Wait until each code cell in `expected` shows a widget with its picture
    loaded, or until a widget shows as text or an error, or UI_TIMEOUT_MS;
    returns (the cells, the missing ones, raw reprs, widget errors)."""
    deadline = time.monotonic() + UI_TIMEOUT_MS / 1000
    while True:
        shown = cells(page)
        missing = [index for index in expected
                   if index >= len(shown) or shown[index]["widgets"] == 0
                   or shown[index]["loaded_pictures"] < shown[index]["widgets"]]
        raw = [f"{describe(index, cell)}: {text[:80]}" for index, cell in enumerate(shown)
               for text in cell["raw_reprs"]]
        errors = [f"{describe(index, cell)}: {text[:80]}" for index, cell in enumerate(shown)
                  for text in cell["widget_errors"]]
        if not missing or raw or errors or time.monotonic() > deadline:
            return shown, missing, raw, errors
        time.sleep(0.25)


def check_stored_widgets_show(page, lab, notebook):
    """Before anything runs, each cell that stored a widget shows it as a widget
    with its picture loaded, not as text: the notebook copy is trusted."""
    expected = stored_widget_cells(lab.notebooks / notebook)
    assert expected, f"{notebook} stores no widget output: re-execute it with `python3 run.py execute`"
    shown, missing, raw, errors = stored_widgets_shown(page, expected)
    if errors and not raw:
        # jupyterlab_widgets restores a notebook's stored widgets after asking the
        # kernel for its own; if the kernel's connection comes up while that is under
        # way, outputs drawn meanwhile say "model not found" for good. A reload, with
        # the kernel already connected, tells that race from a model really missing.
        print(f"{notebook}: stored widgets not found ({'; '.join(errors)}); reloading the page once")
        page.reload()
        # what the console said of that race, and only that, is forgiven if the reload shows the widgets
        page.console_errors[:] = [e for e in page.console_errors if "widget model not found" not in e]
        open_notebook(page, lab, notebook, navigate=False)
        shown, missing, raw, errors = stored_widgets_shown(page, expected)
    problems = ([f"{line} (its text repr: is the notebook trusted?)" for line in raw]
                + [f"{line} (is the widget state stored? `python3 run.py execute` stores it)" for line in errors]
                + [f"{describe(index, shown[index])} shows no widget with its picture within "
                   f"{UI_TIMEOUT_MS / 1000:.0f} s" for index in missing if index < len(shown) and not
                   shown[index]["raw_reprs"] + shown[index]["widget_errors"]])
    assert not problems, (f"{notebook} opened as stored (trusted, not run) does not show its stored widgets:\n"
                          + "\n".join(problems))


def menu(page, name, command):
    page.locator(".lm-MenuBar-item", has_text=re.compile(f"^{name}$")).click()
    page.locator(f".lm-Menu-item[data-command='{command}']").click()


def run_all_cells(page, lab, notebook):
    """Clear every output, then Run > Run All Cells; wait until every code cell
    has run and the kernel is idle. Fails on an error output, a traceback on
    stderr or a widget's text repr, naming the cell."""
    # The saved notebook already has execution counts and (stored) widget views:
    # clear them first, so that what we wait for afterwards is this run.
    page.locator(f"{PANEL} .jp-Notebook").click(position={"x": 5, "y": 5})
    menu(page, "Edit", "editmenu:clear-all")            # Edit > Clear Outputs of All Cells
    wait_or_fail(lambda: page.wait_for_function(f"""() => [...document.querySelectorAll(
            '{PANEL} .jp-Notebook .jp-CodeCell')].every(cell =>
            !/\\d/.test(cell.querySelector('.jp-InputArea-prompt').textContent)
            && cell.querySelectorAll('.jp-OutputArea-output').length === 0)"""),
                 f"Edit > Clear Outputs of All Cells did not clear the outputs of {notebook}")
    menu(page, "Run", "runmenu:run-all")                # Run > Run All Cells
    state = wait_or_fail(lambda: page.wait_for_function(f"""() => {{
            const cells = ({CELLS_JS})();
            if (cells.some(c => c.errors.length > 0)) return 'error';
            return cells.filter(c => c.has_code).every(c => /^\\[\\d+\\]:$/.test(c.prompt)) && 'done';
        }}""", timeout=RUN_ALL_TIMEOUT * 1000).json_value(),
                         f"the cells of {notebook} did not all run (each with an execution count) "
                         f"within {RUN_ALL_TIMEOUT} s")
    if state == "done":
        lab.wait_idle(notebook)
        wait_or_fail(lambda: page.wait_for_selector(f"{PANEL} .jp-Notebook-ExecutionIndicator[data-status='idle']",
                                                    state="attached"),
                     f"JupyterLab does not show the kernel of {notebook} idle after all its cells ran")
    problems = []
    for index, cell in enumerate(cells(page)):
        problems += [f"{describe(index, cell)} raised an error (or wrote one on stderr):\n{text}"
                     for text in cell["errors"]]
        problems += [f"{describe(index, cell)} shows a widget as text, not as a widget: {text[:120]}"
                     for text in cell["raw_reprs"]]
        problems += [f"{describe(index, cell)} shows no widget but: {text[:120]}" for text in cell["widget_errors"]]
    assert not problems, f"after Run All in {notebook}:\n" + "\n".join(problems)


def find_widgets(page, notebook, widget):
    """The widgets of kind `widget` on show: the boxes with its CSS class, or,
    if none has it, the widgets that outputs show which hold its control."""
    control = page.locator(".widget-label", has_text=re.compile(f"^{re.escape(widget.control)}$"))
    found = page.locator(f"{PANEL} .jupyter-widgets.{widget.css_class}") if widget.css_class else None
    if found is None or found.count() == 0:
        if widget.css_class:
            print(f"{notebook}: no .{widget.css_class}; the {widget.name} is the widget with a slider "
                  f"'{widget.control}'")
        found = page.locator(f"{PANEL} .jp-OutputArea-output > .jupyter-widgets").filter(
            has=page.locator(".widget-slider").filter(has=control))
    assert found.count() > 0, (f"{notebook}: no {widget.name} after Run All (no .{widget.css_class}, and no "
                               f"widget with a slider '{widget.control}')")
    return [found.nth(i) for i in range(found.count())], control


def move_and_check(page, notebook, widget, box, control, label):
    """Move the widget's slider one step with the keyboard; its picture must change."""
    what = f"{notebook}, {label}"
    sliders = box.locator(".widget-slider").filter(has=control)
    assert sliders.count() == 1, f"{what}: expected one slider '{widget.control}', found {sliders.count()}"
    figure = box.locator("img.widget-image")
    assert figure.count() >= 1, f"{what}: no picture (an <img> of an ipywidgets Image) in the widget"
    figure = figure.first
    box.scroll_into_view_if_needed()
    wait_or_fail(lambda: page.wait_for_function("img => img.complete && img.naturalWidth > 0",
                                                arg=figure.element_handle(), timeout=WIDGET_TIMEOUT_MS),
                 f"{what}: its picture did not load within {WIDGET_TIMEOUT_MS / 1000:.0f} s")
    handle = sliders.locator(".noUi-handle")
    value, maximum = (float(handle.get_attribute(a)) for a in ("aria-valuenow", "aria-valuemax"))
    before_src = figure.get_attribute("src")
    before_png = figure.screenshot()
    key = "ArrowRight" if value < maximum else "ArrowLeft"    # back, if it is at its end
    handle.focus()
    started = time.monotonic()
    page.keyboard.press(key)
    wait_or_fail(lambda: page.wait_for_function(
                     "([handle, old]) => parseFloat(handle.getAttribute('aria-valuenow')) !== old",
                     arg=[handle.element_handle(), value], timeout=WIDGET_TIMEOUT_MS),
                 f"{what}: pressing {key} on its slider '{widget.control}' did not move it from {value:g} "
                 f"within {WIDGET_TIMEOUT_MS / 1000:.0f} s")
    moved_to = float(handle.get_attribute("aria-valuenow"))
    wait_or_fail(lambda: page.wait_for_function(
                     "([img, old]) => img.complete && img.naturalWidth > 0 && img.getAttribute('src') !== old",
                     arg=[figure.element_handle(), before_src], timeout=WIDGET_TIMEOUT_MS),
                 f"{what}: its picture did not change within {WIDGET_TIMEOUT_MS / 1000:.0f} s after its "
                 f"slider '{widget.control}' moved from {value:g} to {moved_to:g}")
    seconds = time.monotonic() - started
    assert figure.screenshot() != before_png, (f"{what}: its picture has a new src after '{widget.control}' "
                                               f"moved from {value:g} to {moved_to:g}, but the same pixels")
    print(f"{what}: '{widget.control}' {value:g} -> {moved_to:g}, new picture in {seconds:.2f} s")


def save_screenshots(page, box, tmp_path):
    """The page and the widget's notebook cell (code and widget); the cell's is
    copied to RMC_BROWSER_SCREENSHOT if that is set."""
    box.scroll_into_view_if_needed()
    page.screenshot(path=tmp_path / "explorer.png")
    cell = box.locator("xpath=ancestor::div[contains(concat(' ', normalize-space(@class), ' '), ' jp-Cell ')][1]")
    cell_screenshot = tmp_path / "explorer_cell.png"
    cell.screenshot(path=cell_screenshot)
    print(f"screenshots: {tmp_path / 'explorer.png'}, {cell_screenshot}")
    copy_to = os.environ.get("RMC_BROWSER_SCREENSHOT")
    if copy_to:
        shutil.copyfile(cell_screenshot, copy_to)
        print(f"screenshot of the explorer's cell copied to {copy_to}")


@pytest.mark.parametrize("notebook", sorted(WIDGETS), ids=[name.removesuffix(".ipynb") for name in sorted(WIDGETS)])
def test_widgets_show_run_and_redraw(lab, page, notebook, tmp_path):
    started = last = time.monotonic()
    phases = []

    def phase(name):                          # how long each part took, for the report below
        nonlocal last
        now = time.monotonic()
        phases.append(f"{name} {now - last:.1f} s")
        last = now

    try:
        open_notebook(page, lab, notebook)
        phase("open")
        check_stored_widgets_show(page, lab, notebook)
        phase("stored widgets")
        run_all_cells(page, lab, notebook)
        phase("run all")
        for widget in WIDGETS[notebook]:
            boxes, control = find_widgets(page, notebook, widget)
            for number, box in enumerate(boxes):
                label = widget.name if len(boxes) == 1 else f"{widget.name} {number + 1} of {len(boxes)}"
                move_and_check(page, notebook, widget, box, control, label)
                if (notebook, widget.name) == SCREENSHOT_OF and number == 0:
                    save_screenshots(page, box, tmp_path)
        assert not page.console_errors, (f"{notebook}: the browser console logged errors:\n"
                                         + "\n".join(page.console_errors[-10:]))
        phase("widgets moved")
        print(f"{notebook}: {time.monotonic() - started:.1f} s in the browser ({', '.join(phases)})")
    except BaseException as error:
        if not isinstance(error, pytest.skip.Exception):
            failure = tmp_path / "failure.png"
            try:
                page.screenshot(path=failure)
                error.add_note(f"screenshot of the page: {failure}")
            except Exception:
                pass
            error.add_note(f"JupyterLab log: {lab.log_path}")
            if page.console_errors:
                error.add_note("browser console errors:\n" + "\n".join(page.console_errors[-10:]))
        raise
