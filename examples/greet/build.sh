mkdir -p "$out/bin"
cp "$src/greet" "$out/bin/greet"
chmod 755 "$out/bin/greet"
