"""Example models: the seed documents partialgen answers to, plus one rich catalog."""
