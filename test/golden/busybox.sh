#!/bin/sh
#@pthbs format 1
#@pthbs name busybox
#@pthbs version 1.35.0
#@pthbs recipe busybox
#@pthbs option static false
#@pthbs source url https://busybox.net/downloads/busybox-1.35.0.tar.bz2 sha256 faeeb244c35a348a334f4a59e44626ee870fb07b6884d68c10ae8bc19f83a694 file busybox-1.35.0.tar.bz2
#@pthbs depends gnu-make build /opt/pthbs/store/gnu-make.0000000000000000000000000000000000000000000000000000000000000000
#@pthbs depends linux-headers build /opt/pthbs/store/linux-headers.0000000000000000000000000000000000000000000000000000000000000000
#@pthbs depends musl build,link /opt/pthbs/store/musl.0000000000000000000000000000000000000000000000000000000000000000 for libc
#@pthbs depends musl-cross-make build /opt/pthbs/store/musl-cross-make.0000000000000000000000000000000000000000000000000000000000000000 for cc

set -eu

# Dependencies: their store paths, or an external's prefix on the host.
gnu_make=/opt/pthbs/store/gnu-make.0000000000000000000000000000000000000000000000000000000000000000
linux_headers=/opt/pthbs/store/linux-headers.0000000000000000000000000000000000000000000000000000000000000000
musl=/opt/pthbs/store/musl.0000000000000000000000000000000000000000000000000000000000000000
musl_cross_make=/opt/pthbs/store/musl-cross-make.0000000000000000000000000000000000000000000000000000000000000000

# Toolchain
CC="$musl_cross_make"/bin/x86_64-linux-musl-gcc
REALGCC="$CC"
CC="$musl"/bin/musl-gcc
export REALGCC
export CC

cp -R "$src"/. .

# kconfig_set SYMBOL VALUE: set CONFIG_SYMBOL in .config to VALUE (y, n or a "string").
kconfig_set() {
  sed -i -e "/^CONFIG_$1=/d" -e "/^# CONFIG_$1 is not set\$/d" .config
  if [ "$2" = n ]; then
    echo "# CONFIG_$1 is not set" >> .config
  else
    printf 'CONFIG_%s=%s\n' "$1" "$2" >> .config
  fi
}

KCONFIG_NOTIMESTAMP=1
export KCONFIG_NOTIMESTAMP
make defconfig
kconfig_set STATIC n
headers="$linux_headers"/include
mkdir uapi
for d in linux asm-generic mtd; do ln -s "$headers/$d" "uapi/$d"; done
if [ -d "$headers/asm" ]; then
  ln -s "$headers/asm" uapi/asm
else
  ln -s "$headers/$("$CC" -dumpmachine)/asm" uapi/asm
fi
kconfig_set EXTRA_CFLAGS "\"-isystem $PWD/uapi\""
yes '' | make oldconfig > /dev/null
make -j"$jobs" CC="$CC"
make CC="$CC" CONFIG_PREFIX="$out" install
