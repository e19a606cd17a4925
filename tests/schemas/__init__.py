"""The schema-first corpus: JSON Schemas, samples, and the harness that runs them end to end."""
