"""partialgen: typed partial classes and incremental stream parsers, generated ahead of time.

`import partialgen` gives the runtime (pydantic + jiter only). The build step lives in
`partialgen.generator` and needs `pip install "partialgen[generate]"`.
"""

from importlib import metadata as _metadata

from . import runtime
from .runtime import *  # noqa: F403 - the runtime's public names are the package's

try:  # the installed distribution's version, as `pip show partialgen` says
    __version__: str = _metadata.version("partialgen")
except _metadata.PackageNotFoundError:  # imported from a checkout never installed
    __version__ = "0+unknown"

# One list of public names, kept in partialgen.runtime; its `specs` tables are for
# generated code, not for users.
__all__ = [name for name in runtime.__all__ if name != "specs"] + ["__version__"]
