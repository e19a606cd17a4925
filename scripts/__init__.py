"""Long-running tools: fuzzers and the SchemaStore survey (python -m scripts.NAME)."""
