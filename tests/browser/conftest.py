"""Browser fixtures: the app served by a subprocess on its own SQLite file, headless Chromium.

The server process seeds its database itself (see live_server.py), so nothing here creates an
app or binds the session registry of the test process.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync"]
SERVER_START_TIMEOUT = 120.0  # the demo seed drives the whole cycle first
REPORT = pytest.StashKey[dict]()


def chromium_path() -> str:
    """Debian's chromium (JIXIAO_CHROMIUM overrides); fails, never skips, when it is missing."""
    path = os.environ.get("JIXIAO_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not os.access(path, os.X_OK):
        pytest.fail(f"Chromium not found at {path}: the browser tests need it. Run "
                    "`make browser-deps` (or `apt-get install -y chromium fonts-noto-cjk`); "
                    "`make test` does this first.", pytrace=False)
    return path


def _log_tail(log: Path, lines: int = 40) -> str:
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])


def _wait_until_serving(proc: subprocess.Popen, port_file: Path, log: Path) -> str:
    """Poll until the server has written its port and answers /login; the base URL."""
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"the live server exited with {proc.returncode}:\n{_log_tail(log)}")
        if port_file.exists():
            base = f"http://127.0.0.1:{port_file.read_text()}"
            try:
                with urllib.request.urlopen(f"{base}/login", timeout=2) as resp:
                    if resp.status == 200:
                        return base
            except (urllib.error.URLError, ConnectionError):
                pass
        time.sleep(0.05)
    pytest.fail(f"the live server did not answer within {SERVER_START_TIMEOUT:.0f} s:\n"
                f"{_log_tail(log)}")


def _serve(tmp_path_factory, seed: str) -> Iterator[str]:
    bundle = ROOT / "webapp" / "static" / "dist" / "app.js"
    if not bundle.exists():
        pytest.fail(f"{bundle.relative_to(ROOT)} is missing: build the front-end with "
                    "`make setup` (or `npm ci && npm run build`).", pytrace=False)
    tmp = tmp_path_factory.mktemp("live_server")
    env = {**os.environ,
           "DATABASE_URL": f"sqlite:///{tmp / 'browser.sqlite3'}",
           "JIXIAO_SECRET_KEY": "browser-test-secret-key",
           "JIXIAO_INSTANCE_DIR": str(tmp)}
    env.pop("JIXIAO_DEMO", None)
    env["JIXIAO_LIVE_SEED"] = seed
    port_file, log = tmp / "port", tmp / "server.log"
    with log.open("wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "tests.browser.live_server",
                                 str(port_file)], cwd=ROOT, env=env, stdout=out,
                                stderr=subprocess.STDOUT)
    try:
        yield _wait_until_serving(proc, port_file, log)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="module")
def live_server(tmp_path_factory) -> Iterator[str]:
    """Base URL of the app on a fresh, seeded SQLite database, CSRF on, in a subprocess."""
    yield from _serve(tmp_path_factory, "tests")


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory) -> Iterator[str]:
    """The same, seeded with the small demo bureau (every phase of the cycle)."""
    yield from _serve(tmp_path_factory, "demo")


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium, kept off the network (the machine has no internet)."""
    executable = chromium_path()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=executable, headless=True,
                                      args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Remember whether the test body failed, for the failure screenshot."""
    report = yield
    item.stash.setdefault(REPORT, {})[report.when] = report
    return report


@pytest.fixture
def page_problems() -> list[str]:
    """Uncaught script errors and failed static assets seen by `page`."""
    return []


@pytest.fixture
def page(browser, page_problems, request):
    """A fresh context and page in Simplified Chinese (the default language of the app).

    A failing test leaves a full-page screenshot in test-artifacts/screenshots/.
    """
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai",
                                  viewport={"width": 1366, "height": 900})
    context.set_default_timeout(10_000)
    failed_shot = SCREENSHOTS / f"FAILED-{request.node.name}.png"
    failed_shot.unlink(missing_ok=True)
    pg = context.new_page()
    pg.on("pageerror", lambda exc: page_problems.append(f"script error: {exc}"))
    pg.on("response", lambda resp: page_problems.append(f"{resp.status} {resp.url}")
          if "/static/" in resp.url and resp.status >= 400 else None)
    yield pg
    report = request.node.stash.get(REPORT, {}).get("call")
    if report is not None and report.failed and not pg.is_closed():
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        pg.screenshot(path=failed_shot, full_page=True)
    context.close()


@pytest.fixture
def screenshot(page):
    """screenshot('name'): the full page into test-artifacts/screenshots/name.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.evaluate("window.scrollTo(0, 0)")  # else the sticky header lands mid-picture
        page.screenshot(path=path, full_page=True)
        return path
    return take
