#!/usr/bin/env bash
# make bench: the national-size benchmarks of BENCHMARKS.md. Not part of `make test` (minutes).
#   1. progress on a national cohort (650,000 pupils) against the polars reference, RUNS pairs
#   2. the same run with 1 and with 2 threads
#   3. cost growth: 65,000 → 650,000 → 2,600,000 pupils
#   4. ingest alone: reading and cleaning the national ks2.csv (validate), MB/s
#   5. synth at national size
#   6. a county run of 400 schools with every school workbook
#   7. ks2progress, polars and DuckDB side by side, taking turns (national, --no-xlsx)
#   8. the national run with all 16,800 school workbooks
#   9. a three-year national pipeline (3 × 650,000 pupils, --no-xlsx) against one year
# Data come from ../shared/bench/gen_national.py, cached in $KS2BENCH_CACHE (default /tmp/ks2bench).
set -euo pipefail
cd "$(dirname "$0")/.."
shared=${KS2_SHARED:-../shared}
bin=$PWD/.build/release/ks2progress
runs=${RUNS:-5}
cache=${KS2BENCH_CACHE:-${TMPDIR:-/tmp}/ks2bench}
[[ -x $bin ]] || { echo "bench: build first (make release)" >&2; exit 1; }
[[ -f $shared/bench/run-bench.sh ]] || { echo "bench: $shared/bench/run-bench.sh not found (set KS2_SHARED)" >&2; exit 1; }
# the reference pipelines and compare_reference.py need polars and duckdb
for module in polars duckdb; do
  if ! python3 -c "import $module" 2>/dev/null; then
    echo "bench: installing $module for the reference pipelines" >&2
    python3 -m pip install --quiet "$module" || python3 -m pip install --quiet --break-system-packages "$module"
  fi
done
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

# median of the numbers on stdin
median() { python3 -c 'import sys, statistics; v = [float(x) for x in sys.stdin.read().split()]; print(f"{statistics.median(v):.3f}")'; }
# "LABEL: median s  [runs: …]" of the numbers in FILE
report() { echo "$1: $(median < "$2") s  [runs: $(tr '\n' ' ' < "$2")]"; }
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
    python3 -c 'import json, sys; r = json.load(open(sys.argv[1])); print(json.dumps({"threads": int(sys.argv[2]), "wall": r["seconds"], "cpu": r["cpu_seconds"]}))' \
      "$tmp/o/run.json" "$t" >> "$tmp/stages"
  done
done
t1=$(median < "$tmp/t1"); t2=$(median < "$tmp/t2")
echo "threads 1: $t1 s  [runs: $(tr '\n' ' ' < "$tmp/t1")]"
echo "threads 2: $t2 s  [runs: $(tr '\n' ' ' < "$tmp/t2")]"
python3 -c "print(f'speed-up 1 -> 2 threads: {$t1 / $t2:.2f}x (medians)')"
echo "per stage (run.json seconds and cpu_seconds, medians): wall 2 threads / 1 thread; processor seconds"
echo "at 2 threads and cores busy (processor / wall)"
python3 - "$tmp/stages" <<'PY'
import json, statistics, sys
runs = [json.loads(line) for line in open(sys.argv[1])]
for stage in runs[0]["wall"]:
    m = {t: statistics.median(r["wall"][stage] for r in runs if r["threads"] == t and stage in r["wall"]) for t in (1, 2)}
    cpu = statistics.median(r["cpu"][stage] for r in runs if r["threads"] == 2 and stage in r["cpu"])
    print(f"  {stage:16s} {m[2]:.3f} s / {m[1]:.3f} s  ({m[1] / m[2]:.2f}x)   cpu {cpu:.3f} s, {cpu / m[2]:.2f} cores busy")
PY

echo "== 3. cost growth (median of $runs)"
for p in 65000 650000 2600000; do
  d=$(dataset "$p")
  for i in $(seq "$runs"); do rm -rf "$tmp/o"; wall "$bin" progress --ks2 "$d/ks2.csv" --ks1 "$d/ks1.csv" --year 2019 --out "$tmp/o" --no-xlsx; done > "$tmp/g"
  report "$p pupils" "$tmp/g"
done

echo "== 4. ingest: read and clean the national ks2.csv (validate; run.json seconds.read, median of $runs)"
size=$(stat -c %s "$nat/ks2.csv")
for i in $(seq "$runs"); do
  rm -rf "$tmp/v"; "$bin" validate --ks2 "$nat/ks2.csv" --year 2019 --out "$tmp/v" >/dev/null
  python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["seconds"]["read"])' "$tmp/v/run.json"
done > "$tmp/r"
median < "$tmp/r" | python3 -c "import sys; s = float(sys.stdin.read()); print(f'ks2.csv {$size / 1e6:.1f} MB read and cleaned in {s:.3f} s = {$size / 1e6 / s:.0f} MB/s')"
echo "runs (s): $(tr '\n' ' ' < "$tmp/r")"

echo "== 5. synth, national size (16,800 schools), median of $runs"
for i in $(seq "$runs"); do rm -rf "$tmp/s"; wall "$bin" synth --schools 16800 --year 2019 --seed 1 --out "$tmp/s"; done > "$tmp/sy"
report synth "$tmp/sy"

echo "== 6. county run with workbooks: 400 schools against national estimates, median of $runs"
"$bin" synth --schools 400 --year 2019 --seed 7 --out "$tmp/county" >/dev/null
rm -rf "$tmp/n"; "$bin" progress --ks2 "$nat/ks2.csv" --ks1 "$nat/ks1.csv" --year 2019 --out "$tmp/n" --no-xlsx >/dev/null
for i in $(seq "$runs"); do
  rm -rf "$tmp/c"
  wall "$bin" progress --ks2 "$tmp/county/ks2.csv" --ks1 "$tmp/county/ks1.csv" --year 2019 --estimates "$tmp/n" --out "$tmp/c"
done > "$tmp/cw"
report "county 400 schools with workbooks" "$tmp/cw"
echo "school workbooks written: $(ls "$tmp/c/schools" | wc -l), impact.xlsx: $(test -f "$tmp/c/impact.xlsx" && echo yes || echo no)"

echo "== 7. three tools side by side, taking turns: national progress, --no-xlsx, $runs rounds (wall s, peak RSS MB)"
: > "$tmp/three"
measure() {  # measure LABEL CMD... : appends "LABEL seconds rss_mb"
  local label=$1; shift
  rm -rf "$tmp/o3"
  /usr/bin/time -f "%e %M" -o "$tmp/tm" "$@" >/dev/null 2>&1 || { echo "bench: $label failed" >&2; exit 1; }
  read -r secs kb < "$tmp/tm"; echo "$label $secs $((kb / 1024))" >> "$tmp/three"
}
for i in $(seq "$runs"); do
  measure ks2progress "$bin" progress --ks2 "$nat/ks2.csv" --ks1 "$nat/ks1.csv" --year 2019 --out "$tmp/o3" --no-xlsx
  measure polars python3 "$shared/bench/reference_polars.py" --ks2 "$nat/ks2.csv" --ks1 "$nat/ks1.csv" --year 2019 --out "$tmp/o3"
  measure duckdb python3 "$shared/bench/reference_duckdb.py" --ks2 "$nat/ks2.csv" --ks1 "$nat/ks1.csv" --year 2019 --out "$tmp/o3"
done
python3 - "$tmp/three" <<'PY'
import statistics, sys
rows = [line.split() for line in open(sys.argv[1])]
med = {}
for tool in ("ks2progress", "polars", "duckdb"):
    secs = [float(r[1]) for r in rows if r[0] == tool]
    rss = [int(r[2]) for r in rows if r[0] == tool]
    med[tool] = statistics.median(secs)
    print(f"  {tool:12s} median {med[tool]:.2f} s, peak RSS median {statistics.median(rss)} MB   runs: {' '.join(f'{x:.2f}' for x in secs)}")
best = min(med["polars"], med["duckdb"])
print(f"  ratio to the best peer: {med['ks2progress'] / best:.2f}x")
PY

echo "== 8. national progress with all school workbooks (16,800), median of $runs (wall s, peak RSS MB)"
for i in $(seq "$runs"); do
  rm -rf "$tmp/w"
  /usr/bin/time -f "%e %M" -o "$tmp/tw" "$bin" progress --ks2 "$nat/ks2.csv" --ks1 "$nat/ks1.csv" --year 2019 --out "$tmp/w" --quiet >/dev/null 2>&1
  read -r secs kb < "$tmp/tw"; echo "$secs $((kb / 1024))"
done > "$tmp/wb"
echo "runs (s): $(cut -d' ' -f1 "$tmp/wb" | tr '\n' ' ')  peak RSS (MB): $(cut -d' ' -f2 "$tmp/wb" | tr '\n' ' ')"
cut -d' ' -f1 "$tmp/wb" | median | sed 's/^/national with workbooks: /; s/$/ s/'
cut -d' ' -f2 "$tmp/wb" | median | sed 's/^/peak RSS: /; s/$/ MB/'
echo "workbooks written: $(ls "$tmp/w/schools" | wc -l)"

echo "== 9. three national years in one pipeline (2017, 2018, 2019; 650,000 pupils each), --no-xlsx, median of $runs"
years=""
for y in 2017 2018 2019; do
  d=$cache/p650000-y$y-s1-$(sha256sum "$shared/bench/gen_national.py" | cut -c1-12)
  if [[ ! -f $d/complete ]]; then
    rm -rf "$d"; python3 "$shared/bench/gen_national.py" --pupils 650000 --year "$y" --seed 1 --out "$d" >&2; touch "$d/complete"
  fi
  years+="  - {year: $y, ks2: $d/ks2.csv, ks1: $d/ks1.csv}"$'\n'
done
printf 'output: %s\nxlsx: false\nyears:\n%s' "$tmp/p3out" "$years" > "$tmp/three.yml"
# taking turns, so drift hits both
: > "$tmp/t3"; : > "$tmp/t1y"
for i in $(seq "$runs"); do
  rm -rf "$tmp/p3out"; wall "$bin" run "$tmp/three.yml" --quiet >> "$tmp/t3"
  rm -rf "$tmp/o"; wall "$bin" progress --ks2 "$nat/ks2.csv" --ks1 "$nat/ks1.csv" --year 2019 --out "$tmp/o" --no-xlsx >> "$tmp/t1y"
done
three=$(median < "$tmp/t3"); one=$(median < "$tmp/t1y")
report "three years" "$tmp/t3"
report "one year" "$tmp/t1y"
python3 -c "print(f'three years / one year: {$three / $one:.2f}x')"
