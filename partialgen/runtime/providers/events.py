"""What provider stream events mean for the parsers.

A reader turns one event, an SDK object or (from `sse_json`) a plain dict, into pieces:
text of the answer, the start and argument text of a tool call, refusal text, the finish
reason, a failure. Fields are read by name (`field`), so no SDK is imported and both
shapes work. Readers are sans-I/O: the same code serves sync and async streams.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from pydantic import BaseModel

from ..errors import BlockedError, RefusalError
from .errors import ProviderError


def field(obj: object, name: str) -> Any:
    """A field of an event: SDK objects have attributes, decoded JSON has keys."""
    if type(obj) is dict:  # decoded JSON: checked first, it is the fast path
        return obj.get(name)
    if obj is None:
        return None
    if isinstance(obj, Mapping):
        return obj.get(name)
    return getattr(obj, name, None)


@dataclass(frozen=True, slots=True)
class Text:
    """Text of the answer itself (message content, output text, a text block)."""

    text: str


@dataclass(frozen=True, slots=True)
class CallStart:
    """A tool call began: its position in the response, its id and function name."""

    index: int
    id: str | None
    name: str | None


@dataclass(frozen=True, slots=True)
class CallText:
    """More JSON text of a tool call's arguments."""

    index: int
    text: str


@dataclass(frozen=True, slots=True)
class CallEnd:
    """A content block ended (Anthropic); for a tool call, its input is complete."""

    index: int


@dataclass(frozen=True, slots=True)
class Refusal:
    """Text of a refusal (OpenAI sends it apart from the content)."""

    text: str


@dataclass(frozen=True, slots=True)
class Finish:
    """Why generation stopped, in the provider's words; `refused` for a refusal stop,
    `blocked` when the provider's filters stopped it (a refusal too)."""

    reason: str
    refused: bool = False
    blocked: bool = False


@dataclass(frozen=True, slots=True)
class Reasoning:
    """Reasoning the model streams beside its answer (thinking, a reasoning summary);
    never part of the parsed JSON."""

    text: str


@dataclass(frozen=True, slots=True)
class Usage:
    """Token counts the provider reported so far (None: not in this event)."""

    input_tokens: int | None = None
    output_tokens: int | None = None


@dataclass(frozen=True, slots=True)
class TokenUsage:
    """Tokens an answer cost: what the prompt took and what the model wrote."""

    input_tokens: int = 0
    output_tokens: int = 0

    def __add__(self, other: TokenUsage) -> TokenUsage:
        return TokenUsage(
            self.input_tokens + other.input_tokens,
            self.output_tokens + other.output_tokens,
        )

    def updated(self, report: Usage) -> TokenUsage:
        """Providers report running totals: the latest count of each kind wins."""
        return TokenUsage(
            self.input_tokens if report.input_tokens is None else report.input_tokens,
            (
                self.output_tokens
                if report.output_tokens is None
                else report.output_tokens
            ),
        )


@dataclass(frozen=True, slots=True)
class Failure:
    """The provider reported an error inside the stream."""

    message: str
    payload: object


Piece = (
    Text
    | CallStart
    | CallText
    | CallEnd
    | Refusal
    | Reasoning
    | Usage
    | Finish
    | Failure
)


class Reader(Protocol):
    def read(self, event: Any) -> list[Piece]: ...


def _count(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _usage(usage: object, input_name: str, output_name: str) -> list[Piece]:
    """A Usage piece from a provider's usage object, if it has one."""
    if usage is None:
        return []
    return [Usage(_count(field(usage, input_name)), _count(field(usage, output_name)))]


def _message(error: object, default: str) -> str:
    message = field(error, "message")
    return message if isinstance(message, str) and message else default


class TextReader:
    """Plain text chunks, as `XParser.stream` takes them."""

    def read(self, event: Any) -> list[Piece]:
        if not isinstance(event, str):
            raise TypeError(
                f"text_snapshots reads str chunks, got {type(event).__name__}; for "
                "Server-Sent Event bytes use sse_json() with a provider adapter"
            )
        return [Text(event)] if event else []


class OpenAIChatReader:
    """Chat Completions chunks: one choice's delta content, refusal and tool calls.

    With `n > 1` the choices arrive interleaved, each with its own `index`; a reader
    follows one of them (`choice`, 0 by default). A legacy `function_call` delta (the
    `functions=` parameter) reads as tool call 0.
    """

    def __init__(self, choice: int = 0) -> None:
        if choice < 0:
            raise ValueError(f"choice is a choice's index, 0 or more; got {choice}")
        self.choice = choice

    def read(self, event: Any) -> list[Piece]:
        kind = field(event, "type")
        if kind is not None:
            # `client.chat.completions.stream()` wraps each chunk in a "chunk" event and
            # adds derived events that repeat what the chunks hold.
            if kind != "chunk":
                return []
            event = field(event, "chunk")
        error = field(event, "error")
        if error is not None:
            return [Failure(_message(error, "the stream reported an error"), error)]
        # The last chunk carries the usage when `stream_options.include_usage` is set.
        pieces = _usage(field(event, "usage"), "prompt_tokens", "completion_tokens")
        for choice in field(event, "choices") or ():
            if (field(choice, "index") or 0) != self.choice:
                continue
            delta = field(choice, "delta")
            if type(delta) is dict and len(delta) == 1 and "content" in delta:
                # Nearly every event of a long answer: its text and nothing else.
                if delta["content"]:
                    pieces.append(Text(delta["content"]))
                reason = field(choice, "finish_reason")
                if reason:
                    pieces.append(Finish(reason))
                continue
            # OpenAI-compatible servers (vLLM, DeepSeek, OpenRouter) stream reasoning
            # under one of these names.
            thought = field(delta, "reasoning_content") or field(delta, "reasoning")
            if isinstance(thought, str) and thought:
                pieces.append(Reasoning(thought))
            content = field(delta, "content")
            if content:
                pieces.append(Text(content))
            refusal = field(delta, "refusal")
            if refusal:
                pieces.append(Refusal(refusal))
            legacy = field(delta, "function_call")
            calls = field(delta, "tool_calls") or (
                [{"function": legacy}] if legacy else ()
            )
            for call in calls:
                index = field(call, "index") or 0
                function = field(call, "function")
                call_id, name = field(call, "id"), field(function, "name")
                if call_id is not None or name is not None:
                    pieces.append(CallStart(index, call_id, name))
                arguments = field(function, "arguments")
                if arguments:
                    pieces.append(CallText(index, arguments))
            reason = field(choice, "finish_reason")
            if reason:
                pieces.append(Finish(reason))
        return pieces


# A reasoning summary (OpenAI models) or the reasoning text itself (open models).
_RESPONSES_REASONING = frozenset(
    {"response.reasoning_summary_text.delta", "response.reasoning_text.delta"}
)


class OpenAIResponsesReader:
    """Responses API events: output text, refusals, function call arguments, the end."""

    def read(self, event: Any) -> list[Piece]:
        kind = field(event, "type")
        if kind == "response.output_text.delta":
            delta = field(event, "delta")
            return [Text(delta)] if delta else []
        if kind == "response.refusal.delta":
            delta = field(event, "delta")
            return [Refusal(delta)] if delta else []
        if kind == "response.function_call_arguments.delta":
            delta = field(event, "delta")
            return [CallText(field(event, "output_index") or 0, delta)] if delta else []
        if kind == "response.output_item.added":
            item = field(event, "item")
            if field(item, "type") != "function_call":
                return []
            index = field(event, "output_index") or 0
            pieces: list[Piece] = [
                CallStart(index, field(item, "call_id"), field(item, "name"))
            ]
            if field(item, "arguments"):
                pieces.append(CallText(index, field(item, "arguments")))
            return pieces
        if kind in _RESPONSES_REASONING:
            delta = field(event, "delta")
            return [Reasoning(delta)] if delta else []
        if kind == "response.completed":
            response = field(event, "response")
            usage = _usage(field(response, "usage"), "input_tokens", "output_tokens")
            return [*usage, Finish("completed")]
        if kind == "response.incomplete":
            response = field(event, "response")
            usage = _usage(field(response, "usage"), "input_tokens", "output_tokens")
            details = field(response, "incomplete_details")
            return [*usage, Finish(field(details, "reason") or "incomplete")]
        if kind == "response.failed":
            error = field(field(event, "response"), "error")
            return [Failure(_message(error, "the response failed"), error)]
        if kind == "error":
            return [Failure(_message(event, "the stream reported an error"), event)]
        return []


class AnthropicReader:
    """Messages events: text and tool input per content block, the stop reason."""

    def read(self, event: Any) -> list[Piece]:
        kind = field(event, "type")
        index = field(event, "index") or 0
        if kind == "content_block_start":
            block = field(event, "content_block")
            if field(block, "type") == "tool_use":
                return [CallStart(index, field(block, "id"), field(block, "name"))]
            text = field(block, "text") if field(block, "type") == "text" else None
            return [Text(text)] if text else []
        if kind == "content_block_delta":
            delta = field(event, "delta")
            delta_kind = field(delta, "type")
            if delta_kind == "input_json_delta":
                partial = field(delta, "partial_json")
                return [CallText(index, partial)] if partial else []
            if delta_kind == "text_delta":
                text = field(delta, "text")
                return [Text(text)] if text else []
            if delta_kind == "thinking_delta":
                thinking = field(delta, "thinking")
                return [Reasoning(thinking)] if thinking else []
            return []
        if kind == "content_block_stop":
            return [CallEnd(index)]
        if kind == "message_start":
            usage = field(field(event, "message"), "usage")
            return _usage(usage, "input_tokens", "output_tokens")
        if kind == "message_delta":
            pieces = _usage(field(event, "usage"), "input_tokens", "output_tokens")
            reason = field(field(event, "delta"), "stop_reason")
            if reason:
                pieces.append(Finish(reason, reason == "refusal"))
            return pieces
        if kind == "error":
            error = field(event, "error")
            return [Failure(_message(error, "the stream reported an error"), error)]
        return []


def _either(obj: object, snake: str, camel: str) -> Any:
    """A field the SDK's objects name in snake_case and the REST JSON in camelCase
    (a dict in snake_case, as `model_dump()` writes it, is read too)."""
    if isinstance(obj, Mapping):
        value = obj.get(camel)
        return obj.get(snake) if value is None else value
    # Only the snake_case name: a pydantic object's missing attribute is slow to miss.
    return None if obj is None else getattr(obj, snake, None)


def _word(value: object) -> str | None:
    """An enum's value (the SDK's), or the string itself (the JSON's)."""
    value = getattr(value, "value", value)
    return value if isinstance(value, str) and value else None


# What Gemini's finish reasons for an answer its filters stopped mean (prompt block
# reasons use the same words, plus JAILBREAK and OTHER).
GEMINI_BLOCKS = {
    "SAFETY": "the safety filters flagged it",
    "RECITATION": "it recited training data too closely",
    "BLOCKLIST": "it contained a blocklisted term",
    "PROHIBITED_CONTENT": "it contained prohibited content",
    "SPII": "it contained sensitive personal information",
    "IMAGE_SAFETY": "the safety filters flagged an image",
    "IMAGE_PROHIBITED_CONTENT": "an image contained prohibited content",
    "IMAGE_RECITATION": "an image recited training data too closely",
    "MODEL_ARMOR": "Model Armor blocked it",
    "JAILBREAK": "it was taken for a jailbreak attempt",
}


class GeminiReader:
    """`generateContent` stream chunks, as the SDK's objects or the REST JSON
    (`sse_json`): the text parts of one candidate, its thought parts as reasoning,
    usage, the finish reason, and blocks by the provider's filters.

    Usage: input is `promptTokenCount` (+ `toolUsePromptTokenCount`), output is
    `candidatesTokenCount` + `thoughtsTokenCount`, since thinking tokens are billed as
    output; the two then add up to `totalTokenCount`.
    """

    def __init__(self, candidate: int = 0) -> None:
        if candidate < 0:
            raise ValueError(
                f"candidate is a candidate's index, 0 or more; got {candidate}"
            )
        self.candidate = candidate

    def read(self, event: Any) -> list[Piece]:
        error = field(event, "error")
        if error is not None:
            return [Failure(_message(error, "the stream reported an error"), error)]
        pieces: list[Piece] = []
        usage = _either(event, "usage_metadata", "usageMetadata")
        if usage is not None:
            pieces.append(_gemini_usage(usage))
        feedback = _either(event, "prompt_feedback", "promptFeedback")
        blocked = _word(_either(feedback, "block_reason", "blockReason"))
        if blocked is not None and blocked != "BLOCKED_REASON_UNSPECIFIED":
            said = _either(feedback, "block_reason_message", "blockReasonMessage")
            why = GEMINI_BLOCKS.get(blocked, blocked.lower())
            pieces.append(Refusal(said or f"the prompt was blocked: {why}"))
            pieces.append(Finish(blocked, blocked=True))
        for candidate in field(event, "candidates") or ():
            if (field(candidate, "index") or 0) != self.candidate:
                continue
            for part in field(field(candidate, "content"), "parts") or ():
                text = field(part, "text")
                if isinstance(text, str) and text:
                    pieces.append(
                        Reasoning(text) if field(part, "thought") else Text(text)
                    )
            reason = _word(_either(candidate, "finish_reason", "finishReason"))
            if reason is None:
                continue
            if reason in GEMINI_BLOCKS:
                said = _either(candidate, "finish_message", "finishMessage")
                why = GEMINI_BLOCKS[reason]
                pieces.append(Refusal(said or f"the output was blocked: {why}"))
                pieces.append(Finish(reason, blocked=True))
            else:
                pieces.append(Finish(reason))
        return pieces


def _gemini_usage(usage: object) -> Usage:
    def total(*names: tuple[str, str]) -> int | None:
        counts = [_count(_either(usage, *name)) for name in names]
        known = [c for c in counts if c is not None]
        return sum(known) if known else None

    return Usage(
        total(
            ("prompt_token_count", "promptTokenCount"),
            ("tool_use_prompt_token_count", "toolUsePromptTokenCount"),
        ),
        total(
            ("candidates_token_count", "candidatesTokenCount"),
            ("thoughts_token_count", "thoughtsTokenCount"),
        ),
    )


class Outcome:
    """How a provider's answer ended: refusal text, finish reason, reported failures.

    Shared by the single-document and the tool-call readers.
    """

    def __init__(self) -> None:
        self.finish_reason: str | None = None
        self.usage: TokenUsage = TokenUsage()
        self.thoughts: list[str] = []
        self._refused = False
        self._refusal: list[str] = []
        self._blocked: str | None = None  # the reason the provider's filters gave

    def note(self, piece: Piece, snapshot: BaseModel | None, text: str) -> bool:
        """Record `piece` if it is about the outcome; False for any other piece."""
        if isinstance(piece, Reasoning):
            self.thoughts.append(piece.text)
        elif isinstance(piece, Usage):
            self.usage = self.usage.updated(piece)
        elif isinstance(piece, Refusal):
            self._refusal.append(piece.text)
        elif isinstance(piece, Finish):
            self.finish_reason = piece.reason
            self._refused = self._refused or piece.refused or piece.blocked
            if piece.blocked:
                self._blocked = piece.reason
        elif isinstance(piece, Failure):
            raise ProviderError(
                f"the provider reported an error: {piece.message}",
                payload=piece.payload,
                snapshot=snapshot,
                text=text,
            )
        else:
            return False
        return True

    def refusal_error(
        self, said: str, snapshot: BaseModel | None, text: str
    ) -> RefusalError | None:
        """The error for a refused or blocked answer (None if it was neither). `said` is
        what the model wrote: the explanation when the provider sent none apart
        (Anthropic)."""
        if not (self._refusal or self._refused):
            return None
        words = "".join(self._refusal) or said.strip() or "(no explanation given)"
        if self._blocked is not None:
            return BlockedError(self._blocked, words, snapshot=snapshot, text=text)
        return RefusalError(words, snapshot=snapshot, text=text)

    def reasoning(self) -> str:
        """The reasoning text so far (joined once per read, not per piece)."""
        if len(self.thoughts) > 1:
            self.thoughts[:] = ["".join(self.thoughts)]
        return self.thoughts[0] if self.thoughts else ""
