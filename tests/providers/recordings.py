"""The recorded provider streams under partialgen/demo/recordings/, and how they are made.

Each recording is byte for byte what the provider's API sends for a streamed request:
OpenAI Chat Completions chunks (`data: {...}` lines, `data: [DONE]` at the end), OpenAI
Responses API events and Anthropic Messages events (each with its `event:` line), and
Gemini `streamGenerateContent?alt=sse` chunks (CRLF line ends, several tokens a chunk). The
model's text is cut the way token streams cut it, plus on purpose at awkward places:
inside keys, right after a backslash, inside `\\u` escapes and between the two halves
of a surrogate pair, inside numbers. Multi-byte characters travel as raw UTF-8, so the
replay server can split them across HTTP chunks.

Regenerate after changing this file:  python -m tests.providers.recordings
(`test_recordings.py` fails while a file is stale.)
"""

from __future__ import annotations

import itertools
import json
import random
import re
import string
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

FOLDER = Path(__file__).resolve().parents[2] / "partialgen" / "demo" / "recordings"

MEETING_DOC: dict[str, Any] = {
    "users": [
        {"name": "Jason Liu", "email": "jason@example.com", "twitter": "@jxnlco"},
        {
            "name": 'Zoë "Z" Müller',
            "email": "zoe.mueller@example.org",
            "twitter": "@zoe_m",
        },
        {"name": "Ana Lúcia 🚀", "email": "ana@example.net", "twitter": "@analucia"},
    ],
    "date": "2024-03-15",
    "location": "Conference room B, 4th floor\nBuilding É",
    "budget": 12500,
    "deadline": "2024-03-01",
}
REPORT_DOC: dict[str, Any] = {
    "title": "Q1 offsite: budget review",
    "summary": "Three attendees; €12,500 approved for the venue in Building É.",
    "conclusion": "Book room B before 1 March.",
}

# As a model writes them: compact JSON; one escape written as `\u00c9`, and in the tool
# call the rocket as a surrogate pair, so escapes arrive split.
MEETING = json.dumps(MEETING_DOC, ensure_ascii=False, separators=(",", ":")).replace(
    "É", "\\u00c9"
)
MEETING_ESCAPED = MEETING.replace("🚀", "\\ud83d\\ude80")
# Anthropic's models write spaced JSON in tool input.
MEETING_SPACED = json.dumps(MEETING_DOC, ensure_ascii=False)
REPORT = json.dumps(REPORT_DOC, ensure_ascii=False, separators=(",", ":"))
INVALID_USER = '{"name":"Ada","age":36,"category":"superuser"}'
VALID_USER = '{"name":"Ada","age":36,"category":"admin"}'
REFUSAL = "I'm sorry, but I can't help with extracting personal contact details."

_TOKEN = re.compile(r"[A-Za-z]+|[0-9]{1,3}|\s+|\\u[0-9a-fA-F]{4}|\\.|.", re.S)


def token_pieces(text: str, seed: int) -> list[str]:
    """Cut `text` like a token stream (1-3 tokens a delta), plus the awkward cuts."""
    rng = random.Random(seed)
    cuts: set[int] = set()
    position, run = 0, 0
    for match in _TOKEN.finditer(text):
        position = match.end()
        run += 1
        if run >= rng.randint(1, 3):
            cuts.add(position)
            run = 0
    for match in re.finditer(r'"([A-Za-z_]{2,})":', text):  # inside keys
        cuts.add(match.start(1) + 2)
    for match in re.finditer(r"\\", text):  # right after a backslash
        cuts.add(match.start() + 1)
    for match in re.finditer(r"\\u[0-9a-fA-F]{4}", text):  # inside a \u escape
        cuts.add(match.start() + 4)
    for match in re.finditer(r"[0-9]{2,}", text):  # inside numbers
        cuts.add((match.start() + match.end()) // 2)
    bounds = [0, *sorted(c for c in cuts if 0 < c < len(text)), len(text)]
    return [text[a:b] for a, b in itertools.pairwise(bounds)]


class _Ids:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def make(self, prefix: str, n: int = 24) -> str:
        return prefix + "".join(
            self.rng.choice(string.ascii_letters + string.digits) for _ in range(n)
        )

    def obfuscation(self, delta: str) -> str:
        # OpenAI pads stream events with random characters against length side channels.
        n = max(1, 16 - len(delta.encode()) % 16)
        return "".join(self.rng.choice(string.ascii_letters) for _ in range(n))


def _data(payload: Any) -> str:
    return "data: " + json.dumps(payload, ensure_ascii=False, separators=(",", ":"))


def _sse(lines: Iterable[str]) -> str:
    return "".join(line + "\n\n" for line in lines)


# -- OpenAI Chat Completions -----------------------------------------------------------


def openai_chat(
    deltas: Iterable[dict[str, Any]],
    *,
    finish: str | None,
    seed: int,
    usage: bool = True,
    done: bool = True,
) -> str:
    ids = _Ids(seed)
    head = {
        "id": ids.make("chatcmpl-", 29),
        "object": "chat.completion.chunk",
        "created": 1741569952,
        "model": "gpt-5.4-mini-2026-03-17",
        "service_tier": "default",
        "system_fingerprint": "fp_" + ids.make("", 10).lower(),
    }

    def chunk(delta: dict[str, Any], reason: str | None = None) -> str:
        choice = {"index": 0, "delta": delta, "logprobs": None, "finish_reason": reason}
        body = {**head, "choices": [choice]}
        if usage:
            body["usage"] = None
        text = json.dumps(delta, ensure_ascii=False)
        return _data({**body, "obfuscation": ids.obfuscation(text)})

    lines = [chunk(d) for d in deltas]
    if finish is not None:
        lines.append(chunk({}, finish))
        if usage:
            lines.append(
                _data(
                    {
                        **head,
                        "choices": [],
                        "usage": {
                            "prompt_tokens": 212,
                            "completion_tokens": 131,
                            "total_tokens": 343,
                            "prompt_tokens_details": {
                                "cached_tokens": 0,
                                "audio_tokens": 0,
                            },
                            "completion_tokens_details": {
                                "reasoning_tokens": 0,
                                "audio_tokens": 0,
                                "accepted_prediction_tokens": 0,
                                "rejected_prediction_tokens": 0,
                            },
                        },
                        "obfuscation": ids.obfuscation(""),
                    }
                )
            )
    if done:
        lines.append("data: [DONE]")
    return _sse(lines)


def chat_content(text: str, seed: int) -> list[dict[str, Any]]:
    first: dict[str, Any] = {
        "role": "assistant",
        "content": "",
        "refusal": None,
        "annotations": [],
    }
    return [first, *({"content": p} for p in token_pieces(text, seed))]


def chat_tool_calls(calls: list[tuple[str, str]], seed: int) -> list[dict[str, Any]]:
    ids = _Ids(seed + 1)
    deltas: list[dict[str, Any]] = []
    for index, (name, arguments) in enumerate(calls):
        start = {
            "index": index,
            "id": ids.make("call_"),
            "type": "function",
            "function": {"name": name, "arguments": ""},
        }
        first: dict[str, Any] = {"tool_calls": [start]}
        if index == 0:
            first = {"role": "assistant", "content": None, **first, "refusal": None}
        deltas.append(first)
        deltas.extend(
            {"tool_calls": [{"index": index, "function": {"arguments": p}}]}
            for p in token_pieces(arguments, seed + index)
        )
    return deltas


# -- OpenAI Responses API --------------------------------------------------------------


def openai_responses(items: list[tuple[str, str, str]], seed: int) -> str:
    """`items`: (kind, name, text) with kind "message" or "function_call"."""
    ids = _Ids(seed)
    response_id = "resp_" + ids.make("", 48).lower()
    sequence = 0
    lines: list[str] = []

    def event(kind: str, **fields: Any) -> None:
        nonlocal sequence
        lines.append(f"event: {kind}")
        lines[-1] += "\n" + _data({"type": kind, "sequence_number": sequence, **fields})
        sequence += 1

    def response(status: str, output: list[Any]) -> dict[str, Any]:
        done = status == "completed"
        return {
            "id": response_id,
            "object": "response",
            "created_at": 1741569952,
            "status": status,
            "background": False,
            "error": None,
            "incomplete_details": None,
            "instructions": None,
            "max_output_tokens": None,
            "model": "gpt-5.4-mini-2026-03-17",
            "output": output,
            "parallel_tool_calls": True,
            "previous_response_id": None,
            "reasoning": {"effort": None, "summary": None},
            "service_tier": "default",
            "store": True,
            "temperature": 1.0,
            "text": {"format": {"type": "text"}, "verbosity": "medium"},
            "tool_choice": "auto",
            "tools": [],
            "top_p": 1.0,
            "truncation": "disabled",
            "usage": (
                {
                    "input_tokens": 233,
                    "input_tokens_details": {"cached_tokens": 0},
                    "output_tokens": 140,
                    "output_tokens_details": {"reasoning_tokens": 0},
                    "total_tokens": 373,
                }
                if done
                else None
            ),
            "user": None,
            "metadata": {},
        }

    event("response.created", response=response("in_progress", []))
    event("response.in_progress", response=response("in_progress", []))
    output: list[Any] = []
    for index, (kind, name, text) in enumerate(items):
        if kind == "message":
            item_id = "msg_" + ids.make("", 48).lower()
            item: dict[str, Any] = {
                "id": item_id,
                "type": "message",
                "status": "in_progress",
                "content": [],
                "role": "assistant",
            }
            event("response.output_item.added", output_index=index, item=item)
            part = {
                "type": "output_text",
                "annotations": [],
                "logprobs": [],
                "text": "",
            }
            where = {"item_id": item_id, "output_index": index, "content_index": 0}
            event("response.content_part.added", **where, part=part)
            for piece in token_pieces(text, seed + index):
                event(
                    "response.output_text.delta",
                    **where,
                    delta=piece,
                    logprobs=[],
                    obfuscation=ids.obfuscation(piece),
                )
            event("response.output_text.done", **where, text=text, logprobs=[])
            part = {**part, "text": text}
            event("response.content_part.done", **where, part=part)
            item = {**item, "status": "completed", "content": [part]}
        else:
            item_id = "fc_" + ids.make("", 48).lower()
            item = {
                "id": item_id,
                "type": "function_call",
                "status": "in_progress",
                "arguments": "",
                "call_id": ids.make("call_"),
                "name": name,
            }
            event("response.output_item.added", output_index=index, item=item)
            for piece in token_pieces(text, seed + index):
                event(
                    "response.function_call_arguments.delta",
                    item_id=item_id,
                    output_index=index,
                    delta=piece,
                    obfuscation=ids.obfuscation(piece),
                )
            event(
                "response.function_call_arguments.done",
                item_id=item_id,
                output_index=index,
                arguments=text,
            )
            item = {**item, "status": "completed", "arguments": text}
        event("response.output_item.done", output_index=index, item=item)
        output.append(item)
    event("response.completed", response=response("completed", output))
    return _sse(lines)


# -- Anthropic Messages ----------------------------------------------------------------


def anthropic(
    blocks: list[tuple[str, str, str]], *, stop: str, seed: int, cut: int | None = None
) -> str:
    """`blocks`: (kind, name, text) with kind "text" or "tool_use". `cut`: stop the tool
    input after that many characters (with `stop` = "max_tokens")."""
    ids = _Ids(seed)
    lines: list[str] = []

    def event(kind: str, **fields: Any) -> None:
        lines.append(f"event: {kind}\n" + _data({"type": kind, **fields}))

    usage = {
        "input_tokens": 472,
        "cache_creation_input_tokens": 0,
        "cache_read_input_tokens": 0,
        "output_tokens": 2,
        "service_tier": "standard",
    }
    message: dict[str, Any] = {
        "id": ids.make("msg_01"),
        "type": "message",
        "role": "assistant",
        "model": "claude-sonnet-4-6",
        "content": [],
        "stop_reason": None,
        "stop_sequence": None,
        "usage": usage,
    }
    event("message_start", message=message)
    for index, (kind, name, text) in enumerate(blocks):
        if kind == "text":
            event(
                "content_block_start",
                index=index,
                content_block={"type": "text", "text": ""},
            )
            if index == 0:
                lines.append('event: ping\ndata: {"type": "ping"}')
            for piece in re.findall(r".{1,12}(?:\s|$)|.{1,12}", text, re.S):
                event(
                    "content_block_delta",
                    index=index,
                    delta={"type": "text_delta", "text": piece},
                )
        else:
            block = {
                "type": "tool_use",
                "id": ids.make("toolu_01"),
                "name": name,
                "input": {},
            }
            event("content_block_start", index=index, content_block=block)
            pieces = ["", *token_pieces(text[:cut], seed + index)]
            for piece in pieces:
                event(
                    "content_block_delta",
                    index=index,
                    delta={"type": "input_json_delta", "partial_json": piece},
                )
        event("content_block_stop", index=index)
    event(
        "message_delta",
        delta={"stop_reason": stop, "stop_sequence": None},
        usage={"output_tokens": 187},
    )
    event("message_stop")
    return _sse(lines)


# -- Gemini (streamGenerateContent?alt=sse) ---------------------------------------------


def gemini(
    text: str,
    *,
    seed: int,
    finish: str | None = "STOP",
    thoughts: Iterable[str] = (),
    usage: tuple[int, int, int] = (212, 131, 0),
) -> str:
    """A Gemini API stream answering `text`: `thoughts` first as thought parts (as with
    `include_thoughts=True`), then the text a few tokens a chunk, the last chunk with
    `finish` (None: the stream just stops). `usage`: prompt, candidates and thoughts
    token counts of the whole answer; each chunk reports the running counts."""
    ids = _Ids(seed)
    response_id = ids.make("", 22)
    prompt, answer, thinking = usage
    pieces = token_pieces(text, seed)
    groups = ["".join(pieces[i : i + 4]) for i in range(0, len(pieces), 4)] or [""]
    thought_parts = [{"text": t, "thought": True} for t in thoughts]
    chunks: list[list[dict[str, Any]]] = [[p] for p in thought_parts]
    chunks += [[{"text": g}] for g in groups]
    if thought_parts:  # a thinking model signs the first part of its answer
        chunks[len(thought_parts)][0]["thoughtSignature"] = "c2lnbmF0dXJl"
    lines = []
    for n, parts in enumerate(chunks, 1):
        candidate: dict[str, Any] = {
            "content": {"parts": parts, "role": "model"},
            "index": 0,
        }
        last = n == len(chunks)
        if last and finish is not None:
            candidate["finishReason"] = finish
            if finish == "SAFETY":
                candidate["safetyRatings"] = [
                    {
                        "category": "HARM_CATEGORY_DANGEROUS_CONTENT",
                        "probability": "HIGH",
                        "blocked": True,
                    }
                ]
        # The answer's tokens so far, in proportion to its chunks sent so far.
        sent = max(0, n - len(thought_parts))
        written = answer if last else answer * sent // len(groups)
        counts: dict[str, Any] = {"promptTokenCount": prompt}
        if written:
            counts["candidatesTokenCount"] = written
        if thinking:
            counts["thoughtsTokenCount"] = thinking
        counts["totalTokenCount"] = prompt + written + thinking
        counts["promptTokensDetails"] = [{"modality": "TEXT", "tokenCount": prompt}]
        body = {
            "candidates": [candidate],
            "usageMetadata": counts,
            "modelVersion": "gemini-2.5-flash",
            "responseId": response_id,
        }
        lines.append("data: " + json.dumps(body, ensure_ascii=False))
    return "".join(line + "\r\n\r\n" for line in lines)


INTRO = "I'll extract the meeting details from the notes."

RECORDINGS: dict[str, Callable[[], str]] = {
    "openai-chat-meeting": lambda: openai_chat(
        chat_content(MEETING, 1), finish="stop", seed=1
    ),
    "openai-chat-tools": lambda: openai_chat(
        chat_tool_calls([("MeetingInfo", MEETING_ESCAPED), ("Report", REPORT)], 2),
        finish="tool_calls",
        seed=2,
    ),
    "openai-chat-length": lambda: openai_chat(
        chat_content(MEETING[:230], 3), finish="length", seed=3
    ),
    "openai-chat-refusal": lambda: openai_chat(
        [
            {"role": "assistant", "content": None, "refusal": ""},
            *({"refusal": p} for p in re.findall(r"\S*\s?", REFUSAL) if p),
        ],
        finish="stop",
        seed=4,
    ),
    "openai-chat-invalid-literal": lambda: openai_chat(
        chat_content(INVALID_USER, 5), finish="stop", seed=5
    ),
    "openai-chat-user": lambda: openai_chat(
        chat_content(VALID_USER, 10), finish="stop", seed=10
    ),
    "openai-responses-meeting": lambda: openai_responses(
        [("message", "", MEETING)], seed=6
    ),
    "openai-responses-tools": lambda: openai_responses(
        [
            ("function_call", "MeetingInfo", MEETING_ESCAPED),
            ("function_call", "Report", REPORT),
        ],
        seed=7,
    ),
    "anthropic-tool-use": lambda: anthropic(
        [("text", "", INTRO), ("tool_use", "MeetingInfo", MEETING_SPACED)],
        stop="tool_use",
        seed=8,
    ),
    "anthropic-max-tokens": lambda: anthropic(
        [("tool_use", "MeetingInfo", MEETING_SPACED)],
        stop="max_tokens",
        seed=9,
        cut=150,
    ),
    "gemini-meeting": lambda: gemini(MEETING, seed=13),
}


def render(name: str) -> bytes:
    return RECORDINGS[name]().encode("utf-8")


def main() -> None:
    FOLDER.mkdir(parents=True, exist_ok=True)
    for name in RECORDINGS:
        path = FOLDER / f"{name}.sse"
        data = render(name)
        if not path.exists() or path.read_bytes() != data:
            path.write_bytes(data)
            print(f"wrote {path.relative_to(FOLDER.parents[2])}")


if __name__ == "__main__":
    main()
