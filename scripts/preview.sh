#!/usr/bin/env bash
# Renders every workbook kind to PNG pages so anyone can look at them (`make preview`):
# runs the demo, the county comparison, the targets and tracking demos into Reports/, converts one workbook
# of each kind with LibreOffice to PDF and each PDF page to a PNG in Reports/preview/KIND/.
# BIN overrides the binary (default: the release build); installs LibreOffice, poppler and the Carlito
# font when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.build/release/ks2progress}
OUT=${PREVIEW_OUT:-Reports/preview}
SUDO=$([ "$(id -u)" = 0 ] || echo sudo)

missing=""
command -v soffice >/dev/null || missing="$missing libreoffice-calc-nogui"
command -v pdftoppm >/dev/null || missing="$missing poppler-utils"
# Carlito has Calibri's metrics: without it LibreOffice draws the workbooks' Calibri in a wider font,
# and columns, wrapping and print scales look nothing like Excel's
fc-list | grep -qi carlito || missing="$missing fonts-crosextra-carlito"
if [ -n "$missing" ]; then
  echo "installing:$missing"
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing
fi

"$BIN" run Pipelines/demo.yml >/dev/null
"$BIN" run Pipelines/county-comparison.yml >/dev/null
"$BIN" run Pipelines/targets-demo.yml >/dev/null
"$BIN" run Pipelines/tracking-demo.yml >/dev/null
# the README's what-if example (three pupils removed against the national 2019 figures)
"$BIN" whatif --ks2 Data/sample/ks2-2019.csv --ks1 Data/sample/ks1-2019.csv --year 2019 \
  --estimates Data/sample/national-2019 --remove Data/sample/whatif-remove.csv --out Reports/whatif-demo >/dev/null

# one workbook of each kind: a project-cohort school, the smallest school (suppression), impact,
# county comparison, targets, tracking, what-if
first_cohort_urn=$(awk -F, 'NR == 2 { print $1 }' Data/sample/cohorts.csv)
cohort_school=$(ls Reports/demo/schools/ | grep "^$first_cohort_urn " | head -1)
smallest=$(ls -S Reports/demo/schools/ | tail -1)
targets=$(ls Reports/targets-demo/targets/ | head -1)
tracked=$(ls Reports/tracking-demo/tracking/ | head -1)
whatif=$(ls Reports/whatif-demo/whatif/ | head -1)
rm -rf "$OUT"
render() { # KIND FILE
  local kind=$1 file=$2 dir="$OUT/$1"
  mkdir -p "$dir"
  cp "$file" "$dir/$kind.xlsx"
  (cd "$dir" && soffice --headless --convert-to pdf "$kind.xlsx" >/dev/null 2>&1)
  pdftoppm -png -r 60 "$dir/$kind.pdf" "$dir/page"
  echo "$kind: $(ls "$dir"/page*.png | wc -l) pages in $dir ($file)"
}
render impact Reports/demo/impact.xlsx
render county-comparison Reports/county-comparison/impact.xlsx
render school "Reports/demo/schools/$cohort_school"
render small-school "Reports/demo/schools/$smallest"
render targets "Reports/targets-demo/targets/$targets"
render tracking Reports/tracking-demo/tracking.xlsx
render tracked-school "Reports/tracking-demo/tracking/$tracked"
render whatif "Reports/whatif-demo/whatif/$whatif"
