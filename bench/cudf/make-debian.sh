#!/usr/bin/env bash
# Builds the Debian bookworm main amd64 CUDF universe and the benchmark instances from this
# machine's apt lists (run `apt-get update` first; needs lz4 and dose-extra).
#
#   bench/cudf/make-debian.sh [OUTDIR]      (default: bench/cudf/data, ignored by git)
#
# Normalisation: dose-ceve writes names as Debian spells them (with `:` as %3a); 300-odd start with
# a digit (2048, 0ad, 7zip…), which mccs's parser rejects. They get an `x-` prefix everywhere a
# package name can stand (package, depends, conflicts, provides, recommends), the same for every
# solver. The extra properties dose-ceve adds (architecture, source, number, …) are dropped except
# `recommends`, which -unsat_recommends counts: 39 MB become 24 MB.
set -euo pipefail
out="${1:-$(dirname "$0")/data}"
mkdir -p "$out"
lists=/var/lib/apt/lists
packages="$(ls "$lists"/*debian_dists_bookworm_main_binary-amd64_Packages* | head -1)"
case "$packages" in
  *.lz4) lz4 -dc "$packages" >"$out/Packages" ;;
  *.xz) xz -dc "$packages" >"$out/Packages" ;;
  *.gz) gzip -dc "$packages" >"$out/Packages" ;;
  *) cp "$packages" "$out/Packages" ;;
esac
dose-ceve -T cudf -t deb --deb-native-arch=amd64 "$out/Packages" -o "$out/dose.cudf"
# Keep the properties solvers read; prefix names that start with a digit (at the start of a value
# or after ", " / "| ": versions follow an operator, never a separator).
sed -E -e '/^preamble:/,/^$/c\
preamble: \
property: recommends: vpkgformula = [true!]\

' -e '/^(package|version|depends|conflicts|provides|recommends|installed|keep|request|install|remove|upgrade): |^$/!d' \
  -e '/^(package|depends|conflicts|provides|recommends): /{ s/^([a-z]+: )([0-9])/\1x-\2/; s/([,|] )([0-9])/\1x-\2/g; }' \
  "$out/dose.cudf" >"$out/debian.universe"


# The instances: the universe (an empty system) and one request each.
sed -i '/^request: /,$d' "$out/debian.universe"
instance() {
  { cat "$out/debian.universe"; printf 'request: %s\ninstall: %s\n' "$1" "$2"; } >"$out/$1.cudf"
}
instance gnome "task-gnome-desktop"
instance kde "task-kde-desktop"
instance texlive "texlive-full"
instance gnome-texlive "task-gnome-desktop, texlive-full"
instance xfce-office "task-xfce-desktop, libreoffice, gimp"
instance mta-clash "postfix, exim4-daemon-heavy"
ls -la "$out"/*.cudf
