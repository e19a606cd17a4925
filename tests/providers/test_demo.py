"""`partialgen demo`: replayed by default, `--live` through OPENAI_API_KEY/OPENAI_BASE_URL."""

from __future__ import annotations

import json
import re

import pytest
from partialgen.__main__ import main
from partialgen.demo.replay import replay_server

from .recordings import MEETING_DOC


def json_tail(out: str) -> object:
    return json.loads(out[out.index("as JSON:") + len("as JSON:") :])


def test_replayed_demo_prints_the_live_view_and_the_validated_json(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    assert main(["demo", "--delay", "0", "--progress"]) == 0
    out = capsys.readouterr().out
    assert "Meeting notes" in out
    assert "MeetingInfo · validated ✓" in out
    assert "5/5 complete: budget, date, deadline, location, users" in out
    assert re.search(
        r"\d+ snapshots · 350 chars · recording replayed at 127\.0\.0\.1", out
    )
    assert json_tail(out) == MEETING_DOC


def test_live_needs_a_key(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    assert main(["demo", "--live"]) == 2
    assert "needs OPENAI_API_KEY" in capsys.readouterr().out


def test_live_calls_the_api_the_sdk_is_configured_for(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    with replay_server("openai-chat-meeting") as replay:
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
        monkeypatch.setenv("OPENAI_BASE_URL", replay.base_url)
        assert main(["demo", "--live", "--model", "gpt-5.4-nano"]) == 0
    [exchange] = replay.exchanges
    assert exchange.body["model"] == "gpt-5.4-nano"
    assert exchange.body["response_format"]["json_schema"]["name"] == "MeetingInfo"
    out = capsys.readouterr().out
    assert "OpenAI API · gpt-5.4-nano" in out
    assert json_tail(out) == MEETING_DOC


def test_a_stream_that_ends_early_is_reported(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    with replay_server("openai-chat-length") as replay:
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
        monkeypatch.setenv("OPENAI_BASE_URL", replay.base_url)
        assert main(["demo", "--live"]) == 1
    out = capsys.readouterr().out
    assert "IncompleteOutputError: the output ended early" in out
    assert "230 characters arrived" in out
