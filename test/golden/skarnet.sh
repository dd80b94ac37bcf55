#!/bin/sh
#@pthbs format 1
#@pthbs name s6
#@pthbs version 2.13.1.0
#@pthbs recipe skarnet
#@pthbs option allstatic true
#@pthbs option execline true
#@pthbs option shared false
#@pthbs option static true
#@pthbs option static_libc false
#@pthbs source url https://skarnet.org/software/s6/s6-2.13.1.0.tar.gz sha256 bf0614cf52957cb0af04c7b02d10ebd6c5e023c9d46335cbf75484eed3e2ce7e file s6-2.13.1.0.tar.gz
#@pthbs depends execline build,link /opt/pthbs/store/execline.0000000000000000000000000000000000000000000000000000000000000000
#@pthbs depends gnu-make build /opt/pthbs/store/gnu-make.0000000000000000000000000000000000000000000000000000000000000000
#@pthbs depends musl build,link /opt/pthbs/store/musl.0000000000000000000000000000000000000000000000000000000000000000 for libc
#@pthbs depends musl-cross-make build /opt/pthbs/store/musl-cross-make.0000000000000000000000000000000000000000000000000000000000000000 for cc
#@pthbs depends skalibs build,link /opt/pthbs/store/skalibs.0000000000000000000000000000000000000000000000000000000000000000

set -eu

# Dependencies: their store paths, or an external's prefix on the host.
execline=/opt/pthbs/store/execline.0000000000000000000000000000000000000000000000000000000000000000
gnu_make=/opt/pthbs/store/gnu-make.0000000000000000000000000000000000000000000000000000000000000000
musl=/opt/pthbs/store/musl.0000000000000000000000000000000000000000000000000000000000000000
musl_cross_make=/opt/pthbs/store/musl-cross-make.0000000000000000000000000000000000000000000000000000000000000000
skalibs=/opt/pthbs/store/skalibs.0000000000000000000000000000000000000000000000000000000000000000

# Toolchain
CC="$musl_cross_make"/bin/x86_64-linux-musl-gcc
REALGCC="$CC"
CC="$musl"/bin/musl-gcc
export REALGCC
export CC

cp -R "$src"/. .

./configure \
  --with-include="$execline"/include \
  --with-lib="$execline"/lib/execline \
  --with-dynlib="$execline"/lib \
  --with-sysdeps="$skalibs"/lib/skalibs/sysdeps \
  --with-include="$skalibs"/include \
  --with-lib="$skalibs"/lib/skalibs \
  --with-dynlib="$skalibs"/lib \
  --enable-allstatic \
  --enable-execline \
  --disable-shared \
  --enable-static \
  --disable-static-libc \
  --prefix="$out"
make -j"$jobs"
make install
