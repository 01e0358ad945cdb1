"""Benchmarks at council and national scale, each figure beside a raw baseline.

`python -m bench --scale council` (or `make bench SCALE=council`) starts a
throwaway PostgreSQL cluster and a private Kafka broker, generates synthetic data,
measures every figure of issue 7 against its baseline in the same run, and writes
bench/results/<date>-<scale>.json and .md. Nothing here asserts a speed: the
targets are reported as pass or fail so that a slow machine still gets its table.
"""
