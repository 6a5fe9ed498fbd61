#!/usr/bin/env bash
# make bench: the national-size benchmarks of BENCHMARKS.md. Not part of `make test` (minutes).
#   1. progress on a national cohort (650,000 pupils) against the polars reference, RUNS pairs
#   2. the same run with 1 and with 2 threads
#   3. cost growth: 65,000 → 650,000 → 2,600,000 pupils
#   4. ingest alone: reading and cleaning the national ks2.csv (validate), MB/s
#   5. synth at national size
#   6. a county run of 400 schools with every school workbook
# Data come from ../shared/bench/gen_national.py, cached in $KS2BENCH_CACHE (default /tmp/ks2bench).
set -euo pipefail
cd "$(dirname "$0")/.."
shared=${KS2_SHARED:-../shared}
bin=$PWD/.build/release/ks2progress
runs=${RUNS:-5}
cache=${KS2BENCH_CACHE:-${TMPDIR:-/tmp}/ks2bench}
[[ -x $bin ]] || { echo "bench: build first (make release)" >&2; exit 1; }
[[ -f $shared/bench/run-bench.sh ]] || { echo "bench: $shared/bench/run-bench.sh not found (set KS2_SHARED)" >&2; exit 1; }
# the reference pipeline and compare_reference.py need polars
if ! python3 -c 'import polars' 2>/dev/null; then
  echo "bench: installing polars for the reference pipeline" >&2
  python3 -m pip install --quiet polars || python3 -m pip install --quiet --break-system-packages polars
fi
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

# median of the numbers on stdin
median() { python3 -c 'import sys, statistics; v = [float(x) for x in sys.stdin.read().split()]; print(f"{statistics.median(v):.3f}")'; }
# wall seconds of a command (output discarded)
wall() { /usr/bin/time -f %e -o "$tmp/t" "$@" >/dev/null 2>&1; cat "$tmp/t"; }
dataset() {  # dataset PUPILS -> folder with ks2.csv, ks1.csv (gen_national, seed 1, 2019)
  local d=$cache/p$1-y2019-s1-$(sha256sum "$shared/bench/gen_national.py" | cut -c1-12)
  if [[ ! -f $d/complete ]]; then
    rm -rf "$d"; python3 "$shared/bench/gen_national.py" --pupils "$1" --year 2019 --seed 1 --out "$d" >&2; touch "$d/complete"
  fi
  echo "$d"
}

echo "== 1. national progress (650,000 pupils), --no-xlsx, $runs pairs against polars"
bash "$shared/bench/run-bench.sh" --runs "$runs" -- \
  "$bin" progress --ks2 {ks2} --ks1 {ks1} --year 2019 --out {out} --no-xlsx
nat=$(dataset 650000)

echo "== 2. threads (national, $runs pairs, 1 and 2 threads taking turns so drift hits both)"
: > "$tmp/t1"; : > "$tmp/t2"; : > "$tmp/stages"
for i in $(seq "$runs"); do
  for t in 1 2; do
    rm -rf "$tmp/o"; wall "$bin" progress --ks2 "$nat/ks2.csv" --ks1 "$nat/ks1.csv" --year 2019 --out "$tmp/o" --no-xlsx --threads "$t" >> "$tmp/t$t"
    python3 -c 'import json, sys; print(json.dumps({"threads": int(sys.argv[2]), **json.load(open(sys.argv[1]))["seconds"]}))' \
      "$tmp/o/run.json" "$t" >> "$tmp/stages"
  done
done
t1=$(median < "$tmp/t1"); t2=$(median < "$tmp/t2")
echo "threads 1: $t1 s  [runs: $(tr '\n' ' ' < "$tmp/t1")]"
echo "threads 2: $t2 s  [runs: $(tr '\n' ' ' < "$tmp/t2")]"
python3 -c "print(f'speed-up 1 -> 2 threads: {$t1 / $t2:.2f}x (medians)')"
echo "time per stage (run.json seconds, medians): 2 threads / 1 thread"
python3 - "$tmp/stages" <<'PY'
import json, statistics, sys
runs = [json.loads(line) for line in open(sys.argv[1])]
for stage in [k for k in runs[0] if k != "threads"]:
    m = {t: statistics.median(r[stage] for r in runs if r["threads"] == t and stage in r) for t in (1, 2)}
    print(f"  {stage:16s} {m[2]:.3f} s / {m[1]:.3f} s  ({m[1] / m[2]:.2f}x)")
PY

echo "== 3. cost growth (median of 3)"
for p in 65000 650000 2600000; do
  d=$(dataset "$p")
  for i in 1 2 3; do rm -rf "$tmp/o"; wall "$bin" progress --ks2 "$d/ks2.csv" --ks1 "$d/ks1.csv" --year 2019 --out "$tmp/o" --no-xlsx; done \
    | median | sed "s/^/$p pupils: /; s/$/ s/"
done

echo "== 4. ingest: read and clean the national ks2.csv (validate; run.json seconds.read, median of $runs)"
size=$(stat -c %s "$nat/ks2.csv")
for i in $(seq "$runs"); do
  rm -rf "$tmp/v"; "$bin" validate --ks2 "$nat/ks2.csv" --year 2019 --out "$tmp/v" >/dev/null
  python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["seconds"]["read"])' "$tmp/v/run.json"
done | median | python3 -c "import sys; s = float(sys.stdin.read()); print(f'ks2.csv {$size / 1e6:.1f} MB read and cleaned in {s:.3f} s = {$size / 1e6 / s:.0f} MB/s')"

echo "== 5. synth, national size (16,800 schools), median of $runs"
for i in $(seq "$runs"); do wall "$bin" synth --schools 16800 --year 2019 --seed 1 --out "$tmp/s"; done | median | sed 's/^/synth: /; s/$/ s/'

echo "== 6. county run with workbooks: 400 schools against national estimates, median of $runs"
"$bin" synth --schools 400 --year 2019 --seed 7 --out "$tmp/county" >/dev/null
rm -rf "$tmp/n"; "$bin" progress --ks2 "$nat/ks2.csv" --ks1 "$nat/ks1.csv" --year 2019 --out "$tmp/n" --no-xlsx >/dev/null
for i in $(seq "$runs"); do
  rm -rf "$tmp/c"
  wall "$bin" progress --ks2 "$tmp/county/ks2.csv" --ks1 "$tmp/county/ks1.csv" --year 2019 --estimates "$tmp/n" --out "$tmp/c"
done | median | sed 's/^/county 400 schools with workbooks: /; s/$/ s/'
echo "school workbooks written: $(ls "$tmp/c/schools" | wc -l), impact.xlsx: $(test -f "$tmp/c/impact.xlsx" && echo yes || echo no)"
