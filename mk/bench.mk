# Benchmarks on the real stack (PostgreSQL, the local Kafka broker, SQLite); not part of `make test`.
#   make bench                       council scale (ten years of a mid-sized authority)
#   make bench SCALE=national        one year of England (FRACTION=0.1 runs a tenth of it)
# Results: bench/results/<date>-<scale>.json and .md (the Markdown table is printed too).
SCALE ?= council
FRACTION ?= 1
.PHONY: bench

bench: venv
	scripts/bench.sh --scale $(SCALE) --fraction $(FRACTION)
