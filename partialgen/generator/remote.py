"""Fetching a remote schema, for targets that set `allow_remote_refs`: https only.

Every address the host name resolves to must be public (no loopback, private, link-local
or reserved address: a CI runner's metadata service must not be reachable through a
schema), the connection goes to the address that was checked, redirects are followed
only to https and are checked again, and the body is bounded.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
from urllib.parse import urljoin, urlsplit

from .errors import GeneratorError
from .limits import MAX_DOCUMENT_BYTES

TIMEOUT_SECONDS = 10.0
MAX_REDIRECTS = 5


def public_address(url: str) -> str:
    """The address to connect to for an https `url`; refuses anything else."""
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname:
        raise GeneratorError(f"only https URLs are fetched, not {url!r}")
    try:
        infos = socket.getaddrinfo(
            parts.hostname, parts.port or 443, type=socket.SOCK_STREAM
        )
    except OSError as e:
        raise GeneratorError(
            f"cannot resolve {parts.hostname!r} for {url!r}: {e}"
        ) from None
    addresses = sorted({str(info[4][0]) for info in infos})
    for address in addresses:
        if not ipaddress.ip_address(address.split("%")[0]).is_global:
            raise GeneratorError(
                f"{url!r} resolves to {address}, which is not a public address; "
                "remote $refs reach only the public internet"
            )
    if not addresses:
        raise GeneratorError(f"cannot resolve {parts.hostname!r} for {url!r}")
    return addresses[0]


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """Connects to the address that was checked, with TLS verified for the host name."""

    def __init__(self, host: str, port: int | None, address: str) -> None:
        super().__init__(host, port, timeout=TIMEOUT_SECONDS)
        self._address = address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = ssl.create_default_context().wrap_socket(
            sock, server_hostname=self.host
        )


def fetch(url: str) -> bytes:
    """The body of an https `url`, following at most a few https redirects."""
    for _ in range(MAX_REDIRECTS + 1):
        address = public_address(url)
        parts = urlsplit(url)
        assert parts.hostname is not None  # checked by public_address
        connection = _PinnedHTTPSConnection(parts.hostname, parts.port, address)
        try:
            target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
            connection.request("GET", target, headers={"Accept": "application/json"})
            response = connection.getresponse()
            if response.status in (301, 302, 303, 307, 308):
                location = response.getheader("Location")
                if not location:
                    raise GeneratorError(f"{url!r} redirects nowhere")
                url = urljoin(url, location)
                continue
            if response.status != 200:
                raise GeneratorError(f"fetching {url!r}: HTTP {response.status}")
            body = response.read(MAX_DOCUMENT_BYTES + 1)
        except (OSError, http.client.HTTPException) as e:
            raise GeneratorError(f"cannot fetch {url!r}: {e}") from None
        finally:
            connection.close()
        if len(body) > MAX_DOCUMENT_BYTES:
            raise GeneratorError(
                f"{url!r} is over the limit of {MAX_DOCUMENT_BYTES} bytes"
            )
        return body
    raise GeneratorError(f"{url!r}: more than {MAX_REDIRECTS} redirects")
