"""Benchmarks of tap-engagebay against the bundled simulator (``benchmarks/run``)."""
