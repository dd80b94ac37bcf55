#!/bin/sh
#@pthbs format 1
#@pthbs name gnu-make
#@pthbs version 4.4.1
#@pthbs recipe gnu-make
#@pthbs option load true
#@pthbs source url https://ftp.gnu.org/gnu/make/make-4.4.1.tar.gz sha256 dd16fb1d67bfab79a72f5e8390735c49e3e8e70b4945a15ab1f81ddb78658fb3 file make-4.4.1.tar.gz
#@pthbs depends musl build,link /opt/pthbs/store/musl.0000000000000000000000000000000000000000000000000000000000000000 for libc
#@pthbs depends musl-cross-make build /opt/pthbs/store/musl-cross-make.0000000000000000000000000000000000000000000000000000000000000000 for cc

set -eu

# Dependencies: their store paths, or an external's prefix on the host.
musl=/opt/pthbs/store/musl.0000000000000000000000000000000000000000000000000000000000000000
musl_cross_make=/opt/pthbs/store/musl-cross-make.0000000000000000000000000000000000000000000000000000000000000000

# Toolchain
CC="$musl_cross_make"/bin/x86_64-linux-musl-gcc
REALGCC="$CC"
CC="$musl"/bin/musl-gcc
export REALGCC
export CC

cp -R "$src"/. .

./configure \
  --without-guile \
  --enable-load \
  --prefix="$out"
sh build.sh
./make install
