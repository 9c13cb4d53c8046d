"""A real headless browser (Debian's chromium) opens the report from file:// with networking disabled.

The report carries XSS payloads that would mark the page (`data-pwned`) and fetch a local canary
server if they ran. Chromium dumps the DOM after loading and takes a screenshot; its network log
must show no request but the file itself, and the canary must stay silent. A control page with the
same payloads and no protection proves the detectors work. In CI a missing browser is a failure.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from test_report_outputs import synthetic_report

from dataqa.core.models import Finding, Location, Severity

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


# --- layout: a phone and a desktop ---------------------------------------------------------------------

HARNESS = """<!doctype html><html><head><meta charset="utf-8"></head><body style="margin:0">
<iframe id="page" style="border:0;width:%(width)dpx;height:%(height)dpx" srcdoc="%(doc)s"></iframe>
<script>
document.getElementById('page').addEventListener('load', () => {
  const win = document.getElementById('page').contentWindow, doc = win.document;
  const vw = doc.documentElement.clientWidth;
  const wide = [];
  for (const el of doc.querySelectorAll('body *')) {
    let r = el.getBoundingClientRect();
    const svg = el.closest('svg');
    if (svg && svg !== el && win.getComputedStyle(svg).overflow !== 'visible') {
      const box = svg.getBoundingClientRect();  // what shows of a chart's text is inside its chart
      r = {left: Math.max(r.left, box.left), right: Math.min(r.right, box.right),
           width: r.width, height: r.height};
    }
    if ((r.width || r.height) && (r.right > vw + 0.5 || r.left < -0.5)) {
      const name = el.tagName.toLowerCase() + '.' + (el.getAttribute('class') || '');
      const text = (el.textContent || '').slice(0, 30);
      wide.push(name + ' ' + Math.round(r.left) + '..' + Math.round(r.right) + ' ' + text);
    }
  }
  const broken = [];  // words of the conditions table split over two lines
  for (const cell of doc.querySelectorAll('table.conditions td')) {
    const walker = doc.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const m of node.data.matchAll(/\\S+/g)) {
        const range = doc.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
        if (tops.size > 1) broken.push(m[0]);
      }
    }
  }
  const verdict = doc.querySelector('#verdict .word').getBoundingClientRect();
  const out = {vw, vh: win.innerHeight, scroll: doc.documentElement.scrollWidth, wide: wide.slice(0, 20),
               broken: broken.slice(0, 20), verdict: [verdict.top, verdict.bottom],
               words: doc.querySelectorAll('table.conditions td').length};
  const pre = document.createElement('pre');
  pre.id = 'measured';
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
});
</script></body></html>"""


def layout(browser: str, page_html: str, width: int, height: int, folder: Path) -> dict:
    """Lay the report out in a `width` x `height` viewport (an iframe: headless windows have a minimum
    width) and measure it from the harness page; the report itself, CSP included, runs nothing."""
    import html

    harness = folder / f"harness-{width}.html"
    harness.write_text(
        HARNESS % {"width": width, "height": height, "doc": html.escape(page_html, quote=True)},
        encoding="utf-8",
    )
    profile = tempfile.mkdtemp(prefix="dataqa-chromium-")
    try:
        done = subprocess.run(
            [
                browser,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                f"--user-data-dir={profile}",
                f"--window-size={max(width, 500) + 40},{height + 80}",
                "--virtual-time-budget=3000",
                "--dump-dom",
                harness.as_uri(),
            ],
            capture_output=True,
            timeout=180,
            check=False,
        )
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    dom = done.stdout.decode("utf-8", errors="replace")
    found = re.search(r'<pre id="measured">(.*?)</pre>', dom, re.S)
    assert found, done.stderr.decode(errors="replace")[-2000:]
    return json.loads(html.unescape(found.group(1)))


def long_report():
    """The synthetic report with what stretches a layout: a long path, an unbroken token, many notes."""
    report = synthetic_report(["x" * 300, "word " * 80, "y" * 120, "z" * 50, "label" * 30])
    report.results[0].findings[0].message = "invalid JSON near " + "{" * 200
    report.splits[0].path = "data/" + "very_long_folder_name/" * 8 + "train.jsonl"
    report.results[-3].findings.extend(
        Finding(
            "COV002",
            Severity.INFO,
            f"minority language de at line {i}",
            [Location("train", "data/t.jsonl", i)],
        )
        for i in range(40)
    )
    return report


@pytest.mark.parametrize(("width", "height"), [(420, 800), (1366, 768)])
def test_report_fits_a_phone_and_a_desktop_with_the_verdict_on_the_first_screen(
    browser, tmp_path, width, height
):
    measured = layout(browser, long_report().to_html(), width, height, tmp_path)
    assert measured["vw"] <= width
    assert measured["wide"] == [], measured  # no element wider than the viewport
    assert measured["scroll"] <= measured["vw"], measured
    assert measured["words"] >= 25 and measured["broken"] == [], measured  # conditions: no word broken
    top, bottom = measured["verdict"]
    assert top >= 0 and bottom <= measured["vh"], measured  # the verdict is seen without scrolling


def test_report_prints(browser, tmp_path):
    page = tmp_path / "report.html"
    page.write_text(long_report().to_html(), encoding="utf-8")
    pdf = tmp_path / "report.pdf"
    profile = tempfile.mkdtemp(prefix="dataqa-chromium-")
    try:
        done = subprocess.run(
            [
                browser,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                f"--user-data-dir={profile}",
                "--no-pdf-header-footer",
                f"--print-to-pdf={pdf}",
                page.as_uri(),
            ],
            capture_output=True,
            timeout=180,
            check=False,
        )
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    assert done.returncode == 0, done.stderr.decode(errors="replace")[-2000:]
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF") and data.count(b"/Type /Page") >= 2
