"""`partialgen demo`: replayed by default, `--live` through OPENAI_API_KEY/OPENAI_BASE_URL."""

from __future__ import annotations

import json
import re

import pytest
from partialgen.__main__ import main
from partialgen.demo.replay import read_recording, replay_server

from .recordings import MEETING_DOC, chat_content, openai_chat


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


def test_an_invalid_answer_is_asked_for_again(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    invalid = json.dumps({**MEETING_DOC, "budget": "12,500 euros"})
    first = openai_chat(chat_content(invalid, 5), finish="stop", seed=5).encode()
    turns = [first, read_recording("openai-chat-meeting")]
    with replay_server(turns, endpoint="/chat/completions") as replay:
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
        monkeypatch.setenv("OPENAI_BASE_URL", replay.base_url)
        assert main(["demo", "--live"]) == 0
    first_ask, reask = (e.body for e in replay.exchanges)
    assert reask["messages"][:2] == first_ask["messages"]
    # The answer as far as it went: the attempt stopped where the budget went wrong.
    answer = reask["messages"][2]
    assert answer["role"] == "assistant" and invalid.startswith(answer["content"])
    assert '"budget": "12,500 euros"' in answer["content"]
    assert "deadline" not in answer["content"]
    assert "budget" in reask["messages"][3]["content"]
    out = capsys.readouterr().out
    assert "attempt 2" in out
    assert json_tail(out) == MEETING_DOC


def test_no_retries_left_is_reported(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    with replay_server("openai-chat-invalid-literal") as replay:
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
        monkeypatch.setenv("OPENAI_BASE_URL", replay.base_url)
        assert main(["demo", "--live", "--retries", "0"]) == 1
    assert len(replay.exchanges) == 1
    out = capsys.readouterr().out
    assert "RetriesExhaustedError: no valid answer after 1 attempt" in out


def test_web_demo_serves_the_page_and_streams_the_meeting() -> None:
    # The real command in its own process, as a user starts it; stopped at the end.
    import socket
    import subprocess
    import sys
    from pathlib import Path

    import httpx

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    root = Path(__file__).resolve().parents[2]
    command = [sys.executable, "-m", "partialgen", "demo", "--web", "--delay", "0"]
    server = subprocess.Popen(
        [*command, "--port", str(port)],
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        line = server.stdout.readline()
        url = f"http://127.0.0.1:{port}/"
        assert line.strip() == f"The meeting, live: {url}"
        for _ in range(100):  # uvicorn starts listening just after the line
            try:
                page = httpx.get(url, timeout=5)
                break
            except httpx.ConnectError:
                import time

                time.sleep(0.05)
        assert page.status_code == 200 and "streamObject" in page.text
        with httpx.stream("GET", url + "meeting", timeout=30) as events:
            body = "".join(events.iter_text())
        done = body[body.index("event: done") :].split("data: ", 1)[1].split("\n")[0]
        assert json.loads(done) == MEETING_DOC
        assert body.count("event: patch") > 10
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_web_demo_replays_only(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--web", "--live"]) == 2
    assert "--web replays the recording" in capsys.readouterr().err
