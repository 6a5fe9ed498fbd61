#!/usr/bin/env bash
# make bench: national-size runs side by side with the polars reference, then a county run with
# workbooks. Not part of `make test` (minutes, not seconds). Figures go into BENCHMARKS.md by hand.
set -euo pipefail
cd "$(dirname "$0")/.."
shared=${KS2_SHARED:-../shared}
bin=.build/release/ks2progress
runs=${RUNS:-5}
[[ -x $bin ]] || { echo "bench: build first (make release)" >&2; exit 1; }
[[ -f $shared/bench/run-bench.sh ]] || { echo "bench: $shared/bench/run-bench.sh not found (set KS2_SHARED)" >&2; exit 1; }

echo "== national progress (650,000 pupils), --no-xlsx, $runs pairs against polars"
bash "$shared/bench/run-bench.sh" --runs "$runs" -- \
  "$bin" progress --ks2 {ks2} --ks1 {ks1} --year 2019 --out {out} --no-xlsx

echo "== synth: national size (16,800 schools)"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
/usr/bin/time -f "synth national: %e s, peak RSS %M KB" "$bin" synth --schools 16800 --year 2019 --seed 1 --out "$tmp/nat"

echo "== county run with workbooks (400 schools)"
"$bin" synth --schools 400 --year 2019 --seed 7 --out "$tmp/county" >/dev/null
"$bin" progress --ks2 "$tmp/nat/ks2.csv" --ks1 "$tmp/nat/ks1.csv" --year 2019 --out "$tmp/national" --no-xlsx >/dev/null
for i in $(seq "$runs"); do
  rm -rf "$tmp/county-out"
  /usr/bin/time -f "county 400 schools with workbooks: %e s, peak RSS %M KB" \
    "$bin" progress --ks2 "$tmp/county/ks2.csv" --ks1 "$tmp/county/ks1.csv" --year 2019 \
      --estimates "$tmp/national" --out "$tmp/county-out" >/dev/null
done
ls "$tmp/county-out/schools" | wc -l | sed 's/^/school workbooks written: /'
