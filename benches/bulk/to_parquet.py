#!/usr/bin/env python3
"""Converts a long CSV universe (generate.py's) to a Parquet facts table, for the Parquet load bench.

    benches/bulk/.venv/bin/python benches/bulk/to_parquet.py universe.csv universe.parquet [--decimal]

Every column is written as text, as in the CSV, so tickmark reads the same facts from both; with
`--decimal` the value column is DECIMAL(18, 2) instead (a value that is no plain figure, a guidance
range, becomes null: a missing figure), to time the reading of DECIMAL values. Snappy, DuckDB's row
groups (122,880 rows) unless told otherwise. Needs the DuckDB venv of setup.sh.
"""

import argparse

import duckdb


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("csv")
    parser.add_argument("parquet")
    parser.add_argument("--decimal", action="store_true", help="write the values as DECIMAL(18, 2)")
    parser.add_argument("--codec", default="snappy", help="snappy, zstd, gzip or uncompressed")
    parser.add_argument("--row-group", type=int, default=122880, help="rows a row group")
    args = parser.parse_args()
    # An empty value cell is no fact in a CSV, and an empty text in Parquet: kept empty, never null.
    value = "TRY_CAST(value AS DECIMAL(18, 2))" if args.decimal else "coalesce(value, '')"
    db = duckdb.connect()
    # read whole first: DuckDB would otherwise push the cast into its CSV reader, which fails on a range
    db.execute("CREATE TABLE facts AS SELECT * FROM read_csv(?, header = true, all_varchar = true)", [args.csv])
    db.execute(
        f"""COPY (SELECT * REPLACE ({value} AS value) FROM facts)
            TO '{args.parquet}' (FORMAT parquet, COMPRESSION {args.codec}, ROW_GROUP_SIZE {args.row_group})"""
    )

if __name__ == "__main__":
    main()
