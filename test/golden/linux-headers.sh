#!/bin/sh
#@pthbs format 1
#@pthbs name linux-headers
#@pthbs version 4.19.88-2
#@pthbs recipe linux-headers
#@pthbs source url https://ftp.barfooze.de/pub/sabotage/tarballs/linux-headers-4.19.88-2.tar.xz sha256 dc7abf734487553644258a3822cfd429d74656749e309f2b25f09f4282e05588 file linux-headers-4.19.88-2.tar.xz

set -eu

cp -R "$src"/. .

make ARCH=x86_64 prefix="$out" install
