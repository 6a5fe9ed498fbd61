#!/usr/bin/env python3
"""Diff two progress output folders column by column (ks2progress vs reference_polars.py).

  compare_reference.py OURS_DIR REFERENCE_DIR [--tol 1e-9]

Rows are matched on their keys (pupils: urn, upn; schools: level, id; estimates: subject, pag;
national: subject; rejects: file, line). Numbers match when |a - b| <= tol * max(1, |a|, |b|);
text must be equal. Prints per file and column the count of differing cells and a few examples;
exit status 1 when anything differs.
"""
import sys, argparse
import polars as pl

KEYS = {"pupils.csv": ["urn", "upn"], "schools.csv": ["level", "id"], "estimates.csv": ["subject", "pag"],
        "national.csv": ["subject"], "rejects.csv": ["file", "line"]}
SKIP = {"rejects.csv": {"detail"}}  # the reference writes no detail text
# columns added after the reference was written (at the end of their file): ours only, not a difference
ADDED = {"national.csv": ["other_progress"]}

ap = argparse.ArgumentParser()
ap.add_argument("ours"); ap.add_argument("ref"); ap.add_argument("--tol", type=float, default=1e-9)
a = ap.parse_args()
bad = 0
for f, keys in KEYS.items():
    A = pl.read_csv(f"{a.ours}/{f}", infer_schema=False)
    A = A.drop([c for c in ADDED.get(f, []) if c in A.columns])
    B = pl.read_csv(f"{a.ref}/{f}", infer_schema=False)
    extra = set(A.columns) ^ set(B.columns)
    if A.columns != B.columns:
        print(f"{f}: columns differ: ours-only {sorted(set(A.columns) - set(B.columns))}, ref-only {sorted(set(B.columns) - set(A.columns))}")
        bad += 1
    cols = [c for c in B.columns if c in A.columns and c not in keys and c not in SKIP.get(f, set())]
    j = A.join(B, on=keys, how="full", suffix="_ref", coalesce=True)
    only_a = j.filter(pl.col(cols[0] + "_ref").is_null() & pl.col(cols[0]).is_not_null()).height if cols else 0
    print(f"{f}: ours {A.height} rows, reference {B.height} rows")
    if A.height != B.height:
        bad += 1
    for c in cols:
        x, y = pl.col(c), pl.col(c + "_ref")
        xf, yf = x.cast(pl.Float64, strict=False), y.cast(pl.Float64, strict=False)
        numeric = xf.is_not_null() & yf.is_not_null()
        close = (xf - yf).abs() <= a.tol * pl.max_horizontal(pl.lit(1.0), xf.abs(), yf.abs())
        same = pl.when(numeric).then(close).otherwise(x.fill_null("") == y.fill_null(""))
        diff = j.filter(~same)
        if diff.height:
            bad += 1
            print(f"  {c}: {diff.height} differ, e.g. " +
                  "; ".join(f"{dict(zip(keys, r[:len(keys)]))}: ours={r[-2]!r} ref={r[-1]!r}"
                            for r in diff.select(keys + [c, c + "_ref"]).head(3).iter_rows()))
print("identical to tolerance" if not bad else f"{bad} differences")
sys.exit(1 if bad else 0)
