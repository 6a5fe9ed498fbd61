#!/usr/bin/env bash
# Regenerates Data/sample's county years and project cohorts (Data/sample/README.md): LA 850 of the
# synthetic national cohort (16,800 schools, seed 1) with the demo's story — a disadvantaged gap
# near the national one in both years, and project schools recruited for weak 2018 maths progress
# (as real projects recruit) whose maths rises by 0.6 points in 2019. The national-YYYY folders are
# national runs without the story (see the README) and are not remade here.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.build/release/ks2progress}
S=Data/sample
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

"$BIN" synth --schools 16800 --year 2018 --seed 1 --la 850 --disadvantaged-gap --out "$TMP/2018"
# the 2018 county run picks the cohorts: schools with maths progress from -3 to -0.5 in 2018, by URN
"$BIN" progress --ks2 "$TMP/2018/ks2.csv" --ks1 "$TMP/2018/ks1.csv" --year 2018 --estimates $S/national-2018 \
  --out "$TMP/run2018" --no-xlsx >/dev/null
python3 - "$TMP/run2018/schools.csv" > $S/cohorts.csv <<'PY'
import csv, sys
rows = [r for r in csv.DictReader(open(sys.argv[1], encoding="utf-8"))
        if r["level"] == "school" and r["mat_status"] == "ok" and -3 <= float(r["mat_progress"]) <= -0.5]
rows.sort(key=lambda r: r["id"])
out = csv.writer(sys.stdout, lineterminator="\n")
out.writerow(["urn", "cohort", "baseline_year", "outcome_year", "school_name"])
for i, r in enumerate(rows[:18]):
    out.writerow([r["id"], "Maths leaders 2018-19" if i < 10 else "Adviser link schools", 2018, 2019, r["name"]])
PY
"$BIN" synth --schools 16800 --year 2019 --seed 1 --la 850 --disadvantaged-gap --project-cohorts $S/cohorts.csv \
  --out "$TMP/2019"
for y in 2018 2019; do
  cp "$TMP/$y/ks2.csv" $S/ks2-$y.csv
  cp "$TMP/$y/ks1.csv" $S/ks1-$y.csv
done
echo "Data/sample: ks2/ks1 2018 and 2019 and cohorts.csv regenerated"
