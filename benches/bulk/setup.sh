#!/usr/bin/env bash
# Creates benches/bulk/.venv with DuckDB for duckdb_compare.py (the generator needs only Python 3).
# Usage: benches/bulk/setup.sh
set -euo pipefail
cd "$(dirname "$0")"
python3 -m venv .venv
.venv/bin/pip install --quiet --upgrade pip
.venv/bin/pip install --quiet duckdb
.venv/bin/python -c 'import duckdb; print("duckdb", duckdb.__version__, "in", __import__("sys").prefix)'
