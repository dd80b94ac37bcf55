#!/bin/sh
# Packs each source tree src/<name>-<version>/ into sources/<name>-<version>.tar, byte for byte the
# same on any machine and checkout, writes each tarball's sha256 into the constraint file whose
# source names it (constraints/*.toml) and prints the hashes. test/examples.test.ts checks that the
# tarballs, the trees and the hashes agree: after changing a tree, run this and commit all three.
#
#   sh examples/pack.sh        (from anywhere; needs GNU tar)
#
# Deterministic: entries sorted by name, every time 0, owner and group 0, and modes normalised
# (git keeps only the executable bit, and a checkout's umask decides the rest). Uncompressed, so
# that no compressor's version or options enter the bytes.
set -eu
cd "$(dirname "$0")"
mkdir -p sources
for tree in src/*/; do
  tree=${tree%/}
  base=${tree#src/}
  tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner --format=gnu \
    --mode='u+rwX,go+rX,go-w' -C src -cf "sources/$base.tar.new" "$base"
  mv "sources/$base.tar.new" "sources/$base.tar"
  sha256=$(sha256sum "sources/$base.tar" | cut -d' ' -f1)
  # The line `source = { url = "…/<base>.tar", sha256 = "…" }` of the package's file.
  sed -i "s|\(/$base\.tar\", sha256 = \"\)[^\"]*\"|\1$sha256\"|" constraints/*.toml
  grep -l -q "$sha256" constraints/*.toml || { echo "pack.sh: no constraint file names $base.tar" >&2; exit 1; }
  echo "$sha256  sources/$base.tar"
done
