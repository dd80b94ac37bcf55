#!/bin/sh
#@pthbs format 1
#@pthbs name musl-cross-make
#@pthbs version 0.9.11
#@pthbs recipe musl-cross-make
#@pthbs option target "x86_64-linux-musl"
#@pthbs source git https://github.com/richfelker/musl-cross-make.git commit 6f3701d08137496d5aac479e3a3977b5ae993c1f
#@pthbs resource url https://ftp.gnu.org/gnu/gcc/gcc-9.4.0/gcc-9.4.0.tar.xz sha256 c95da32f440378d7751dd95533186f7fc05ceb4fb65eb5b85234e6299eb9838e file gcc-9.4.0.tar.xz
#@pthbs resource url https://ftp.gnu.org/gnu/binutils/binutils-2.33.1.tar.xz sha256 ab66fc2d1c3ec0359b8e08843c9f33b63e8707efdff5e4cc5c200eae24722cbf file binutils-2.33.1.tar.xz
#@pthbs resource url https://ftp.gnu.org/gnu/gmp/gmp-6.1.2.tar.bz2 sha256 5275bb04f4863a13516b2f39392ac5e272f5e1bb8057b18aec1c9b79d73d8fb2 file gmp-6.1.2.tar.bz2
#@pthbs resource url https://ftp.gnu.org/gnu/mpc/mpc-1.1.0.tar.gz sha256 6985c538143c1208dcb1ac42cedad6ff52e267b47e5f970183a3e75125b43c2e file mpc-1.1.0.tar.gz
#@pthbs resource url https://ftp.gnu.org/gnu/mpfr/mpfr-4.0.2.tar.bz2 sha256 c05e3f02d09e0e9019384cdd58e0f19c64e6db1fd6f5ecf77b4b1c61ca253acc file mpfr-4.0.2.tar.bz2
#@pthbs resource url https://musl.libc.org/releases/musl-1.2.5.tar.gz sha256 a9a118bbe84d8764da0ea0d28b3ab3fae8477fc7e4085d90102b8596fc7c75e4 file musl-1.2.5.tar.gz
#@pthbs resource url https://ftp.barfooze.de/pub/sabotage/tarballs/linux-headers-4.19.88-2.tar.xz sha256 dc7abf734487553644258a3822cfd429d74656749e309f2b25f09f4282e05588 file linux-headers-4.19.88-2.tar.xz

set -eu

cp -R "$src"/. .

mkdir -p sources
cp "$resources"/gcc-9.4.0.tar.xz sources/
cp "$resources"/binutils-2.33.1.tar.xz sources/
cp "$resources"/gmp-6.1.2.tar.bz2 sources/
cp "$resources"/mpc-1.1.0.tar.gz sources/
cp "$resources"/mpfr-4.0.2.tar.bz2 sources/
cp "$resources"/musl-1.2.5.tar.gz sources/
cp "$resources"/linux-headers-4.19.88-2.tar.xz sources/
{
  printf 'TARGET = %s\n' x86_64-linux-musl
  printf 'OUTPUT = %s\n' "$out"
  echo 'DL_CMD = false'
} > config.mak
make -j"$jobs"
make install
