cp -R "$src"/. .
./configure --prefix="$out" --syslibdir="$out/lib"
make -j"$jobs"
make install
