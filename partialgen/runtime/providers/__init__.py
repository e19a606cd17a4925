"""Provider stream adapters: the stream object an SDK returns in, typed snapshots out.

    stream = client.chat.completions.create(..., stream=True)
    for snapshot in openai_chat_content(stream, MeetingInfoParser):
        render(snapshot)                      # a PartialMeetingInfo

One function per provider and part of the answer:

| the model answers in                         | function                          |
| -------------------------------------------- | --------------------------------- |
| OpenAI chat `delta.content` (JSON mode, structured outputs) | `openai_chat_content`     |
| OpenAI chat `delta.tool_calls`               | `openai_chat_tool_calls`          |
| OpenAI Responses `response.output_text.delta` | `openai_responses_text`          |
| OpenAI Responses function call arguments     | `openai_responses_function_calls` |
| Anthropic `text_delta`                       | `anthropic_text`                  |
| Anthropic tool use `input_json_delta`        | `anthropic_tool_uses`             |
| Gemini (google-genai) `candidates[0].content.parts[].text` | `genai_content`     |
| plain text chunks                            | `text_snapshots`                  |

Each takes the SDK's sync or async stream (or anything yielding the same events, as
objects or dicts: `sse_json(raw_bytes)` decodes Server-Sent Events without an SDK) and
returns an object to iterate with `for` or `async for`. Nothing here imports an SDK:
events are read by field name.

The tool-call functions take one parser class (every call is parsed with it: typed
snapshots), a list of parser classes (each call picks the one whose full model's class
name is the function name, the default name of `openai_tool(Model)` and friends), or a
mapping from function name to parser class.
"""

from __future__ import annotations

from collections.abc import AsyncIterable, Iterable, Mapping
from typing import Any, TypeVar, overload

from pydantic import BaseModel

from ..parser import StreamParser, parser_class
from .document import ProviderStream
from .errors import ProviderError, UnknownToolError
from .events import (
    AnthropicReader,
    GeminiReader,
    OpenAIChatReader,
    OpenAIResponsesReader,
    Reader,
    TextReader,
    TokenUsage,
)
from .pump import Events
from .sse import (
    ServerSentEvent,
    SSEDecoder,
    asse_events,
    asse_json,
    sse_events,
    sse_json,
)
from .tools import (
    Calls,
    ParserTable,
    ToolCall,
    ToolCallSnapshot,
    ToolCallStream,
    parser_table,
)

# Overloads take a mapping and a list separately: in a union, mypy would infer
# `{"a": AParser, "b": BParser}` as a dict of `type[object]` and reject it.
AnyParser = type[StreamParser[Any, Any]]

P = TypeVar("P", bound=BaseModel)
M = TypeVar("M", bound=BaseModel)

__all__ = [
    "Events",
    "ParserTable",
    "ProviderError",
    "ProviderStream",
    "SSEDecoder",
    "ServerSentEvent",
    "TokenUsage",
    "ToolCall",
    "ToolCallSnapshot",
    "ToolCallStream",
    "UnknownToolError",
    "anthropic_text",
    "anthropic_tool_uses",
    "asse_events",
    "asse_json",
    "genai_content",
    "openai_chat_content",
    "openai_chat_tool_calls",
    "openai_responses_function_calls",
    "openai_responses_text",
    "sse_events",
    "sse_json",
    "text_snapshots",
]


def text_snapshots(
    chunks: Iterable[str] | AsyncIterable[str],
    parser: type[StreamParser[P, M]],
    *,
    throttle: float | None = None,
    **options: Any,
) -> ProviderStream[P, M]:
    """Snapshots from plain text chunks (`str`), sync or async."""
    return ProviderStream(
        chunks, TextReader(), parser_class(parser)(**options), throttle
    )


def openai_chat_content(
    stream: Events,
    parser: type[StreamParser[P, M]],
    *,
    choice: int = 0,
    throttle: float | None = None,
    **options: Any,
) -> ProviderStream[P, M]:
    """Snapshots of the message content of a Chat Completions stream (JSON mode or a
    `response_format` schema). `finish_reason="length"` raises IncompleteOutputError,
    a refusal RefusalError. With `n > 1`, `choice` picks the answer followed."""
    reader = OpenAIChatReader(choice)
    return ProviderStream(stream, reader, parser_class(parser)(**options), throttle)


def openai_responses_text(
    stream: Events,
    parser: type[StreamParser[P, M]],
    *,
    throttle: float | None = None,
    **options: Any,
) -> ProviderStream[P, M]:
    """Snapshots of the output text of a Responses API stream (`text.format` schema)."""
    reader = OpenAIResponsesReader()
    return ProviderStream(stream, reader, parser_class(parser)(**options), throttle)


def anthropic_text(
    stream: Events,
    parser: type[StreamParser[P, M]],
    *,
    throttle: float | None = None,
    **options: Any,
) -> ProviderStream[P, M]:
    """Snapshots of the text blocks of an Anthropic Messages stream (JSON answered as
    text, e.g. with an output format or a `{` prefill: include the prefill yourself)."""
    reader = AnthropicReader()
    return ProviderStream(stream, reader, parser_class(parser)(**options), throttle)


def genai_content(
    stream: Events,
    parser: type[StreamParser[P, M]],
    *,
    candidate: int = 0,
    throttle: float | None = None,
    **options: Any,
) -> ProviderStream[P, M]:
    """Snapshots of the text parts of a Gemini `generate_content_stream` (google-genai,
    with `genai_config(Model)`), or of its raw SSE through `sse_json`. Thought parts
    are `reasoning`, never parsed; `MAX_TOKENS` raises IncompleteOutputError, a block by
    the provider's filters (`SAFETY`, a blocked prompt, ...) BlockedError. With
    `candidate_count > 1`, `candidate` picks the answer followed."""
    reader = GeminiReader(candidate)
    return ProviderStream(stream, reader, parser_class(parser)(**options), throttle)


def _tool_calls(
    stream: Events,
    reader: Reader,
    parsers: type[StreamParser[Any, Any]] | ParserTable,
    throttle: float | None,
    options: dict[str, Any],
) -> ToolCallStream[Any, Any]:
    every, table = parser_table(parsers)
    return ToolCallStream(stream, reader, Calls(every, table, options, throttle))


@overload
def openai_chat_tool_calls(
    stream: Events,
    parsers: type[StreamParser[P, M]],
    *,
    choice: int = 0,
    throttle: float | None = None,
    **options: Any,
) -> ToolCallStream[P, M]: ...
@overload
def openai_chat_tool_calls(
    stream: Events,
    parsers: Mapping[str, AnyParser],
    *,
    choice: int = 0,
    throttle: float | None = None,
    **options: Any,
) -> ToolCallStream[BaseModel, BaseModel]: ...
@overload
def openai_chat_tool_calls(
    stream: Events,
    parsers: Iterable[AnyParser],
    *,
    choice: int = 0,
    throttle: float | None = None,
    **options: Any,
) -> ToolCallStream[BaseModel, BaseModel]: ...
def openai_chat_tool_calls(
    stream: Events,
    parsers: type[StreamParser[Any, Any]] | ParserTable,
    *,
    choice: int = 0,
    throttle: float | None = None,
    **options: Any,
) -> ToolCallStream[Any, Any]:
    """Snapshots of the (parallel) tool calls of a Chat Completions stream, or of its
    legacy `function_call`. With `n > 1`, `choice` picks the answer followed."""
    return _tool_calls(stream, OpenAIChatReader(choice), parsers, throttle, options)


@overload
def openai_responses_function_calls(
    stream: Events,
    parsers: type[StreamParser[P, M]],
    *,
    throttle: float | None = None,
    **options: Any,
) -> ToolCallStream[P, M]: ...
@overload
def openai_responses_function_calls(
    stream: Events,
    parsers: Mapping[str, AnyParser],
    *,
    throttle: float | None = None,
    **options: Any,
) -> ToolCallStream[BaseModel, BaseModel]: ...
@overload
def openai_responses_function_calls(
    stream: Events,
    parsers: Iterable[AnyParser],
    *,
    throttle: float | None = None,
    **options: Any,
) -> ToolCallStream[BaseModel, BaseModel]: ...
def openai_responses_function_calls(
    stream: Events,
    parsers: type[StreamParser[Any, Any]] | ParserTable,
    *,
    throttle: float | None = None,
    **options: Any,
) -> ToolCallStream[Any, Any]:
    """Snapshots of the function calls of a Responses API stream."""
    return _tool_calls(stream, OpenAIResponsesReader(), parsers, throttle, options)


@overload
def anthropic_tool_uses(
    stream: Events,
    parsers: type[StreamParser[P, M]],
    *,
    throttle: float | None = None,
    **options: Any,
) -> ToolCallStream[P, M]: ...
@overload
def anthropic_tool_uses(
    stream: Events,
    parsers: Mapping[str, AnyParser],
    *,
    throttle: float | None = None,
    **options: Any,
) -> ToolCallStream[BaseModel, BaseModel]: ...
@overload
def anthropic_tool_uses(
    stream: Events,
    parsers: Iterable[AnyParser],
    *,
    throttle: float | None = None,
    **options: Any,
) -> ToolCallStream[BaseModel, BaseModel]: ...
def anthropic_tool_uses(
    stream: Events,
    parsers: type[StreamParser[Any, Any]] | ParserTable,
    *,
    throttle: float | None = None,
    **options: Any,
) -> ToolCallStream[Any, Any]:
    """Snapshots of the tool use blocks of an Anthropic Messages stream."""
    return _tool_calls(stream, AnthropicReader(), parsers, throttle, options)
