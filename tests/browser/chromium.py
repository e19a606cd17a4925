"""A real headless Chromium, driven over the DevTools protocol.

Debian's `chromium` is started with the flags this machine needs (no sandbox as root,
no GPU, no background networking) and a fresh profile, on a DevTools port it picks
itself (`--remote-debugging-port=0`, read back from `DevToolsActivePort`). A `Page` is
one tab: navigate, evaluate JavaScript (promises awaited), capture a screenshot.
"""

from __future__ import annotations

import base64
import itertools
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from types import TracebackType
from typing import Any

# websockets comes with the dev extra (google-genai needs it).
from websockets.sync.client import ClientConnection, connect

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1000,900",
]


def find_chromium() -> str | None:
    """The Chromium executable: $CHROMIUM, `chromium` on PATH, or Debian's path."""
    for candidate in (
        os.environ.get("CHROMIUM"),
        shutil.which("chromium"),
        "/usr/bin/chromium",
    ):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


class DevToolsError(RuntimeError):
    pass


class Page:
    """One tab, over its own DevTools WebSocket."""

    def __init__(self, ws: ClientConnection) -> None:
        self._ws = ws
        self._ids = itertools.count(1)
        self.events: list[dict[str, Any]] = []

    def send(self, method: str, timeout: float = 10, **params: Any) -> Any:
        number = next(self._ids)
        self._ws.send(json.dumps({"id": number, "method": method, "params": params}))
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"{method}: no answer in {timeout} s")
            message = json.loads(self._ws.recv(timeout=left))
            if message.get("id") == number:
                if "error" in message:
                    raise DevToolsError(f"{method}: {message['error']}")
                return message.get("result", {})
            self.events.append(message)

    def wait_for(self, event: str, timeout: float = 10) -> dict[str, Any]:
        for i, seen in enumerate(self.events):
            if seen.get("method") == event:
                del self.events[: i + 1]
                return seen
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"no {event} in {timeout} s")
            message: dict[str, Any] = json.loads(self._ws.recv(timeout=left))
            if message.get("method") == event:
                return message
            self.events.append(message)

    def goto(self, url: str, *, before: str | None = None) -> None:
        """Load `url` and wait for its load event; `before` runs first in the page."""
        self.send("Page.enable")
        self.send("Runtime.enable")
        if before is not None:
            self.send("Page.addScriptToEvaluateOnNewDocument", source=before)
        self.events.clear()
        answer = self.send("Page.navigate", url=url)
        if answer.get("errorText"):
            raise DevToolsError(f"cannot load {url}: {answer['errorText']}")
        self.wait_for("Page.loadEventFired")

    def evaluate(self, expression: str, timeout: float = 10) -> Any:
        """The value of a JavaScript expression (a promise is awaited), as JSON."""
        result = self.send(
            "Runtime.evaluate",
            timeout=timeout,
            expression=expression,
            awaitPromise=True,
            returnByValue=True,
        )
        if "exceptionDetails" in result:
            details = result["exceptionDetails"]
            text = details.get("exception", {}).get("description") or details["text"]
            raise DevToolsError(f"the page threw: {text}")
        return result["result"].get("value")

    def text_of(self, selector: str, *, when: str, timeout: float = 10) -> str:
        """The text of the element `selector` once the JavaScript condition `when`
        (about that element, `el`) holds."""
        script = f"""new Promise((resolve, reject) => {{
          const deadline = Date.now() + {int(timeout * 1000)};
          const look = () => {{
            const el = document.querySelector({json.dumps(selector)});
            if (el && ({when})) resolve(el.textContent);
            else if (Date.now() > deadline) reject(new Error("timed out: " + {json.dumps(selector)}));
            else setTimeout(look, 20);
          }};
          look();
        }})"""
        value = self.evaluate(script, timeout=timeout + 5)
        assert isinstance(value, str)
        return value

    def screenshot(self) -> bytes:
        data = self.send("Page.captureScreenshot", format="png")["data"]
        return base64.b64decode(data)


class Chromium:
    """A headless Chromium process with a fresh profile, for the `with` block."""

    def __init__(self, executable: str) -> None:
        self.executable = executable
        self._profile = tempfile.TemporaryDirectory(
            prefix="partialgen-chromium-", ignore_cleanup_errors=True
        )
        self._process: subprocess.Popen[bytes] | None = None
        self.port = 0

    def __enter__(self) -> Chromium:
        profile = Path(self._profile.name)
        self._process = subprocess.Popen(
            [
                self.executable,
                *FLAGS,
                f"--user-data-dir={profile}",
                "--remote-debugging-address=127.0.0.1",
                "--remote-debugging-port=0",
                "about:blank",
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # its own process group: its helpers end with it
        )
        active = profile / "DevToolsActivePort"
        deadline = time.monotonic() + 20
        while not (active.exists() and active.read_text().count("\n") >= 1):
            if self._process.poll() is not None or time.monotonic() > deadline:
                self.__exit__(None, None, None)
                raise RuntimeError(f"{self.executable} did not open a DevTools port")
            time.sleep(0.02)
        self.port = int(active.read_text().split()[0])
        return self

    @contextmanager
    def page(self) -> Iterator[Page]:
        """A new tab, closed when the block ends."""
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}/json/new?about:blank", method="PUT"
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            target = json.load(response)
        url = target["webSocketDebuggerUrl"]
        with connect(url, max_size=None, open_timeout=10) as ws:
            yield Page(ws)
        close = f"http://127.0.0.1:{self.port}/json/close/{target['id']}"
        with urllib.request.urlopen(close, timeout=10):
            pass

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        process = self._process
        if process is not None:
            with suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(5)
            except subprocess.TimeoutExpired:
                with suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait()
            # Helper processes may still be writing to the profile for a moment.
            deadline = time.monotonic() + 2
            while time.monotonic() < deadline:
                try:
                    os.killpg(process.pid, 0)
                except ProcessLookupError:
                    break
                time.sleep(0.02)
        self._profile.cleanup()
