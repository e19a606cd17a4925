"""The one-call clients: wrap the SDK client a user already has, sync or async."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from functools import partial
from typing import TYPE_CHECKING, Any, Literal, TypeVar, overload

from pydantic import BaseModel

from ..items import Items, ItemsParser, PartialItems
from ..parser import StreamParser, parser_class
from ..requests import Subject
from .dialects import ANTHROPIC_MODES, GENAI_MODES, OPENAI_MODES, Dialect
from .iterable import AsyncIterableStream, IterableStream
from .stream import AsyncPartialStream, Attempts, PartialStream

if TYPE_CHECKING:  # the SDK clients, for the overloads only
    from anthropic import Anthropic, AsyncAnthropic
    from google.genai import Client as GenAIClient
    from google.genai.client import AsyncClient as AsyncGenAIClient
    from openai import AsyncOpenAI, OpenAI

P = TypeVar("P", bound=BaseModel)
M = TypeVar("M", bound=BaseModel)

OpenAIMode = Literal["json_schema", "tools", "responses", "responses_tools"]
AnthropicMode = Literal["tools", "json"]
GenAIMode = Literal["json"]


class _Client:
    def __init__(self, sdk: Any, dialect: Dialect) -> None:
        self.sdk = sdk  # the SDK client, as given
        self.dialect = dialect

    def _attempts(
        self,
        parser: Callable[..., StreamParser[P, M]],
        subject: Subject,
        max_retries: int,
        retry_incomplete: bool,
        strict: bool | None,
        parser_options: Mapping[str, Any] | None,
        kwargs: dict[str, Any],
        throttle: float | None = None,
    ) -> Attempts[P, M]:
        return Attempts(
            self.dialect,
            parser,
            subject,
            self.dialect.request(subject, kwargs, strict),
            max_retries=max_retries,
            retry_incomplete=retry_incomplete,
            parser_options=parser_options or {},
            throttle=throttle,
        )

    def _item_attempts(
        self,
        parser: type[StreamParser[P, M]],
        max_retries: int,
        retry_incomplete: bool,
        strict: bool | None,
        parser_options: Mapping[str, Any] | None,
        kwargs: dict[str, Any],
    ) -> Attempts[PartialItems, Items]:
        items: Callable[..., ItemsParser[P, M]] = partial(ItemsParser, parser)
        subject = Subject.items_of(parser_class(parser).spec.full)
        return self._attempts(
            items,
            subject,
            max_retries,
            retry_incomplete,
            strict,
            parser_options,
            kwargs,
        )


class PartialClient(_Client):
    """One call per answer over a sync SDK client; every other keyword goes to the SDK.

    `max_retries` is how many times an invalid answer is asked for again (0: never),
    `retry_incomplete=True` also asks again when the token limit cut the answer,
    `strict` is as for `openai_response_format`, `parser_options` go to the parser,
    `throttle` (seconds) shows at most one snapshot per that long, the last never
    withheld.
    """

    def create_partial(
        self,
        parser: type[StreamParser[P, M]],
        *,
        max_retries: int = 0,
        retry_incomplete: bool = False,
        strict: bool | None = None,
        parser_options: Mapping[str, Any] | None = None,
        throttle: float | None = None,
        **kwargs: Any,
    ) -> PartialStream[P, M]:
        """Typed snapshots of the answer while it streams; `.result` at the end."""
        subject = Subject.of(parser_class(parser).spec.full)
        attempts = self._attempts(
            parser,
            subject,
            max_retries,
            retry_incomplete,
            strict,
            parser_options,
            kwargs,
            throttle,
        )
        return PartialStream(self.sdk, attempts)

    def create(
        self,
        parser: type[StreamParser[P, M]],
        *,
        max_retries: int = 0,
        retry_incomplete: bool = False,
        strict: bool | None = None,
        parser_options: Mapping[str, Any] | None = None,
        **kwargs: Any,
    ) -> M:
        """The validated answer (streamed, so an invalid one stops as soon as it is)."""
        stream = self.create_partial(
            parser,
            max_retries=max_retries,
            retry_incomplete=retry_incomplete,
            strict=strict,
            parser_options=parser_options,
            **kwargs,
        )
        with stream:
            for _ in stream:
                pass
        return stream.result

    def create_iterable(
        self,
        parser: type[StreamParser[P, M]],
        *,
        max_retries: int = 0,
        retry_incomplete: bool = False,
        strict: bool | None = None,
        parser_options: Mapping[str, Any] | None = None,
        **kwargs: Any,
    ) -> IterableStream[P, M]:
        """Each item of a list of `parser`'s model, validated, as soon as it completes;
        `.result` holds them all at the end."""
        attempts = self._item_attempts(
            parser, max_retries, retry_incomplete, strict, parser_options, kwargs
        )
        return IterableStream(PartialStream(self.sdk, attempts))


class AsyncPartialClient(_Client):
    """The async twin of `PartialClient`, over an async SDK client."""

    def create_partial(
        self,
        parser: type[StreamParser[P, M]],
        *,
        max_retries: int = 0,
        retry_incomplete: bool = False,
        strict: bool | None = None,
        parser_options: Mapping[str, Any] | None = None,
        throttle: float | None = None,
        **kwargs: Any,
    ) -> AsyncPartialStream[P, M]:
        """Typed snapshots of the answer while it streams (`async for`); `.result`."""
        subject = Subject.of(parser_class(parser).spec.full)
        attempts = self._attempts(
            parser,
            subject,
            max_retries,
            retry_incomplete,
            strict,
            parser_options,
            kwargs,
            throttle,
        )
        return AsyncPartialStream(self.sdk, attempts)

    async def create(
        self,
        parser: type[StreamParser[P, M]],
        *,
        max_retries: int = 0,
        retry_incomplete: bool = False,
        strict: bool | None = None,
        parser_options: Mapping[str, Any] | None = None,
        **kwargs: Any,
    ) -> M:
        """The validated answer (streamed, so an invalid one stops as soon as it is)."""
        stream = self.create_partial(
            parser,
            max_retries=max_retries,
            retry_incomplete=retry_incomplete,
            strict=strict,
            parser_options=parser_options,
            **kwargs,
        )
        async with stream:
            async for _ in stream:
                pass
        return stream.result

    def create_iterable(
        self,
        parser: type[StreamParser[P, M]],
        *,
        max_retries: int = 0,
        retry_incomplete: bool = False,
        strict: bool | None = None,
        parser_options: Mapping[str, Any] | None = None,
        **kwargs: Any,
    ) -> AsyncIterableStream[P, M]:
        """Each item of a list of `parser`'s model, validated, as soon as it completes
        (`async for`); `.result` holds them all at the end."""
        attempts = self._item_attempts(
            parser, max_retries, retry_incomplete, strict, parser_options, kwargs
        )
        return AsyncIterableStream(AsyncPartialStream(self.sdk, attempts))


def _dialect(modes: Mapping[str, type[Dialect]], mode: str, provider: str) -> Dialect:
    if mode not in modes:
        raise ValueError(
            f"{provider} modes are {', '.join(map(repr, modes))}; got {mode!r}"
        )
    return modes[mode]()


def _wrap(
    sdk: Any, method: Any, dialect: Dialect
) -> PartialClient | AsyncPartialClient:
    # Sync and async SDK clients differ by their methods, whatever their class
    # (Azure, Bedrock and Vertex clients included); the SDKs wrap them in decorators.
    if inspect.iscoroutinefunction(inspect.unwrap(method)):
        return AsyncPartialClient(sdk, dialect)
    return PartialClient(sdk, dialect)


@overload
def from_openai(
    client: AsyncOpenAI, *, mode: OpenAIMode = ...
) -> AsyncPartialClient: ...
@overload
def from_openai(client: OpenAI, *, mode: OpenAIMode = ...) -> PartialClient: ...
def from_openai(
    client: Any, *, mode: OpenAIMode = "json_schema"
) -> PartialClient | AsyncPartialClient:
    """One-call streaming over an `OpenAI()` or `AsyncOpenAI()` client.

    Modes: `json_schema` (Chat Completions structured outputs, strict where the model
    allows it), `tools` (a forced function tool), `responses` (the Responses API's
    `text.format`), `responses_tools` (a forced Responses function tool).
    """
    dialect = _dialect(OPENAI_MODES, mode, "OpenAI")
    return _wrap(client, client.chat.completions.create, dialect)


@overload
def from_anthropic(
    client: AsyncAnthropic, *, mode: AnthropicMode = ...
) -> AsyncPartialClient: ...
@overload
def from_anthropic(
    client: Anthropic, *, mode: AnthropicMode = ...
) -> PartialClient: ...
def from_anthropic(
    client: Any, *, mode: AnthropicMode = "tools"
) -> PartialClient | AsyncPartialClient:
    """One-call streaming over an `Anthropic()` or `AsyncAnthropic()` client.

    Modes: `tools` (a forced tool whose input is the answer) and `json` (structured
    outputs: the answer's text, which also works with extended thinking).
    """
    dialect = _dialect(ANTHROPIC_MODES, mode, "Anthropic")
    return _wrap(client, client.messages.create, dialect)


@overload
def from_genai(
    client: AsyncGenAIClient, *, mode: GenAIMode = ...
) -> AsyncPartialClient: ...
@overload
def from_genai(client: GenAIClient, *, mode: GenAIMode = ...) -> PartialClient: ...
def from_genai(
    client: Any, *, mode: GenAIMode = "json"
) -> PartialClient | AsyncPartialClient:
    """One-call streaming over a google-genai `genai.Client()` (Gemini API or Vertex
    AI); pass its `client.aio` for async methods.

    The call is `generate_content_stream(model=..., contents=..., config=...)`; the
    mode `json` adds JSON output with the model's JSON Schema to `config`.
    """
    dialect = _dialect(GENAI_MODES, mode, "Gemini")
    return _wrap(client, client.models.generate_content_stream, dialect)
