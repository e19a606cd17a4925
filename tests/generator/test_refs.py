"""`$ref`s stay inside the allowed root and never reach the network unless a target asks.

Each way out (`..`, absolute paths, `file://`, symlinks, `$id` bases, URLs, and refs in
referenced files) is refused with exit 2 and one line naming the `$ref`, the file it is
in and its JSON pointer; nothing is written and no outside content is read into the
output. URL tests keep a real socket listening on 127.0.0.1 and assert that nothing
connected to it.
"""

from __future__ import annotations

import json
import os
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from partialgen.__main__ import main
from partialgen.generator import GeneratorError, remote
from partialgen.generator.schema import models_source

from tests.generator.support import Workspace

SECRET = "SECRET-42"


class Listener:
    """A TCP socket listening on 127.0.0.1: the kernel completes any connection made to
    it into the backlog, so `connections()` sees it even though nothing serves it."""

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0), backlog=16)
        self.port = self.server.getsockname()[1]

    def connections(self) -> int:
        self.server.settimeout(0.2)
        count = 0
        while True:
            try:
                connection, _ = self.server.accept()
            except TimeoutError:
                return count
            connection.close()
            count += 1


@pytest.fixture
def listener() -> Iterator[Listener]:
    server = Listener()
    yield server
    server.server.close()


@pytest.fixture
def project(ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """`tmp_path/proj` is the cwd (the allowed root); `tmp_path/outside` holds a secret."""
    outside = tmp_path / "outside"
    outside.mkdir()
    write_json(
        outside / "secret.json",
        {
            "title": "Secret",
            "type": "object",
            "description": SECRET,
            "properties": {"v": {"type": "string", "default": SECRET}},
        },
    )
    root = tmp_path / "proj"
    (root / "schemas").mkdir(parents=True)
    monkeypatch.chdir(root)
    return root


def write_json(path: Path, document: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def schema_with_ref(ref: str, title: str = "Host") -> dict[str, Any]:
    return {
        "title": title,
        "type": "object",
        "properties": {"x": {"$ref": ref}},
    }


def generate(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["generate", *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def assert_refused(code: int, err: str, root: Path, *expected: str) -> None:
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("partialgen: error: ")
    for text in expected:
        assert text in lines[0]
    assert "Traceback" not in err
    assert not (root / "out").exists()  # nothing written, so no secret copied anywhere


OUTSIDE_REFS = [
    pytest.param("../../outside/secret.json", id="dot-dot"),
    pytest.param("../../outside/secret.json#/properties/v", id="dot-dot-pointer"),
    pytest.param("/etc/passwd", id="absolute-etc-passwd"),
    pytest.param("file:///etc/passwd", id="file-url-etc-passwd"),
    pytest.param("file://localhost/etc/passwd", id="file-url-localhost"),
    pytest.param("FILE:///etc/passwd", id="file-url-upper-case"),
]


@pytest.mark.parametrize("ref", OUTSIDE_REFS)
def test_refs_leading_outside_the_root_are_refused(
    project: Path, capsys: pytest.CaptureFixture[str], ref: str
) -> None:
    write_json(project / "schemas/a.json", schema_with_ref(ref))
    code, _, err = generate(
        capsys, "--schema", "schemas/a.json", "--output", "out/a.py"
    )
    assert_refused(
        code, err, project, repr(ref), "schemas/a.json#/properties/x/$ref", "outside"
    )


def test_absolute_path_and_file_url_of_an_outside_file_are_refused(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    secret = (project.parent / "outside/secret.json").resolve()
    for index, ref in enumerate([str(secret), secret.as_uri()]):
        write_json(project / f"schemas/a{index}.json", schema_with_ref(ref))
        code, _, err = generate(
            capsys, "--schema", f"schemas/a{index}.json", "--output", f"out/a{index}.py"
        )
        assert_refused(code, err, project, repr(ref), f"schemas/a{index}.json#/")


def test_a_symlink_inside_the_root_pointing_outside_is_refused(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "schemas/link.json").symlink_to(project.parent / "outside/secret.json")
    (project / "schemas/linkdir").symlink_to(project.parent / "outside")
    for ref in ("link.json", "linkdir/secret.json"):
        write_json(project / "schemas/a.json", schema_with_ref(ref))
        code, _, err = generate(
            capsys, "--schema", "schemas/a.json", "--output", "out/a.py"
        )
        assert_refused(code, err, project, repr(ref), "outside the allowed root")


def test_a_ref_inside_a_referenced_file_is_checked_too(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_json(project / "schemas/a.json", schema_with_ref("../common/hop.json"))
    write_json(
        project / "common/hop.json",
        {
            "title": "Hop",
            "type": "object",
            "properties": {"next": {"$ref": "../../outside/secret.json"}},
        },
    )
    code, _, err = generate(
        capsys, "--schema", "schemas/a.json", "--output", "out/a.py"
    )
    assert_refused(
        code,
        err,
        project,
        "common/hop.json#/properties/next/$ref",
        "'../../outside/secret.json'",
    )


def test_ref_in_a_yaml_document_is_named_by_its_pointer(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "schemas/a.yaml").write_text(
        "title: Host\ntype: object\nproperties:\n"
        "  'a/b~c':\n    items:\n      - $ref: /etc/passwd\n",
        encoding="utf-8",
    )
    code, _, err = generate(
        capsys, "--schema", "schemas/a.yaml", "--output", "out/a.py"
    )
    assert_refused(
        code, err, project, "schemas/a.yaml#/properties/a~1b~0c/items/0/$ref"
    )


def test_an_id_base_cannot_lead_outside(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    document = schema_with_ref("passwd")
    document["$id"] = "file:///etc/"
    write_json(project / "schemas/a.json", document)
    code, _, err = generate(
        capsys, "--schema", "schemas/a.json", "--output", "out/a.py"
    )
    assert_refused(code, err, project, "'passwd'", "/etc/passwd")


def test_an_https_id_base_makes_a_relative_ref_remote(
    project: Path, capsys: pytest.CaptureFixture[str], listener: Listener
) -> None:
    document = schema_with_ref("b.json")
    document["$id"] = f"https://127.0.0.1:{listener.port}/schemas/a.json"
    write_json(project / "schemas/a.json", document)
    write_json(project / "schemas/b.json", {"title": "B", "type": "string"})
    code, _, err = generate(
        capsys, "--schema", "schemas/a.json", "--output", "out/a.py"
    )
    assert_refused(code, err, project, "'b.json'", "remote $refs are off")
    assert listener.connections() == 0


def test_an_https_id_with_pointer_refs_generates(
    project: Path, capsys: pytest.CaptureFixture[str], listener: Listener
) -> None:
    document = schema_with_ref("#/$defs/Inner")
    document["$id"] = f"https://127.0.0.1:{listener.port}/schemas/a.json"
    document["$defs"] = {
        "Inner": {
            "title": "Inner",
            "type": "object",
            "properties": {"n": {"type": "integer"}},
        }
    }
    write_json(project / "schemas/a.json", document)
    code, _, err = generate(
        capsys, "--schema", "schemas/a.json", "--output", "out/a.py"
    )
    assert code == 0, err
    assert "class Inner(BaseModel)" in (project / "out/a_models.py").read_text()
    assert listener.connections() == 0


@pytest.mark.parametrize("scheme", ["http", "https"])
def test_url_refs_are_refused_without_connecting(
    project: Path,
    capsys: pytest.CaptureFixture[str],
    listener: Listener,
    scheme: str,
) -> None:
    ref = f"{scheme}://127.0.0.1:{listener.port}/x.json"
    write_json(project / "schemas/a.json", schema_with_ref(ref))
    code, _, err = generate(
        capsys, "--schema", "schemas/a.json", "--output", "out/a.py"
    )
    assert_refused(code, err, project, repr(ref), "schemas/a.json#/properties/x/$ref")
    assert listener.connections() == 0


@pytest.mark.parametrize(
    "ref",
    ["ftp://example.com/x.json", "data:application/json,{}", "urn:example:thing"],
)
def test_other_schemes_are_refused(
    project: Path, capsys: pytest.CaptureFixture[str], ref: str
) -> None:
    write_json(project / "schemas/a.json", schema_with_ref(ref))
    code, _, err = generate(
        capsys, "--schema", "schemas/a.json", "--output", "out/a.py"
    )
    assert_refused(code, err, project, repr(ref), "only # pointers")


def remote_target_config(project: Path, allow: object) -> None:
    (project / "pyproject.toml").write_text(
        "[tool.partialgen]\n[[tool.partialgen.targets]]\n"
        'schema = "schemas/a.json"\noutput = "out/a.py"\n'
        f"allow_remote_refs = {json.dumps(allow)}\n",
        encoding="utf-8",
    )


def test_allowed_remote_refs_still_refuse_http_and_local_addresses(
    project: Path, capsys: pytest.CaptureFixture[str], listener: Listener
) -> None:
    remote_target_config(project, True)
    refs = {
        f"http://127.0.0.1:{listener.port}/x.json": "only # pointers",
        f"https://127.0.0.1:{listener.port}/x.json": "not a public address",
        f"https://localhost:{listener.port}/x.json": "not a public address",
        "https://169.254.169.254/latest/meta-data": "not a public address",
        "https://10.1.2.3/x.json": "not a public address",
    }
    for ref, why in refs.items():
        write_json(project / "schemas/a.json", schema_with_ref(ref))
        code, _, err = generate(capsys)
        assert_refused(code, err, project, repr(ref), why)
    assert listener.connections() == 0


def test_the_cli_flag_allows_remote_refs_for_its_schema(
    project: Path, capsys: pytest.CaptureFixture[str], listener: Listener
) -> None:
    ref = f"https://127.0.0.1:{listener.port}/x.json"
    write_json(project / "schemas/a.json", schema_with_ref(ref))
    argv = ["--schema", "schemas/a.json", "--output", "out/a.py"]
    code, _, err = generate(capsys, *argv)
    assert_refused(code, err, project, "remote $refs are off")
    code, _, err = generate(capsys, "--allow-remote-refs", *argv)
    assert_refused(code, err, project, "not a public address")  # it got further
    assert listener.connections() == 0
    code, _, err = generate(
        capsys, "--allow-remote-refs", "--model", "x:Y", "--output", "out/a.py"
    )
    assert code == 2 and "--allow-remote-refs goes with --schema" in err


@pytest.mark.parametrize("value", ["yes", 1])
def test_allow_remote_refs_must_be_a_boolean(
    project: Path, capsys: pytest.CaptureFixture[str], value: object
) -> None:
    write_json(project / "schemas/a.json", {"title": "A", "type": "object"})
    remote_target_config(project, value)
    code, _, err = generate(capsys)
    assert code == 2 and "`allow_remote_refs` must be true or false" in err


class FakeNetwork:
    """Stands in for `remote.fetch` (the only code that opens connections), while any
    real connection attempt fails the test: what is fetched is what gets checked, and
    datamodel-code-generator reads it from the mirror, never from the network."""

    def __init__(self, documents: dict[str, Any]) -> None:
        self.documents = documents
        self.fetched: list[str] = []

    def fetch(self, url: str) -> bytes:
        self.fetched.append(url)
        if url not in self.documents:
            raise GeneratorError(f"fetching {url!r}: HTTP 404")
        return json.dumps(self.documents[url]).encode()


@pytest.fixture
def network(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeNetwork]:
    fake = FakeNetwork({})
    monkeypatch.setattr(remote, "fetch", fake.fetch)

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"a real connection was attempted: {args}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    yield fake


def test_allowed_https_refs_are_fetched_once_and_checked(
    project: Path, capsys: pytest.CaptureFixture[str], network: FakeNetwork
) -> None:
    remote_target_config(project, True)
    base = "https://schemas.example.com/v1"
    network.documents = {
        f"{base}/thing.json": {
            "title": "Thing",
            "type": "object",
            "properties": {"size": {"$ref": "size.json"}},
        },
        f"{base}/size.json": {
            "title": "Size",
            "type": "integer",
            "description": "fetched size",
        },
    }
    write_json(project / "schemas/a.json", schema_with_ref(f"{base}/thing.json"))
    code, _, err = generate(capsys)
    assert code == 0, err
    assert network.fetched == [f"{base}/thing.json", f"{base}/size.json"]
    models = (project / "out/a_models.py").read_text()
    assert "class Thing(BaseModel)" in models and "fetched size" in models


@pytest.mark.parametrize(
    "ref", ["file:///etc/passwd", "http://schemas.example.com/v1/x.json"]
)
def test_a_fetched_document_cannot_lead_anywhere_else(
    project: Path,
    capsys: pytest.CaptureFixture[str],
    network: FakeNetwork,
    ref: str,
) -> None:
    remote_target_config(project, True)
    url = "https://schemas.example.com/v1/thing.json"
    network.documents = {url: schema_with_ref(ref, title="Thing")}
    write_json(project / "schemas/a.json", schema_with_ref(url))
    code, _, err = generate(capsys)
    assert_refused(code, err, project, f"{url}#/properties/x/$ref", repr(ref))


def test_datamodel_code_generator_never_connects_by_itself(
    project: Path, listener: Listener
) -> None:
    """Behind our check, its own options are set so that it cannot fetch either."""
    schema = write_json(
        project / "schemas/a.json",
        schema_with_ref(f"https://127.0.0.1:{listener.port}/x.json"),
    )
    with pytest.raises(GeneratorError, match="datamodel-code-generator failed"):
        models_source(schema, openapi=False)
    assert listener.connections() == 0


def test_in_tree_multi_file_refs_generate(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_json(
        project / "schemas/person.json",
        {
            "title": "Person",
            "type": "object",
            "properties": {
                "name": {"type": "string"},
                "home": {"$ref": "../common/address.json"},
                "work": {"$ref": "office.json#/$defs/Office"},
                "alias": {"$ref": "link.json"},
            },
            "required": ["name"],
        },
    )
    write_json(
        project / "common/address.json",
        {
            "title": "Address",
            "type": "object",
            "properties": {"city": {"type": "string"}, "zip": {"$ref": "#/$defs/Zip"}},
            "$defs": {"Zip": {"type": "string", "pattern": "^[0-9]{5}$"}},
        },
    )
    write_json(
        project / "schemas/office.json",
        {
            "$defs": {
                "Office": {
                    "title": "Office",
                    "type": "object",
                    "properties": {"floor": {"type": "integer"}},
                }
            }
        },
    )
    write_json(project / "common/nick.json", {"title": "Nick", "type": "string"})
    (project / "schemas/link.json").symlink_to(project / "common/nick.json")
    code, _, err = generate(
        capsys, "--schema", "schemas/person.json", "--output", "out/person.py"
    )
    assert code == 0, err
    models = (project / "out/person_models.py").read_text()
    for name in ("Person", "Address", "Office"):
        assert f"class {name}(BaseModel)" in models
    assert 'pattern="^[0-9]{5}$"' in models


def test_the_root_is_the_config_directory_or_else_the_cwd(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    write_json(project / "schemas/a.json", schema_with_ref("../common/b.json"))
    write_json(project / "common/b.json", {"title": "B", "type": "string"})
    (project / "pyproject.toml").write_text(
        "[tool.partialgen]\n[[tool.partialgen.targets]]\n"
        'schema = "schemas/a.json"\noutput = "out/a.py"\n',
        encoding="utf-8",
    )
    monkeypatch.chdir(project / "schemas")
    # From the command line, the root is the cwd: `../common` is outside it.
    code, _, err = generate(capsys, "--schema", "a.json", "--output", "../out/a.py")
    assert_refused(code, err, project, "'../common/b.json'", "outside the allowed root")
    # From the configuration, the root is its directory, whatever the cwd.
    code, _, err = generate(capsys, "--config", os.fspath(project / "pyproject.toml"))
    assert code == 0, err
    assert (project / "out/a_models.py").is_file()


def test_a_schema_outside_the_cwd_may_refer_to_its_neighbours_only(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    write_json(project / "schemas/a.json", schema_with_ref("b.json"))
    write_json(project / "schemas/b.json", {"title": "B", "type": "string"})
    write_json(project / "schemas/up.json", schema_with_ref("../common/b.json"))
    write_json(project / "common/b.json", {"title": "B", "type": "string"})
    (project / "elsewhere").mkdir()
    monkeypatch.chdir(project / "elsewhere")
    code, _, err = generate(capsys, "--schema", "../schemas/a.json", "--output", "a.py")
    assert code == 0, err
    code, _, err = generate(
        capsys, "--schema", "../schemas/up.json", "--output", "u.py"
    )
    assert_refused(code, err, project, "'../common/b.json'", "outside the allowed root")


def test_a_query_cannot_hide_a_path_that_leads_outside(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A URL reader sees `x.json` and a query; a path reader sees a way up and out."""
    (project / "schemas/x.json?").mkdir()
    ref = "x.json?/../../../outside/secret.json"
    document = schema_with_ref(ref)
    document["properties"]["y"] = {
        "$ref": "../common/b.json"
    }  # in the root, not in schemas/
    write_json(project / "schemas/a.json", document)
    write_json(project / "common/b.json", {"title": "B", "type": "string"})
    code, _, err = generate(
        capsys, "--schema", "schemas/a.json", "--output", "out/a.py"
    )
    assert_refused(code, err, project, repr(ref), "outside the allowed root")


def test_a_name_with_line_breaks_stays_on_the_one_line_of_the_message(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    document = {
        "title": "Host",
        "type": "object",
        "properties": {"evil\nname\u2028x": {"$ref": "/etc/passwd"}},
    }
    write_json(project / "schemas/a.json", document)
    code, _, err = generate(
        capsys, "--schema", "schemas/a.json", "--output", "out/a.py"
    )
    assert_refused(code, err, project, "#/properties/evil\\nname\\u2028x/$ref")


def test_check_refuses_like_generate_with_exit_2_not_stale(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_json(project / "schemas/a.json", schema_with_ref("../../outside/secret.json"))
    code = main(["check", "--schema", "schemas/a.json", "--output", "out/a.py"])
    captured = capsys.readouterr()
    assert code == 2, "exit 1 would mean stale"
    assert "'../../outside/secret.json'" in captured.err
    assert SECRET not in captured.out  # no diff showing the secret either
