"""`$ref` confinement: every document a schema reaches is found and checked here, before
datamodel-code-generator reads any of it.

A reference is a `#` pointer into its own document, a file inside the allowed root (after
symlinks are resolved), or, only for a target with `allow_remote_refs`, an https URL,
fetched here (see `remote.py`) and handed over as a local mirror. Anything else is
refused with the reference, the file it is in and its JSON pointer. The rules are in
docs/untrusted-schemas.md.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urldefrag, urljoin, urlsplit
from urllib.request import url2pathname

from . import remote
from .errors import GeneratorError
from .limits import (
    MAX_DOCUMENTS,
    MAX_REF_CHAIN,
    MAX_VALUES,
    measure,
    parse_document,
)

REF_KEYWORDS = ("$ref", "$dynamicRef", "$recursiveRef")
ID_KEYWORDS = ("$id", "id")  # `id` is draft-04's `$id`


@dataclass(frozen=True)
class RefPolicy:
    """Where references may lead for one target."""

    root: Path  # resolved
    allow_remote: bool = False

    @classmethod
    def under(cls, root: Path, allow_remote: bool = False) -> RefPolicy:
        return cls(root.resolve(), allow_remote)


@dataclass
class Reached:
    """Every document one schema reaches, all checked."""

    local_files: list[Path] = field(
        default_factory=list
    )  # resolved, the schema's own first
    remote: dict[str, bytes] = field(default_factory=dict)  # https URL → body fetched
    values: int = 0


def is_yaml(name: str) -> bool:
    return name.lower().endswith((".yaml", ".yml"))


def escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def confine(
    schema: Path,
    document: Any,
    policy: RefPolicy,
    fetch: Callable[[str], bytes] | None = None,
) -> Reached:
    """Walk `document` (the loaded `schema`) and every document it references."""
    return _Confinement(policy, fetch or remote.fetch).run(schema, document)


class _Confinement:
    def __init__(self, policy: RefPolicy, fetch: Callable[[str], bytes]) -> None:
        self.policy = policy
        self.fetch = fetch
        self.reached = Reached()
        self.seen: set[str] = set()  # document URIs, without fragment
        self.queue: list[tuple[str, Any]] = []  # (document URI, loaded document)
        self.ids: set[str] = set()  # `$id`s declared: references to them load nothing
        self.elsewhere: list[tuple[str, str, str]] = []  # (URI, $ref, where) not files
        self.edges: list[tuple[str, str, str, str, str]] = []  # see `chain_depth`

    def run(self, schema: Path, document: Any) -> Reached:
        path = schema.resolve()
        uri = path.as_uri()
        self.seen.add(uri)
        self.reached.local_files.append(path)
        self._count(document, self._label(uri))
        self.queue.append((uri, document))
        while self.queue or self.elsewhere:
            while self.queue:
                self._walk(*self.queue.pop(0))
            pending, self.elsewhere = self.elsewhere, []
            for target, ref, where in pending:
                self._remote(target, ref, where)
        depth, where = chain_depth(self.edges)
        if depth > MAX_REF_CHAIN:
            raise GeneratorError(
                f"{where}: $refs lead on through {depth} definitions or more, over the "
                f"limit of {MAX_REF_CHAIN}"
            )
        return self.reached

    def _count(self, document: Any, label: str) -> None:
        self.reached.values += measure(document, label)
        if self.reached.values > MAX_VALUES:
            raise GeneratorError(
                f"{label}: the schema and the documents it references hold more than "
                f"{MAX_VALUES} values; refusing them"
            )
        if len(self.seen) > MAX_DOCUMENTS:
            raise GeneratorError(
                f"{label}: the schema references more than {MAX_DOCUMENTS} documents"
            )

    def _label(self, uri: str) -> str:
        """A document as messages name it: relative to the root when it is inside."""
        if not uri.startswith("file:"):
            return uri
        path = _file_path(uri)
        return (
            path.relative_to(self.policy.root).as_posix()
            if path.is_relative_to(self.policy.root)
            else str(path)
        )

    def _walk(self, uri: str, document: Any) -> None:
        # (value, JSON pointer, base URI for relative references); measured already, so
        # neither deep nor large
        stack: list[tuple[Any, str, str]] = [(document, "", uri)]
        while stack:
            value, pointer, base = stack.pop()
            if isinstance(value, list):
                stack.extend(
                    (v, f"{pointer}/{i}", base)
                    for i, v in reversed(list(enumerate(value)))
                )
                continue
            if not isinstance(value, dict):
                continue
            for key in ID_KEYWORDS:
                if isinstance(value.get(key), str):
                    base = urljoin(base, value[key])
                    self.ids.add(urldefrag(base).url)
            for key in REF_KEYWORDS:
                ref = value.get(key)
                if isinstance(ref, str):
                    where = f"{self._label(uri)}#{pointer}/{escape(key)}"
                    self._reference(ref, where, uri, base)
                    self._edge(uri, pointer, ref, where)
            stack.extend(
                (v, f"{pointer}/{escape(str(k))}", base)
                for k, v in reversed(list(value.items()))
            )

    def _edge(self, uri: str, pointer: str, ref: str, where: str) -> None:
        target, fragment = urldefrag(urljoin(uri, ref.strip()))
        if urlsplit(target).scheme == "file":
            target = (
                Path(url2pathname(unquote(urlsplit(target).path))).resolve().as_uri()
            )
        fragment = unquote(fragment)
        if fragment and not fragment.startswith("/"):
            fragment = ""  # an anchor: counted as its whole document
        self.edges.append((uri, pointer, target, fragment, where))

    def _reference(self, ref: str, where: str, document: str, base: str) -> None:
        if ref.startswith("#"):
            return  # a pointer into this document (or the resource its `$id` names)
        # JSON Schema resolves against the `$id` in scope, datamodel-code-generator
        # sometimes against the file: both readings must be allowed.
        for against in dict.fromkeys((document, base)):
            target = urldefrag(urljoin(against, ref.strip())).url
            scheme = urlsplit(target).scheme
            if scheme == "file" and urlsplit(target).netloc in ("", "localhost"):
                self._file(_file_path(target), ref, where)
            else:
                self.elsewhere.append((target, ref, where))
        # It also reads a reference without a scheme as a plain path, where a URL
        # reader would see a query or decode escapes: `x.json?/../../secret.json`.
        if document.startswith("file:") and not urlsplit(ref).scheme:
            literal = ref.partition("#")[0]
            if literal:
                directory = _file_path(document).parent
                for spelling in dict.fromkeys((literal, unquote(literal))):
                    self._file(directory / spelling, ref, where)

    def _file(self, target: Path, ref: str, where: str) -> None:
        path = target.resolve()
        if not path.is_relative_to(self.policy.root):
            raise GeneratorError(
                f"{where}: $ref {ref!r} leads to {path}, outside the allowed root "
                f"{self.policy.root}; refusing it"
            )
        uri = path.as_uri()
        if uri in self.seen or not path.is_file():
            return  # a missing file is datamodel-code-generator's error to report
        self.seen.add(uri)
        self.reached.local_files.append(path)
        try:
            data = path.read_bytes()
        except OSError as e:
            raise GeneratorError(f"{where}: cannot read {path}: {e}") from None
        label = self._label(uri)
        document = parse_document(data, label, is_yaml(path.name))
        self._count(document, label)
        self.queue.append((uri, document))

    def _remote(self, target: str, ref: str, where: str) -> None:
        if target in self.ids or target in self.seen:
            return  # a schema resource declared in a document already reached
        scheme = urlsplit(target).scheme
        if scheme != "https" or not self.policy.allow_remote:
            why = (
                "remote $refs are off (a target enables them with allow_remote_refs = true)"
                if scheme == "https"
                else "only # pointers, files inside the root and (when allowed) https "
                "URLs are followed"
            )
            raise GeneratorError(f"{where}: $ref {ref!r} leads to {target!r}; {why}")
        self.seen.add(target)
        try:
            body = self.fetch(target)
        except GeneratorError as e:
            raise GeneratorError(f"{where}: $ref {ref!r}: {e}") from None
        self.reached.remote[target] = body
        document = parse_document(body, target, is_yaml(urlsplit(target).path))
        self._count(document, target)
        self.queue.append((target, document))


def _file_path(uri: str) -> Path:
    return Path(url2pathname(unquote(urlsplit(uri).path)))


def chain_depth(edges: list[tuple[str, str, str, str, str]]) -> tuple[int, str]:
    """The longest run of `$ref`s that lead from one definition into the next, cycles
    cut where they close (recursion is fine; depth is what exhausts the stack of
    datamodel-code-generator and pydantic), and a `$ref` on it.

    `edges` are (document, pointer of the object holding the $ref, target document,
    target pointer, where): a target holds the refs whose objects are inside it.
    """
    inside: dict[str, list[str]] = {}
    leaving: dict[tuple[str, str], list[tuple[str, str]]] = {}
    where_to: dict[tuple[str, str], str] = {}
    for document, pointer, target, fragment, where in edges:
        inside.setdefault(document, []).append(pointer)
        leaving.setdefault((document, pointer), []).append((target, fragment))
        where_to.setdefault((target, fragment), where)
    for pointers in inside.values():
        pointers.sort()
    memo: dict[tuple[str, str], list[tuple[str, str]]] = {}

    def children(node: tuple[str, str]) -> list[tuple[str, str]]:
        if node not in memo:
            document, start = node
            pointers = inside.get(document, [])
            low = bisect_left(pointers, start)
            high = bisect_left(pointers, start + "0") if start else len(pointers)
            found = dict.fromkeys(
                target
                for pointer in dict.fromkeys(pointers[low:high])
                if pointer == start or pointer.startswith(start + "/") or not start
                for target in leaving[(document, pointer)]
            )
            memo[node] = list(found)
        return memo[node]

    depths: dict[tuple[str, str], int] = {}
    best, best_where = 0, ""
    for first in where_to:
        if first in depths:
            continue
        on_path = {first}
        stack = [(first, list(children(first)))]
        while stack:
            node, pending = stack[-1]
            while pending and (pending[-1] in depths or pending[-1] in on_path):
                pending.pop()
            if pending:
                child = pending.pop()
                on_path.add(child)
                stack.append((child, list(children(child))))
                continue
            stack.pop()
            on_path.discard(node)
            depth = 1 + max(
                (depths[c] for c in children(node) if c in depths), default=0
            )
            depths[node] = depth
            if depth > best:
                best, best_where = depth, where_to[node]
            if best > MAX_REF_CHAIN:
                return best, best_where
    return best, best_where


def write_mirror(directory: Path, bodies: dict[str, bytes]) -> None:
    """Lay fetched bodies out as datamodel-code-generator's `http_local_ref_path` reads
    them (`host/path`), so it never fetches what was checked here."""
    for url, body in bodies.items():
        parts = urlsplit(url)
        segments = [unquote(s) for s in parts.path.split("/") if s]
        if any(s in (".", "..") or "/" in s or "\\" in s for s in segments):
            raise GeneratorError(f"cannot mirror {url!r}: dot segments in its path")
        host = parts.netloc.rpartition("@")[2]
        path = (
            directory.joinpath(host, *segments)
            if segments
            else directory / f"{host}.json"
        )
        if not path.resolve().is_relative_to(directory.resolve()):
            raise GeneratorError(f"cannot mirror {url!r}")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(body)
