"""How each provider and mode asks for an answer, reads it, and asks again.

A dialect builds the SDK call's keyword arguments, names the reader for the events, and
extends the conversation for a re-ask the way that provider's API requires. It opens
the response through the SDK's streaming-response interface, so the SDK still does
auth, base URL, timeouts, connection retries and HTTP errors, while the bytes go
through our SSE decoder instead of the SDK's per-chunk objects (google-genai has no
such interface: its dialect reads the SDK's stream, see `GenAIJSON`).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import (
    AsyncIterable,
    AsyncIterator,
    Callable,
    Iterable,
    Iterator,
    Mapping,
)
from contextlib import (
    AbstractAsyncContextManager,
    AbstractContextManager,
    asynccontextmanager,
    contextmanager,
)
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from ..providers.events import (
    AnthropicReader,
    GeminiReader,
    OpenAIChatReader,
    OpenAIResponsesReader,
    Reader,
)
from ..providers.sse import asse_json, sse_json
from ..requests import (
    Subject,
    anthropic_tool_for,
    genai_config_for,
    output_format_for,
    response_format_for,
    responses_format_for,
    responses_tool_for,
    tool_for,
)
from .forced import ForcedCall


@dataclass(frozen=True, slots=True)
class Answer:
    """What the model answered in a failed attempt: the text parsed, and for a tool
    call its id and name (what the re-ask's tool result must refer to)."""

    text: str
    snapshot: BaseModel | None = None
    call_id: str | None = None
    call_name: str | None = None


class Dialect(ABC):
    """One provider and mode. Subclasses fill in the four provider-specific steps."""

    conversation = "messages"  # the keyword holding the conversation
    forced_tool = False  # the answer is a forced tool call's arguments

    @abstractmethod
    def request(
        self, subject: Subject, kwargs: dict[str, Any], strict: bool | None
    ) -> dict[str, Any]:
        """The SDK call's keyword arguments: the user's, plus what this mode needs."""

    @abstractmethod
    def base_reader(self) -> Reader:
        """The reader of this provider's events."""

    @abstractmethod
    def reask(
        self, request: dict[str, Any], answer: Answer, feedback: str
    ) -> dict[str, Any]:
        """The next attempt's arguments: the conversation, the answer, the feedback."""

    @abstractmethod
    def endpoint(self, client: Any) -> Callable[..., Any]:
        """The SDK's streaming-response method for this mode."""

    def reader(self) -> Reader:
        base = self.base_reader()
        return ForcedCall(base) if self.forced_tool else base

    def events(
        self, client: Any, request: dict[str, Any]
    ) -> AbstractContextManager[Iterable[Any]]:
        """The response's events, decoded from its raw bytes; closed on leaving."""
        return _sse(self.endpoint(client), request)

    def aevents(
        self, client: Any, request: dict[str, Any]
    ) -> AbstractAsyncContextManager[AsyncIterable[Any]]:
        """The async twin of `events`."""
        return _asse(self.endpoint(client), request)

    def conversation_of(self, request: dict[str, Any]) -> list[Any]:
        """A copy of the conversation so far, to extend for a re-ask."""
        turns = request.get(self.conversation)
        if isinstance(turns, str):
            return [{"role": "user", "content": turns}]
        if turns is None:
            return []
        return list(turns)

    def continued(self, request: dict[str, Any], *turns: Any) -> dict[str, Any]:
        return {**request, self.conversation: [*self.conversation_of(request), *turns]}

    def answer_turn(self, text: str) -> Any:
        """The model's own answer as a turn of the conversation."""
        return {"role": "assistant", "content": text}

    def feedback_turn(self, feedback: str) -> Any:
        """The message that names the errors, as the user's turn."""
        return {"role": "user", "content": feedback}


@contextmanager
def _sse(call: Callable[..., Any], request: dict[str, Any]) -> Iterator[Iterable[Any]]:
    with call(**request) as response:
        yield sse_json(response.iter_bytes())


@asynccontextmanager
async def _asse(
    call: Callable[..., Any], request: dict[str, Any]
) -> AsyncIterator[AsyncIterable[Any]]:
    async with call(**request) as response:
        yield asse_json(response.iter_bytes())


def _refuse(taken: list[str]) -> None:
    if taken:
        raise TypeError(
            f"partialgen sets {', '.join(taken)} from the parser in this mode; pass "
            "another mode, or call the SDK yourself and use an adapter "
            "(openai_chat_content, anthropic_tool_uses, ...)"
        )


def claim(kwargs: dict[str, Any], *names: str) -> None:
    """Refuse keywords this mode sets itself, rather than silently overriding them."""
    _refuse([n for n in names if n in kwargs])


def merged(kwargs: dict[str, Any], name: str, **values: Any) -> dict[str, Any]:
    """A dict-valued keyword with our keys added to the user's (theirs must not clash)."""
    given = dict(kwargs.get(name) or {})
    _refuse([f"{name}[{k!r}]" for k in values if k in given])
    return {**given, **values}


# -- OpenAI ----------------------------------------------------------------------------


def _text_reask(
    dialect: Dialect, request: dict[str, Any], answer: Answer, feedback: str
) -> dict[str, Any]:
    """The answer as the model's own turn, then the feedback as the user's."""
    # Anthropic rejects an assistant turn that is empty or ends in whitespace.
    said = answer.text.rstrip()
    turns = [dialect.answer_turn(said)] if said else []
    return dialect.continued(request, *turns, dialect.feedback_turn(feedback))


class OpenAIChatJSON(Dialect):
    """Chat Completions with `response_format` (strict structured outputs if it fits)."""

    def request(
        self, subject: Subject, kwargs: dict[str, Any], strict: bool | None
    ) -> dict[str, Any]:
        claim(kwargs, "response_format", "stream")
        return {
            **kwargs,
            "response_format": response_format_for(subject, None, None, strict),
            "stream": True,
            "stream_options": merged(kwargs, "stream_options", include_usage=True),
        }

    def base_reader(self) -> Reader:
        return OpenAIChatReader()

    def endpoint(self, client: Any) -> Callable[..., Any]:
        return client.chat.completions.with_streaming_response.create  # type: ignore[no-any-return]

    def reask(
        self, request: dict[str, Any], answer: Answer, feedback: str
    ) -> dict[str, Any]:
        return _text_reask(self, request, answer, feedback)


class OpenAIChatTools(OpenAIChatJSON):
    """Chat Completions with one forced function tool."""

    forced_tool = True

    def request(
        self, subject: Subject, kwargs: dict[str, Any], strict: bool | None
    ) -> dict[str, Any]:
        claim(kwargs, "tools", "tool_choice", "stream")
        tool = tool_for(subject, None, None, strict)
        return {
            **kwargs,
            "tools": [tool],
            "tool_choice": {
                "type": "function",
                "function": {"name": tool["function"]["name"]},
            },
            "parallel_tool_calls": False,
            "stream": True,
            "stream_options": merged(kwargs, "stream_options", include_usage=True),
        }

    def reask(
        self, request: dict[str, Any], answer: Answer, feedback: str
    ) -> dict[str, Any]:
        if answer.call_id is None:  # no call began: tell the model in plain words
            return super().reask(request, answer, feedback)
        call = {
            "id": answer.call_id,
            "type": "function",
            "function": {"name": answer.call_name, "arguments": answer.text},
        }
        return self.continued(
            request,
            {"role": "assistant", "content": None, "tool_calls": [call]},
            {"role": "tool", "tool_call_id": answer.call_id, "content": feedback},
        )


class OpenAIResponsesJSON(Dialect):
    """The Responses API with a `text.format` JSON schema."""

    conversation = "input"

    def request(
        self, subject: Subject, kwargs: dict[str, Any], strict: bool | None
    ) -> dict[str, Any]:
        claim(kwargs, "stream")
        form = responses_format_for(subject, None, None, strict)
        return {**kwargs, "text": merged(kwargs, "text", format=form), "stream": True}

    def base_reader(self) -> Reader:
        return OpenAIResponsesReader()

    def endpoint(self, client: Any) -> Callable[..., Any]:
        return client.responses.with_streaming_response.create  # type: ignore[no-any-return]

    def reask(
        self, request: dict[str, Any], answer: Answer, feedback: str
    ) -> dict[str, Any]:
        return _text_reask(self, request, answer, feedback)


class OpenAIResponsesTools(OpenAIResponsesJSON):
    """The Responses API with one forced function tool."""

    forced_tool = True

    def request(
        self, subject: Subject, kwargs: dict[str, Any], strict: bool | None
    ) -> dict[str, Any]:
        claim(kwargs, "tools", "tool_choice", "stream")
        tool = responses_tool_for(subject, None, None, strict)
        return {
            **kwargs,
            "tools": [tool],
            "tool_choice": {"type": "function", "name": tool["name"]},
            "parallel_tool_calls": False,
            "stream": True,
        }

    def reask(
        self, request: dict[str, Any], answer: Answer, feedback: str
    ) -> dict[str, Any]:
        if answer.call_id is None:
            return super().reask(request, answer, feedback)
        return self.continued(
            request,
            {
                "type": "function_call",
                "call_id": answer.call_id,
                "name": answer.call_name,
                "arguments": answer.text,
            },
            {
                "type": "function_call_output",
                "call_id": answer.call_id,
                "output": feedback,
            },
        )


# -- Anthropic -------------------------------------------------------------------------


class AnthropicTools(Dialect):
    """Messages with one forced tool: the tool's input is the answer."""

    forced_tool = True

    def request(
        self, subject: Subject, kwargs: dict[str, Any], strict: bool | None
    ) -> dict[str, Any]:
        claim(kwargs, "tools", "tool_choice", "stream")
        if (kwargs.get("thinking") or {}).get("type") in ("enabled", "adaptive"):
            raise TypeError(
                "Anthropic cannot force a tool call while thinking is enabled; use "
                "from_anthropic(client, mode='json') with thinking"
            )
        tool = anthropic_tool_for(subject, None, None, bool(strict))
        return {
            **kwargs,
            "tools": [tool],
            "tool_choice": {"type": "tool", "name": tool["name"]},
            "stream": True,
        }

    def base_reader(self) -> Reader:
        return AnthropicReader()

    def endpoint(self, client: Any) -> Callable[..., Any]:
        return client.messages.with_streaming_response.create  # type: ignore[no-any-return]

    def reask(
        self, request: dict[str, Any], answer: Answer, feedback: str
    ) -> dict[str, Any]:
        if answer.call_id is None:
            return _text_reask(self, request, answer, feedback)
        use = {
            "type": "tool_use",
            "id": answer.call_id,
            "name": answer.call_name,
            "input": _best_effort_object(answer.snapshot),
        }
        result = {
            "type": "tool_result",
            "tool_use_id": answer.call_id,
            "is_error": True,
            "content": feedback,
        }
        return self.continued(
            request,
            {"role": "assistant", "content": [use]},
            {"role": "user", "content": [result]},
        )


def _best_effort_object(snapshot: BaseModel | None) -> dict[str, Any]:
    """A tool use's input must be an object, and the arguments may not be JSON: the last
    snapshot holds what was read of them, complete values only (the feedback says
    what was wrong either way)."""
    if snapshot is None:
        return {}
    return snapshot.model_dump(mode="json", by_alias=True, exclude_none=True)


class AnthropicJSON(Dialect):
    """Messages with structured outputs (`output_config.format`): the text is the answer."""

    def request(
        self, subject: Subject, kwargs: dict[str, Any], strict: bool | None
    ) -> dict[str, Any]:
        claim(kwargs, "stream")
        form = output_format_for(subject, strict)
        config = merged(kwargs, "output_config", format=form)
        return {**kwargs, "output_config": config, "stream": True}

    def base_reader(self) -> Reader:
        return AnthropicReader()

    def endpoint(self, client: Any) -> Callable[..., Any]:
        return client.messages.with_streaming_response.create  # type: ignore[no-any-return]

    def reask(
        self, request: dict[str, Any], answer: Answer, feedback: str
    ) -> dict[str, Any]:
        return _text_reask(self, request, answer, feedback)


# -- Gemini (google-genai) -------------------------------------------------------------

# What the JSON mode sets in `config` (`response_schema` is the older, exclusive twin).
_GENAI_CONFIG = ("response_mime_type", "response_json_schema", "response_schema")


class GenAIJSON(Dialect):
    """`generate_content_stream` with JSON output and the model's JSON Schema.

    google-genai has no streaming-response interface to read raw bytes from: it refuses
    `should_return_http_response` for streams, and its `_api_client.request_streamed` is
    private and yields events it already decoded. Reaching the bytes would take its
    private request converters too, and would bypass what its iterator does beyond
    HTTP: automatic continuation (a `CONTINUATION` hop resumed with its token, a dropped
    stream reconnected) and function calling, which change what the answer is. So this
    dialect iterates the SDK's own typed stream, and the reader reads its objects by
    field name as it reads the REST JSON. The price is CPU: about 0.5 ms per chunk in
    the SDK against 0.1 ms for bytes through `sse_json` and the reader (measured with
    an in-process transport), paid per chunk, and Gemini's chunks carry several tokens.
    """

    conversation = "contents"

    def request(
        self, subject: Subject, kwargs: dict[str, Any], strict: bool | None
    ) -> dict[str, Any]:
        return {**kwargs, "config": _genai_config(kwargs.get("config"), subject)}

    def base_reader(self) -> Reader:
        return GeminiReader()

    def endpoint(self, client: Any) -> Callable[..., Any]:
        return client.models.generate_content_stream  # type: ignore[no-any-return]

    def events(
        self, client: Any, request: dict[str, Any]
    ) -> AbstractContextManager[Iterable[Any]]:
        return _typed(self.endpoint(client), request)

    def aevents(
        self, client: Any, request: dict[str, Any]
    ) -> AbstractAsyncContextManager[AsyncIterable[Any]]:
        return _atyped(self.endpoint(client), request)

    def conversation_of(self, request: dict[str, Any]) -> list[Any]:
        # The SDK reads a list of parts (or one string) as one user turn.
        contents = request.get(self.conversation)
        if contents is None:
            return []
        return list(contents) if isinstance(contents, list) else [contents]

    def answer_turn(self, text: str) -> Any:
        return _genai_turn("model", text)

    def feedback_turn(self, feedback: str) -> Any:
        return _genai_turn("user", feedback)

    def reask(
        self, request: dict[str, Any], answer: Answer, feedback: str
    ) -> dict[str, Any]:
        return _text_reask(self, request, answer, feedback)


def _genai_config(config: Any, subject: Subject) -> Any:
    """The user's config (a dict or a `GenerateContentConfig`) with JSON output added."""
    ours = genai_config_for(subject)
    if config is None or isinstance(config, Mapping):
        given = dict(config or {})
        _refuse([f"config[{k!r}]" for k in _GENAI_CONFIG if k in given])
        return {**given, **ours}
    _refuse([f"config.{k}" for k in _GENAI_CONFIG if getattr(config, k, None)])
    return config.model_copy(update=ours)


def _genai_turn(role: str, text: str) -> Any:
    # An SDK object, not a dict: the SDK groups a list's leading parts (a string
    # prompt) into a user turn only when a `Content` object follows them; after a
    # dict they would be sent last.
    from google.genai import types

    return types.Content(role=role, parts=[types.Part(text=text)])


@contextmanager
def _typed(call: Callable[..., Any], request: dict[str, Any]) -> Iterator[Any]:
    stream = call(**request)
    try:
        yield stream
    finally:
        stream.close()  # a generator: closing it closes the HTTP response


@asynccontextmanager
async def _atyped(
    call: Callable[..., Any], request: dict[str, Any]
) -> AsyncIterator[Any]:
    stream = await call(**request)
    try:
        yield stream
    finally:
        await stream.aclose()


OPENAI_MODES: dict[str, type[Dialect]] = {
    "json_schema": OpenAIChatJSON,
    "tools": OpenAIChatTools,
    "responses": OpenAIResponsesJSON,
    "responses_tools": OpenAIResponsesTools,
}
ANTHROPIC_MODES: dict[str, type[Dialect]] = {
    "tools": AnthropicTools,
    "json": AnthropicJSON,
}
GENAI_MODES: dict[str, type[Dialect]] = {"json": GenAIJSON}
