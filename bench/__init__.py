"""Benchmarks, run on demand (not part of the test suite); each prints ratios to a baseline measured in the same run."""
