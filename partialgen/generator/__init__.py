"""The build step: models → IR → plan → jinja2 → black → files. Needs the `generate` extra."""

from .errors import GeneratorError
from .pipeline import generate_source

__all__ = ["GeneratorError", "generate_source"]
