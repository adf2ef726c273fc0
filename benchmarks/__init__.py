"""The load and latency harness behind docs/benchmarks.md (`benchmarks/run`)."""
