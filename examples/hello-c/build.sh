cp -R "$src"/. .
greet > greeting.h
mkdir -p "$out/bin"
cc -O2 -o "$out/bin/hello" hello.c
