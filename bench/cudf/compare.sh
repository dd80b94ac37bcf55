#!/bin/bash
# Two builds of pthbs and mccs on the same instances, interleaved run by run (the machine is
# shared: a quiet moment helps all three alike), reporting per instance and criteria the median
# CPU seconds (user + system, GNU time) of RUNS runs each, and the median wall seconds.
#
#   bench/cudf/compare.sh /tmp/bench 3 /path/to/old/dist/cli/main.js dist/cli/main.js
#
# The old build: `git archive <commit> | tar -x -C /tmp/old`, link node_modules, and
# `npx tsc -p tsconfig.build.json` there.
set -eu
dir=$1 runs=$2 old=$3 new=$4
instances=${INSTANCES:-gnome kde texlive gnome-texlive xfce-office mta-clash}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# One timed run: prints "wall cpu".
timed() {
  /usr/bin/time -f "%e %U %S" -o "$out/time" nice -n 5 "$@" >/dev/null 2>&1 || true
  awk '{ printf "%.2f %.2f\n", $1, $2 + $3 }' "$out/time"
}

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| instance | criteria | old cpu s | new cpu s | mccs cpu s | new / mccs (cpu) | old wall s | new wall s | mccs wall s |"
echo "|---|---|---:|---:|---:|---:|---:|---:|---:|"
for name in $instances; do
  for criteria in -removed,-new -removed,-changed; do
    : >"$out/old" && : >"$out/new" && : >"$out/mccs"
    for _ in $(seq "$runs"); do
      timed node "$old" cudf "$dir/$name.cudf" "$out/sol" "$criteria" >>"$out/old"
      timed node "$new" cudf "$dir/$name.cudf" "$out/sol" "$criteria" >>"$out/new"
      timed mccs -i "$dir/$name.cudf" -o "$out/sol" "-lex[$criteria]" >>"$out/mccs"
    done
    row="| $name | $criteria"
    for s in old new mccs; do eval "cpu_$s=$(cut -d' ' -f2 "$out/$s" | median)"; done
    for s in old new mccs; do eval "wall_$s=$(cut -d' ' -f1 "$out/$s" | median)"; done
    # shellcheck disable=SC2154
    ratio=$(awk -v a="$cpu_new" -v b="$cpu_mccs" 'BEGIN { printf "%.2f", a / b }')
    # shellcheck disable=SC2154
    echo "$row | $cpu_old | $cpu_new | $cpu_mccs | $ratio | $wall_old | $wall_new | $wall_mccs |"
  done
done
echo
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
