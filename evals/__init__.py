"""Evaluation: the labelled synthetic corpus, the scorer and the benchmarks."""
