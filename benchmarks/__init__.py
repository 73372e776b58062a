"""Benchmarks: each figure beside its bare baseline, measured in the same run."""
