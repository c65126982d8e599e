"""Stand-in for OpenSSH's ssh as a ControlMaster, for the warm-connection tests (faults 2 and 3 of issue 13).

What it does is what OpenSSH 9 does, as observed in the lab and described in the issue:
- `-M`-style start (ControlMaster=yes -N -f): with no socket at ControlPath, backgrounds a master that listens
  there; with a socket already there (a master killed with SIGKILL leaves one), says "ControlSocket ... already
  exists, disabling multiplexing" and backgrounds a plain session instead, exit 0 either way;
- `-O check`: "Master running (pid=N)" when a master answers on the socket, else exit 255;
- `-O exit`: the master removes its socket and ends.
Router 198.51.100.3 never answers (a silent router): a master start hangs until killed.
"""
import os
import socket
import sys
import time

args = sys.argv[1:]
path = next(a.split("=", 1)[1] for a in args if a.startswith("ControlPath="))
address = args[-1]
log = args[args.index("-E") + 1] if "-E" in args else None


def say(text):
    if log:
        with open(log, "a", encoding="utf-8") as handle:
            handle.write(text + "\n")
    else:
        sys.stderr.write(text + "\n")


def background(serve):
    if os.fork():
        return
    os.setsid()
    if os.fork():
        os._exit(0)
    for fd in (0, 1, 2):
        os.close(fd)
    serve()
    os._exit(0)


def plain_session():
    while True:
        time.sleep(60)


def master():
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(path)
    server.listen(8)
    while True:
        conn = server.accept()[0]
        request = conn.recv(64)
        if request == b"check":
            conn.sendall(b"%d" % os.getpid())
        elif request == b"exit":
            conn.sendall(b"bye")
            os.unlink(path)
            os._exit(0)
        conn.close()


if "-O" in args:
    request = args[args.index("-O") + 1]
    client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        client.connect(path)
    except OSError as err:
        say("Control socket connect(%s): %s" % (path, err.strerror))
        sys.exit(255)
    client.sendall(request.encode())
    answer = client.recv(64).decode()
    say("Master running (pid=%s)" % answer if request == "check" else "Exit request sent.")
    sys.exit(0)

if "ControlMaster=yes" in args:
    if address == "198.51.100.3":
        time.sleep(60)
        sys.exit(255)
    if os.path.exists(path):
        say("ControlSocket %s already exists, disabling multiplexing" % path)
        background(plain_session)
        sys.exit(0)
    background(master)
    for dummy in range(200):
        if os.path.exists(path):
            break
        time.sleep(0.005)
    sys.exit(0)
sys.exit(99)
