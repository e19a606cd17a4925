"""The one-call client: a request, its stream and its re-asks in one call.

    client = from_openai(OpenAI())
    stream = client.create_partial(MeetingInfoParser, model=..., messages=[...],
                                   max_retries=2)
    for snapshot in stream:          # PartialMeetingInfo
        render(snapshot)
    meeting = stream.result          # MeetingInfo

A thin layer over the adapters: it builds the request from the parser's model, reads
the response's raw bytes through the SSE decoder and a provider reader, and asks again
with the errors when the answer is invalid.
"""

from .attempts import Attempt, RetriesExhaustedError
from .clients import (
    AnthropicMode,
    AsyncPartialClient,
    GenAIMode,
    OpenAIMode,
    PartialClient,
    from_anthropic,
    from_genai,
    from_openai,
)
from .iterable import AsyncIterableStream, IterableStream
from .stream import AsyncPartialStream, PartialStream

__all__ = [
    "AnthropicMode",
    "AsyncIterableStream",
    "AsyncPartialClient",
    "AsyncPartialStream",
    "Attempt",
    "GenAIMode",
    "IterableStream",
    "OpenAIMode",
    "PartialClient",
    "PartialStream",
    "RetriesExhaustedError",
    "from_anthropic",
    "from_genai",
    "from_openai",
]
