# Runs inside the benchmark's image: python3.11 -c "$(cat start-files.py)" CODE
# Executes CODE (the start command's Python) and then prints, one per line, the files that start read: the
# program and shared libraries mapped into this process (the dynamic loader's, Python's and extension modules'),
# and the bytecode (or, without it, the source) of every module imported. That is the prefetch list for the
# "ours with a prefetch list" run, in the order the files were mapped and imported.
import os
import sys

exec(sys.argv[1])

paths = []
with open("/proc/self/maps") as maps:
    for line in maps:
        fields = line.split(None, 5)
        if len(fields) == 6 and fields[5].startswith("/"):
            paths.append(fields[5].strip())
for module in list(sys.modules.values()):
    spec = getattr(module, "__spec__", None)
    origin = getattr(spec, "origin", None)
    if not origin or not origin.startswith("/"):
        continue
    cached = getattr(spec, "cached", None)
    paths.append(cached if cached and os.path.exists(cached) else origin)

seen = set()
for path in paths:
    # Regular files of the image only: no symbolic links, nothing the runtime added (/proc, /dev).
    if path in seen or os.path.islink(path) or not os.path.isfile(path) or path.startswith(("/proc/", "/dev/")):
        continue
    seen.add(path)
    print(path)
