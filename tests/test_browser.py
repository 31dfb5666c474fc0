"""The notebooks' widgets in a real browser: JupyterLab driven by Playwright.

Starts JupyterLab (no token, no password, 127.0.0.1, a free port) on a
temporary copy of notebooks/, opens NOTEBOOK in Debian's chromium
(/usr/bin/chromium, headless; Playwright never downloads a browser), clears
its outputs, runs all cells, moves the attention explorer's slider with the
keyboard and checks that the widget's readout and its figure change.

Skipped, saying what to install, when /usr/bin/chromium is missing or
playwright cannot be imported; any other problem fails. Everything the run
writes (Jupyter config, runtime, data and settings dirs, IPython dir, the
copied notebooks, screenshots) stays under pytest's tmp_path. Set
RMC_BROWSER_SCREENSHOT to a path to also copy the screenshot of the
explorer's cell there: the README's picture is made with
`RMC_BROWSER_SCREENSHOT=notebooks/images/attention_explorer.png python3 run.py test -m browser`.
"""

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
from pathlib import Path

import pytest

# The notebook and the slider to move (the IntSlider's `description`).
NOTEBOOK = os.environ.get("RMC_BROWSER_NOTEBOOK", "07_explore.ipynb")
SLIDER_DESCRIPTION = "step"
# The CSS class of the explorer's box, if the widget sets one (add_class); without
# it the explorer is the innermost VBox around the only slider so described.
EXPLORER_CLASS = "rmc-attention-explorer"

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]

SERVER_START_TIMEOUT = 90       # seconds until JupyterLab answers
RUN_ALL_TIMEOUT = 300           # seconds for all cells (the machine may be busy)
UI_TIMEOUT_MS = 60_000          # JupyterLab loading, menus, the kernel starting
WIDGET_TIMEOUT_MS = 30_000      # the widget reacting to the slider

# JupyterLab user settings for the test's server: no news/update popups (no
# requests to the web), and every cell attached to the DOM so that a
# selector finds them all, whatever is scrolled into view.
LAB_SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings":
        {"fetchNews": "false", "checkForUpdates": False},
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings":
        {"windowingMode": "none"},
}

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
    """Run a Playwright wait; if it times out, fail with `message` (not the Playwright trace)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        wait()
        return
    except PlaywrightTimeout:
        pass
    pytest.fail(message)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def api(url, method="GET"):
    """A request to the Jupyter REST API; returns the decoded JSON (or None).

    Requests that change something carry the same XSRF token as cookie and
    header, which is what the server checks even without authentication.
    """
    xsrf = secrets.token_hex(16)
    request = urllib.request.Request(url, method=method,
                                     headers={"Cookie": f"_xsrf={xsrf}", "X-XSRFToken": xsrf})
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


class Lab:
    def __init__(self, url, process, log_path):
        self.url, self.process, self.log_path = url, process, log_path

    def log(self):
        return self.log_path.read_text(errors="replace")[-4000:]

    def kernels(self):
        return api(f"{self.url}/api/kernels")


@pytest.fixture
def lab(tmp_path):
    """A JupyterLab server on a copy of notebooks/, shut down (with its kernels) afterwards."""
    require_browser()
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
               JUPYTER_DATA_DIR=str(home / "data"),
               JUPYTERLAB_SETTINGS_DIR=str(settings),
               JUPYTERLAB_WORKSPACES_DIR=str(home / "workspaces"),
               IPYTHONDIR=str(tmp_path / "ipython"),
               PYTHONDONTWRITEBYTECODE="1")
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
    server = Lab(url, process, log_path)
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


@pytest.fixture
def page(lab, tmp_path):
    """A chromium page (Debian's /usr/bin/chromium, headless), closed afterwards.

    If the test fails, a screenshot of the page is saved to tmp_path/failure.png.
    """
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                             args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1400, "height": 1000})
            page = context.new_page()
            page.set_default_timeout(UI_TIMEOUT_MS)
            page.console_errors = []
            page.on("console", lambda m: m.type == "error" and page.console_errors.append(m.text))
            page.on("pageerror", lambda e: page.console_errors.append(str(e)))
            yield page
        finally:
            browser.close()


def run_all_cells(page, lab):
    """Clear every output, then Run > Run All Cells; wait until every code cell
    has an execution count and the kernel is idle. Fails on an error output."""
    wait_or_fail(lambda: page.wait_for_selector(".jp-NotebookPanel .jp-Notebook .jp-CodeCell", state="attached"),
                 f"JupyterLab did not show the cells of {NOTEBOOK} within {UI_TIMEOUT_MS / 1000:.0f} s")
    wait_or_fail(lambda: page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']",
                                                state="attached"),
                 f"the kernel of {NOTEBOOK} was not idle within {UI_TIMEOUT_MS / 1000:.0f} s")

    # the kernel must be connected before cells are sent, or Run All sends them nowhere
    wait_or_fail(lambda: page.wait_for_function("""() => [...document.querySelectorAll('.jp-StatusBar-TextItem')]
        .some(item => /\\| Idle$/.test(item.textContent.trim()))"""),
                 f"the kernel of {NOTEBOOK} did not connect within {UI_TIMEOUT_MS / 1000:.0f} s")

    def menu(name, command):
        page.locator(".lm-MenuBar-item", has_text=re.compile(f"^{name}$")).click()
        page.locator(f".lm-Menu-item[data-command='{command}']").click()

    # The saved notebook already has execution counts and (stored) widget views:
    # clear them first, so that what we wait for afterwards is this run.
    page.locator(".jp-NotebookPanel .jp-Notebook").click(position={"x": 5, "y": 5})
    menu("Edit", "editmenu:clear-all")            # Edit > Clear Outputs of All Cells
    page.wait_for_function("""() => [...document.querySelectorAll('.jp-Notebook .jp-CodeCell .jp-InputArea-prompt')]
        .every(p => !/\\d/.test(p.textContent))""")
    menu("Run", "runmenu:run-all")                # Run > Run All Cells
    finished = []
    wait_or_fail(lambda: finished.append(page.wait_for_function("""() => {
        if (document.querySelector('.jp-Notebook [data-mime-type="application/vnd.jupyter.error"]')) return 'error';
        const prompts = [...document.querySelectorAll('.jp-Notebook .jp-CodeCell .jp-InputArea-prompt')];
        return prompts.length > 0 && prompts.every(p => /^\\[\\d+\\]:$/.test(p.textContent.trim())) && 'done';
    }""", timeout=RUN_ALL_TIMEOUT * 1000).json_value()),
                 f"the cells of {NOTEBOOK} did not all run (each with an execution count) within {RUN_ALL_TIMEOUT} s")
    state = finished[0]
    if state == "error":
        error = page.locator('.jp-Notebook [data-mime-type="application/vnd.jupyter.error"]').first
        pytest.fail(f"a cell of {NOTEBOOK} raised an error in JupyterLab:\n{error.inner_text()}")
    deadline = time.monotonic() + 60
    while any(k["execution_state"] != "idle" for k in lab.kernels()):
        assert time.monotonic() < deadline, f"the kernel is still busy after all cells ran: {lab.kernels()}"
        time.sleep(0.2)


def test_explorer_slider_redraws_the_heatmap(lab, page, tmp_path):
    screenshot = tmp_path / "explorer.png"
    try:
        page.goto(f"{lab.url}/lab/tree/{NOTEBOOK}")
        run_all_cells(page, lab)

        # The slider is the IntSlider whose description label reads SLIDER_DESCRIPTION,
        # inside the box with class EXPLORER_CLASS if there is one, else the only such
        # slider, whose innermost enclosing VBox is the explorer. The figure is the
        # explorer's ipywidgets.Image (an <img class="widget-image">).
        label = page.locator(".widget-label", has_text=re.compile(f"^{re.escape(SLIDER_DESCRIPTION)}$"))
        sliders = page.locator(".widget-slider").filter(has=label)
        wait_or_fail(lambda: sliders.first.wait_for(state="visible", timeout=WIDGET_TIMEOUT_MS),
                     f"no slider described '{SLIDER_DESCRIPTION}' appeared in {NOTEBOOK} within "
                     f"{WIDGET_TIMEOUT_MS / 1000:.0f} s after all cells ran")
        hooked = page.locator(f".jupyter-widgets.{EXPLORER_CLASS}")
        if hooked.count() > 0:
            explorer = hooked.first
            slider = explorer.locator(".widget-slider").filter(has=label)
            where = f"the first .{EXPLORER_CLASS} of {NOTEBOOK}"
        else:
            explorer = page.locator(".widget-vbox").filter(has=sliders).last
            slider = sliders
            where = f"{NOTEBOOK} (no .{EXPLORER_CLASS} in it)"
        assert slider.count() == 1, (f"expected one slider described '{SLIDER_DESCRIPTION}' in {where}, "
                                     f"found {slider.count()}")
        print(f"moving the '{SLIDER_DESCRIPTION}' slider of {where}")
        figure = explorer.locator("img.widget-image").first
        wait_or_fail(lambda: figure.wait_for(state="visible", timeout=WIDGET_TIMEOUT_MS),
                     f"the widget around the '{SLIDER_DESCRIPTION}' slider shows no figure (an <img> of "
                     f"its Image widget) within {WIDGET_TIMEOUT_MS / 1000:.0f} s")
        explorer.scroll_into_view_if_needed()

        handle = slider.locator(".noUi-handle")
        readout = slider.locator(".widget-readout")
        value, maximum = (round(float(handle.get_attribute(a))) for a in ("aria-valuenow", "aria-valuemax"))
        before_text = readout.inner_text().strip()
        before_src = figure.get_attribute("src")
        before_png = figure.screenshot()
        assert before_text == str(value), f"the readout shows {before_text!r}, the handle says {value}"

        # Move it one step with the keyboard (back, if it is at its end).
        key, expected = ("ArrowRight", value + 1) if value < maximum else ("ArrowLeft", value - 1)
        handle.focus()
        page.keyboard.press(key)
        wait_or_fail(lambda: page.wait_for_function(
                         "([el, want]) => el.textContent.trim() === want",
                         arg=[readout.element_handle(), str(expected)], timeout=WIDGET_TIMEOUT_MS),
                     f"pressing {key} on the '{SLIDER_DESCRIPTION}' slider did not move it from {value} "
                     f"to {expected} within {WIDGET_TIMEOUT_MS / 1000:.0f} s")
        wait_or_fail(lambda: page.wait_for_function(
                         "([box, old]) => { const img = box.querySelector('img.widget-image');"
                         "                  return img !== null && img.complete && img.getAttribute('src') !== old; }",
                         arg=[explorer.element_handle(), before_src], timeout=WIDGET_TIMEOUT_MS),
                     f"the explorer's figure did not change within {WIDGET_TIMEOUT_MS / 1000:.0f} s "
                     f"after the '{SLIDER_DESCRIPTION}' slider moved from {value} to {expected}")
        after_png = figure.screenshot()
        assert after_png != before_png, "the explorer's figure has a new src but renders the same pixels"

        explorer.scroll_into_view_if_needed()
        page.screenshot(path=screenshot)
        print(f"screenshot of the explorer after moving '{SLIDER_DESCRIPTION}' to {expected}: {screenshot}")
        # the notebook cell that holds the explorer: its code and the widget
        cell = explorer.locator("xpath=ancestor::div[contains(concat(' ', normalize-space(@class), ' '), ' jp-Cell ')][1]")
        cell_screenshot = tmp_path / "explorer_cell.png"
        cell.screenshot(path=cell_screenshot)
        copy_to = os.environ.get("RMC_BROWSER_SCREENSHOT")
        if copy_to:
            shutil.copyfile(cell_screenshot, copy_to)
            print(f"screenshot of the explorer's cell copied to {copy_to}")
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
