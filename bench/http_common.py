"""Shared helpers of the HTTP benchmarks: a gunicorn server on a scratch database, a small
bureau to run goal reviews in, bearer tokens and a valid goal sheet.

Everything talks to 127.0.0.1 only; the server is started in its own process group and stopped
(SIGTERM, then SIGKILL) when the `gunicorn_server` block ends, even on errors or Ctrl-C.
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import requests
from werkzeug.security import generate_password_hash

from workflows import org
from workflows.demo import SAMPLE_SHEET

REPO = Path(__file__).resolve().parent.parent
GUNICORN = os.environ.get("JIXIAO_BENCH_GUNICORN", str(Path(sys.executable).parent / "gunicorn"))
PASSWORD = "bench-password"
FISCAL_YEAR = 2027
# A sheet that passes R7: the one the demo files.
GOOD_SHEET = SAMPLE_SHEET


def seed_bureau(projects: int) -> list[int]:
    """One expenditure section with its liaison cadre, the performance section with one
    perf_staff user, one unit with a filer and a leader, and `projects` projects of that unit
    (one declaration may run per project). Deploys bpmn/. Returns the project ids."""
    pw = generate_password_hash(PASSWORD)
    org.add_section("S-EDU", "教科文股", "expenditure")
    org.add_section("S-PERF", "绩效股", "performance")
    org.add_user("cadre", "x", ["section_cadre"], section_code="S-EDU", password_hash=pw)
    org.add_user("perf", "x", ["perf_staff"], section_code="S-PERF", password_hash=pw)
    org.add_unit("U1", "区教育局", "S-EDU", "cadre")
    org.add_user("filer", "x", ["unit_filer"], unit_code="U1", password_hash=pw)
    org.add_user("leader", "x", ["unit_leader"], unit_code="U1", password_hash=pw)
    from workflows.deploy import deploy_directory
    deploy_directory()
    return [org.add_project("U1", f"项目{n}", 1_000_000 + n, fiscal_year=FISCAL_YEAR).id
            for n in range(projects)]


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def gunicorn_server(database_url: str, workers: int = 1, extra_args: tuple[str, ...] = ()):
    """Run `gunicorn -w N 'webapp:create_app()'` on a free local port; yield its base URL."""
    port = free_port()
    env = {**os.environ, "DATABASE_URL": database_url,
           "JIXIAO_SECRET_KEY": secrets.token_hex(32), "PYTHONPATH": str(REPO)}
    extra = tuple(os.environ.get("JIXIAO_BENCH_GUNICORN_ARGS", "").split()) + extra_args
    cmd = [GUNICORN, "-w", str(workers), "-b", f"127.0.0.1:{port}", "--log-level", "warning",
           *extra, "webapp:create_app()"]
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryFile(prefix="jixiao-bench-gunicorn-") as log:
        proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)
        try:
            _wait_until_up(proc, base, log)
            yield base
        finally:
            _stop(proc)
            if os.environ.get("JIXIAO_BENCH_VERBOSE"):
                print(f"# gunicorn log:\n{_read(log)}")


def _read(log) -> str:
    log.seek(0)
    return log.read().decode("utf-8", "replace").strip()


def _wait_until_up(proc: subprocess.Popen, base: str, log, timeout: float = 60.0) -> None:
    """Poll until the app answers (a 401 from the API without a token is an answer)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {proc.returncode}:\n{_read(log)}")
        try:
            if requests.get(f"{base}/api/v1/tasks", timeout=5).status_code == 401:
                return
        except requests.RequestException:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"gunicorn did not answer on {base} within {timeout:.0f} s")


def _stop(proc: subprocess.Popen) -> None:
    """SIGTERM the server's process group (master and its workers), SIGKILL if it lingers."""
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=5)
    except ProcessLookupError:
        pass


def token(session: requests.Session, base: str, username: str) -> str:
    """POST /api/v1/auth/token; returns the bearer token (also set on the session)."""
    resp = session.post(f"{base}/api/v1/auth/token",
                        json={"username": username, "password": PASSWORD}, timeout=30)
    resp.raise_for_status()
    value = resp.json()["token"]
    session.headers["Authorization"] = f"Bearer {value}"
    return value


def load_note() -> str:
    """The load average, to print next to the figures."""
    one, five, _ = os.getloadavg()
    return f"load average {one:.2f} / {five:.2f} (1 / 5 min)"
