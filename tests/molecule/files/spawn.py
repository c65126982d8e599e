"""Start a bounded helper process detached, and return once it is ready.

Usage: python3 spawn.py LOG READY_TEXT -- PROGRAM ARGS...
The program's output goes to LOG; returns when READY_TEXT appears there
(exit 1 after 10 s). The program must stop by itself (count or timeout).
"""
import subprocess
import sys
import time

log, ready = sys.argv[1], sys.argv[2]
argv = sys.argv[sys.argv.index("--") + 1:]
with open(log, "w") as handle:
    subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=handle, stderr=subprocess.STDOUT,
                     start_new_session=True)
deadline = time.monotonic() + 10
while time.monotonic() < deadline:
    with open(log) as handle:
        if ready in handle.read():
            sys.exit(0)
    time.sleep(0.05)
sys.exit("%s did not print %r within 10 s" % (argv[0], ready))
