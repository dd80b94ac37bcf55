#!/bin/sh
#@pthbs format 1
#@pthbs name skalibs
#@pthbs version 2.14.3.0
#@pthbs recipe skarnet
#@pthbs option iopause_select false
#@pthbs option ipv6 true
#@pthbs option shared true
#@pthbs option static true
#@pthbs option tai_clock false
#@pthbs source url https://skarnet.org/software/skalibs/skalibs-2.14.3.0.tar.gz sha256 a14aa558c9b09b062fa16acec623b2c8f93d69f5cba4d07f6d0c58913066c427 file skalibs-2.14.3.0.tar.gz
#@pthbs depends gnu-make build /opt/pthbs/store/gnu-make.0000000000000000000000000000000000000000000000000000000000000000
#@pthbs depends musl build,link /opt/pthbs/store/musl.0000000000000000000000000000000000000000000000000000000000000000 for libc
#@pthbs depends musl-cross-make build /opt/pthbs/store/musl-cross-make.0000000000000000000000000000000000000000000000000000000000000000 for cc

set -eu

# Dependencies: their store paths, or an external's prefix on the host.
gnu_make=/opt/pthbs/store/gnu-make.0000000000000000000000000000000000000000000000000000000000000000
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
  --with-sysdep-devurandom=yes \
  --disable-iopause-select \
  --enable-ipv6 \
  --enable-shared \
  --enable-static \
  --disable-tai-clock \
  --prefix="$out"
make -j"$jobs"
make install
