"""A real headless Chromium (Debian's `chromium`), driven with Playwright for Python.

Playwright launches the machine's executable (`executable_path`), never a browser of
its own download, with the flags this machine needs (no sandbox as root, no GPU, no
background networking). A `Page` is one tab: navigate, evaluate JavaScript (promises
awaited), wait for an element's state, capture a screenshot. The tests use only this
small surface, so what they check reads the same whatever drives the browser.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from types import TracebackType
from typing import Any

from playwright.sync_api import Browser, Playwright, sync_playwright
from playwright.sync_api import Page as PlaywrightPage

FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
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


class Page:
    """One tab."""

    def __init__(self, page: PlaywrightPage) -> None:
        self.page = page

    def goto(self, url: str, *, before: str | None = None) -> None:
        """Load `url` and wait for its load event; `before` runs first in the page."""
        if before is not None:
            self.page.add_init_script(before)
        self.page.goto(url, wait_until="load")

    def evaluate(self, expression: str, timeout: float = 10) -> Any:
        """The value of a JavaScript expression (a promise is awaited), as JSON."""
        self.page.set_default_timeout(timeout * 1000)
        return self.page.evaluate(expression)

    def text_of(self, selector: str, *, when: str, timeout: float = 10) -> str:
        """The text of the element `selector` once the JavaScript condition `when`
        (about that element, `el`) holds."""
        self.page.wait_for_function(
            f"() => {{ const el = document.querySelector({json.dumps(selector)});"
            f" return Boolean(el && ({when})); }}",
            timeout=timeout * 1000,
            polling=20,
        )
        text = self.page.text_content(selector)
        assert isinstance(text, str)
        return text

    def screenshot(self) -> bytes:
        return self.page.screenshot()


class Chromium:
    """A headless Chromium process, for the `with` block."""

    def __init__(self, executable: str) -> None:
        self.executable = executable
        self._playwright: Playwright | None = None
        self._browser: Browser | None = None

    def __enter__(self) -> Chromium:
        self._playwright = sync_playwright().start()
        self._browser = self._playwright.chromium.launch(
            executable_path=self.executable, headless=True, args=FLAGS
        )
        return self

    @contextmanager
    def page(self) -> Iterator[Page]:
        """A new tab in a fresh context (no cookies or storage shared), closed after."""
        assert self._browser is not None, "use Chromium in a with block"
        context = self._browser.new_context(viewport={"width": 1000, "height": 900})
        try:
            yield Page(context.new_page())
        finally:
            context.close()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self._browser is not None:
            self._browser.close()
        if self._playwright is not None:
            self._playwright.stop()
