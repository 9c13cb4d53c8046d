"""A real headless browser (Debian's chromium) opens the report from file:// with networking disabled.

The report carries XSS payloads that would mark the page (`data-pwned`) and fetch a local canary
server if they ran. Chromium dumps the DOM after loading and takes a screenshot; its network log
must show no request but the file itself, and the canary must stay silent. A control page with the
same payloads and no protection proves the detectors work. In CI a missing browser is a failure.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from test_report_outputs import synthetic_report

CHROMIUM = next(
    (p for p in ("/usr/bin/chromium", shutil.which("chromium") or "") if p and os.path.exists(p)), None
)


@pytest.fixture(scope="module")
def browser() -> str:
    if CHROMIUM is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("chromium is not installed; .ci/run installs Debian's chromium package")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    return CHROMIUM


@pytest.fixture
def canary():
    """A local HTTP server that records every request it gets."""
    hits: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", hits
    server.shutdown()


def payloads(base: str) -> list[str]:
    return [
        "<script>document.body.setAttribute('data-pwned','script')</script>",
        "<img src=x onerror=\"document.body.setAttribute('data-pwned','img')\">",
        f'<img src="{base}/img.png"><link rel="stylesheet" href="{base}/style.css">',
        f"<style>@import url('{base}/import.css'); body {{ background: url('{base}/bg.png') }}</style>",
        f'<iframe src="{base}/frame"></iframe><script src="{base}/script.js"></script>',
        "<a href=\"javascript:document.body.setAttribute('data-pwned','link')\">click</a>"
        " </textarea> {{ 7*7 }}",
    ]


def run_chromium(browser: str, page: Path, out: Path, canary_base: str) -> tuple[str, list[str]]:
    """Load `page`; return the DOM after scripts would have run and every URL the network log saw."""
    profile = tempfile.mkdtemp(prefix="dataqa-chromium-")
    netlog = out / f"{page.stem}.netlog.json"
    flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
        "--proxy-server=http://127.0.0.1:9",  # networking off: anything not loopback goes nowhere
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
        f"--log-net-log={netlog}",
        "--virtual-time-budget=3000",
    ]
    try:
        shot = subprocess.run(
            [
                browser,
                *flags,
                "--window-size=1280,2400",
                f"--screenshot={out / (page.stem + '.png')}",
                page.as_uri(),
            ],
            capture_output=True,
            timeout=120,
            check=False,
        )
        assert shot.returncode == 0, shot.stderr.decode(errors="replace")[-2000:]
        dom = subprocess.run(
            [browser, *flags, "--dump-dom", page.as_uri()], capture_output=True, timeout=120, check=False
        )
        assert dom.returncode == 0, dom.stderr.decode(errors="replace")[-2000:]
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    return dom.stdout.decode("utf-8", errors="replace"), page_requests(netlog)


def page_requests(netlog: Path) -> list[str]:
    """URLs of requests the page started (the browser's own update and time checks say "not an origin")."""
    text = (
        netlog.read_text(encoding="utf-8", errors="replace").rstrip().rstrip(",") if netlog.exists() else ""
    )
    if not text:
        return []
    if not text.endswith("}"):  # a log cut short by the browser's exit
        text = text.rstrip(",\n ") + "]}"
    log = json.loads(text)
    names = {v: k for k, v in log["constants"]["logEventTypes"].items()}
    urls = []
    for event in log.get("events", []):
        params = event.get("params") or {}
        url = params.get("url")
        if (
            url
            and names.get(event.get("type")) == "URL_REQUEST_START_JOB"
            and params.get("initiator") != "not an origin"
        ):
            urls.append(url)
    return urls


def test_report_in_a_real_browser_runs_nothing_and_loads_nothing(browser, canary, tmp_path, monkeypatch):
    base, hits = canary
    monkeypatch.chdir(tmp_path)
    report = synthetic_report(payloads(base))
    report.results[0].findings[0].message = payloads(base)[0]
    page = tmp_path / "report.html"
    page.write_text(report.to_html(), encoding="utf-8")

    dom, urls = run_chromium(browser, page, tmp_path, base)
    assert "data-pwned" not in dom.split("</head>", 1)[-1].split(">", 1)[0]  # the <body> tag is untouched
    assert 'data-verdict="NO-GO"' in dom
    assert "&lt;script&gt;document.body.setAttribute" in dom  # shown as text
    assert hits == []
    external = [u for u in urls if not u.startswith("file:")]
    assert external == [], external
    shot = tmp_path / "report.png"
    assert shot.exists() and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000
    keep = os.environ.get("DATAQA_SCREENSHOT_DIR")
    if keep:
        shutil.copy(shot, Path(keep) / "report.png")


def test_control_page_without_protection_does_trip_the_detectors(browser, canary, tmp_path):
    """The same payloads in an unescaped page do run and fetch: the detectors above can fail."""
    base, hits = canary
    page = tmp_path / "control.html"
    page.write_text(f"<!doctype html><html><head></head><body>{''.join(payloads(base))}</body></html>")
    dom, urls = run_chromium(browser, page, tmp_path, base)
    assert "data-pwned" in dom
    assert hits, "the canary server saw no request from the unprotected page"
    assert any(u.startswith(base) for u in urls)
