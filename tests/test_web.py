"""`grader serve`: a real server, its token, and the practice app driven in headless Chromium."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from grader.backends import Backend
from grader.store import Store
from grader.web import app_command, is_loopback

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
ANSWER = (
    "Deep learning is machine learning with neural networks of many layers that learn "
    "representations from raw data."
)
# Run in the page before its own script: keep everything the app sends, as text, since the
# terminal draws on a canvas that no query can read.
RECORD_SCREEN = """
window.__screen = [];
const decoder = new TextDecoder();
const Native = window.WebSocket;
window.WebSocket = class extends Native {
  constructor(...args) {
    super(...args);
    this.addEventListener("message", (event) => {
      const data = event.data;
      if (typeof data === "string") window.__screen.push(data);
      else if (data instanceof ArrayBuffer)
        window.__screen.push(decoder.decode(data, {stream: true}));
      else data.arrayBuffer().then((b) => window.__screen.push(decoder.decode(b)));
    });
  }
};
"""
ESCAPES = re.compile(r"\x1b\[[0-9;?<>=]*[A-Za-z~]|\x1b[()][A-Z0-9]|\x1b[=>]|[\x00-\x08\x0e-\x1f]")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


class Served:
    """`grader serve` started as a user would, in its own process, on a free port."""

    def __init__(self, tmp_path: Path, *args: str):
        self.port = free_port()
        env = {
            **os.environ,
            "GRADER_DATA_DIR": str(tmp_path / "data"),
            "PYTHONPATH": os.pathsep.join(sys.path),
        }
        self.log = tmp_path / "serve.log"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "grader", "serve", "--port", str(self.port), *args],
            stdout=self.log.open("w"),
            stderr=subprocess.STDOUT,
            env=env,
        )
        deadline = time.monotonic() + 30
        while "Ctrl+C" not in self.log.read_text():
            assert self.process.poll() is None, self.log.read_text()
            assert time.monotonic() < deadline, "grader serve did not start in 30 s"
            time.sleep(0.2)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=20)


@pytest.fixture
def served(tmp_path):
    started: list[Served] = []

    def start(*args: str) -> Served:
        started.append(Served(tmp_path, *args))
        return started[-1]

    yield start
    for server in started:
        server.stop()


def test_app_command_runs_this_grader_with_its_options(tmp_path):
    command = app_command(True, tmp_path, "some-model", Backend.torch)
    assert command.startswith(f"{sys.executable} -m grader interview --bank {tmp_path}")
    assert command.endswith("--model some-model --backend torch")
    assert app_command().endswith("-m grader practice")


@pytest.mark.parametrize(
    ("host", "loopback"),
    [("127.0.0.1", True), ("::1", True), ("localhost", True), ("0.0.0.0", False),
     ("192.168.1.20", False), ("interviews.example.org", False)],
)  # fmt: skip
def test_only_loopback_addresses_go_without_a_token(host, loopback):
    assert is_loopback(host) is loopback


def test_localhost_needs_no_token_and_the_page_asks_nothing_of_the_internet(served):
    server = served()
    base = f"http://127.0.0.1:{server.port}/"
    assert status(base) == 200
    with urllib.request.urlopen(base, timeout=5) as response:
        page = response.read().decode()
    assert "data-session-websocket-url" in page
    assert "googleapis" not in page and "https://" not in page


def test_another_address_requires_the_token_printed_at_start(served):
    server = served("--host", "0.0.0.0")
    printed = re.search(r"\?token=(\S+)", server.log.read_text())
    assert printed, server.log.read_text()
    base = f"http://127.0.0.1:{server.port}"
    assert status(f"{base}/") == 403
    assert status(f"{base}/?token=not-the-token") == 403
    assert status(f"{base}/static/js/textual.js") == 403
    assert status(f"{base}/?token={printed[1]}") == 200
    # The page's own files and its websocket carry the token in the cookie that URL sets.
    request = urllib.request.Request(
        f"{base}/static/js/textual.js", headers={"Cookie": f"grader_token={printed[1]}"}
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        assert response.status == 200


def test_a_port_in_use_is_a_clear_error(tmp_path):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        done = subprocess.run(
            [sys.executable, "-m", "grader", "serve", "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=60,
            env={
                **os.environ,
                "GRADER_DATA_DIR": str(tmp_path),
                "PYTHONPATH": os.pathsep.join(sys.path),
            },
        )
    assert done.returncode == 2
    assert f"cannot listen on 127.0.0.1:{port}" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.fixture
def browser(tmp_path):
    """Headless Chromium from the distribution, through its own chromedriver (no downloads)."""
    if not (CHROMIUM and CHROMEDRIVER):
        pytest.skip(
            "no chromium and chromedriver installed (apt-get install chromium chromium-driver)"
        )
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-dev-shm-usage", "--window-size=1200,900",
        f"--user-data-dir={tmp_path / 'chromium'}",
    ):  # fmt: skip
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": RECORD_SCREEN})
    yield driver
    driver.quit()


def screen_text(driver) -> str:
    return ESCAPES.sub("", "".join(driver.execute_script("return window.__screen || []")))


def wait_for(driver, pattern: str, timeout: float) -> re.Match:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = re.search(pattern, screen_text(driver))
        if found:
            return found
        time.sleep(0.3)
    raise AssertionError(
        f"{pattern!r} not on screen in {timeout} s:\n{screen_text(driver)[-3000:]}"
    )


def test_practice_in_a_browser_tab(served, browser, tmp_path):
    """Open the page, see the question list, type an answer, get a score, kept in the store."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    server = served("--backend", "torch")  # no ONNX export in the test's fresh cache
    browser.get(f"http://127.0.0.1:{server.port}/")
    wait_for(browser, r"What is deep learning\?", 60)
    keys = browser.find_element(By.CSS_SELECTOR, ".xterm-helper-textarea")
    keys.send_keys(Keys.ENTER)
    time.sleep(1.5)
    keys.send_keys(ANSWER)
    # Every key must have reached the app before the answer is submitted: on a busy machine
    # the terminal lags behind the keyboard.
    wait_for(browser, r"from raw\s+data\.", 60)
    ActionChains(browser).key_down(Keys.CONTROL).send_keys("s").key_up(Keys.CONTROL).perform()
    # Loading the model in the served app takes most of this; a busy machine, minutes.
    wait_for(browser, r"\d+(\.\d+)? / 100", 300)

    store = Store.connect(tmp_path / "data" / "history.sqlite")
    try:
        attempts = store.attempts("what-is-deep-learning")
    finally:
        store.close()
    assert [a.answer for a in attempts] == [ANSWER]
    assert 0 <= attempts[0].score <= 100
