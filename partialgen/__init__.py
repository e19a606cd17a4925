"""partialgen: typed partial classes and incremental stream parsers, generated ahead of time.

`import partialgen` gives the runtime (pydantic + jiter only). The build step lives in
`partialgen.generator` and needs `pip install "partialgen[generate]"`.
"""

from . import runtime
from .runtime import *  # noqa: F403 - the runtime's public names are the package's

__version__ = "0.1.0"

# One list of public names, kept in partialgen.runtime; its `specs` tables are for
# generated code, not for users.
__all__ = [name for name in runtime.__all__ if name != "specs"] + ["__version__"]
