cp -R "$src"/. .
# The Linux UAPI headers of the host (Debian's linux-libc-dev): musl-gcc puts only musl's headers
# on the include path, and busybox needs linux/, asm/, asm-generic/ and mtd/ (facts/build-notes.md).
mkdir kh
for d in linux asm-generic mtd; do ln -s "/usr/include/$d" "kh/$d"; done
ln -s "/usr/include/$(gcc -dumpmachine)/asm" kh/asm
KCONFIG_NOTIMESTAMP=1
export KCONFIG_NOTIMESTAMP
make defconfig > /dev/null
sed -i -e 's/^# CONFIG_STATIC is not set$/CONFIG_STATIC=y/' \
  -e "s|^CONFIG_EXTRA_CFLAGS=.*|CONFIG_EXTRA_CFLAGS=\"-isystem $PWD/kh\"|" .config
yes '' | make oldconfig > /dev/null
make -j"$jobs" CC="$musl/bin/musl-gcc"
make CC="$musl/bin/musl-gcc" CONFIG_PREFIX="$out" install
