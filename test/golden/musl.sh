#!/bin/sh
#@pthbs format 1
#@pthbs name musl
#@pthbs version 1.2.5
#@pthbs recipe musl
#@pthbs option gcc_wrapper true
#@pthbs option malloc "mallocng"
#@pthbs option shared true
#@pthbs source url https://musl.libc.org/releases/musl-1.2.5.tar.gz sha256 a9a118bbe84d8764da0ea0d28b3ab3fae8477fc7e4085d90102b8596fc7c75e4 file musl-1.2.5.tar.gz
#@pthbs depends musl-cross-make build /opt/pthbs/store/musl-cross-make.0000000000000000000000000000000000000000000000000000000000000000 for cc

set -eu

# Dependencies: their store paths, or an external's prefix on the host.
musl_cross_make=/opt/pthbs/store/musl-cross-make.0000000000000000000000000000000000000000000000000000000000000000

# Toolchain
CC="$musl_cross_make"/bin/x86_64-linux-musl-gcc
export CC

cp -R "$src"/. .

./configure \
  --enable-shared \
  --enable-static \
  --enable-gcc-wrapper \
  --with-malloc=mallocng \
  --syslibdir="$out"/lib \
  --prefix="$out"
make -j"$jobs"
make install
