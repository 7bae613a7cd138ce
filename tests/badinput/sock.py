#!/usr/bin/env python3
"""A control-socket client for the bad-input cases.

    sock.py SOCKET MODE PAYLOAD

PAYLOAD is a Python bytes expression (b'...', b'x' * 70000, ...), evaluated
without builtins.  MODE:

    line     send PAYLOAD, half-close the writing side, read until EOF
    drop     send PAYLOAD and close at once without reading; then ask for the
             status on a new connection and print "<dropped> " and that reply
             (the daemon's answer after a client vanished mid-request)
    idle:N   hold N connections open without a byte, then send PAYLOAD on
             one more and read its reply (the others stay open meanwhile)
    trickle  send PAYLOAD one byte every 2 ms, half-close, read

Prints the reply (UTF-8, bad bytes replaced) on stdout; "<closed>" when the
daemon closed without a word, "<reset>" when it reset the connection.
Exit 0; 3 when the socket does not accept; 4 when no answer comes in 5 s.
"""
import socket
import sys
import time

TIMEOUT = 5.0


def connect(path):
    """A blocking connect (a full backlog waits, as the real client does)."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    deadline = time.time() + TIMEOUT
    while True:
        try:
            s.connect(path)
            break
        except BlockingIOError:
            if time.time() > deadline:
                print(f"the daemon accepts nothing on {path} in {TIMEOUT:.0f} s", file=sys.stderr)
                sys.exit(4)
            time.sleep(0.01)
        except OSError as e:
            print(f"cannot connect to {path}: {e}", file=sys.stderr)
            sys.exit(3)
    s.settimeout(TIMEOUT)
    return s


def send(s, data, trickle=False):
    """Sends what the daemon takes; it may close early on a request too large."""
    try:
        if trickle:
            for i in range(len(data)):
                s.sendall(data[i:i + 1])
                time.sleep(0.002)
        else:
            s.sendall(data)
    except (BrokenPipeError, ConnectionResetError):
        pass


def read_reply(s):
    buf = b""
    try:
        while True:
            d = s.recv(65536)
            if not d:
                break
            buf += d
    except ConnectionResetError:
        if not buf:
            return "<reset>"
    except socket.timeout:
        print(f"no answer within {TIMEOUT:.0f} s", file=sys.stderr)
        sys.exit(4)
    if not buf:
        return "<closed>"
    return buf.decode("utf-8", "replace")


def main():
    path, mode, expr = sys.argv[1], sys.argv[2], sys.argv[3]
    payload = eval(expr, {"__builtins__": {}}, {})
    if not isinstance(payload, bytes):
        sys.exit("PAYLOAD must be a bytes expression")
    held = []
    if mode.startswith("idle:"):
        for _ in range(int(mode[5:])):
            held.append(connect(path))
        time.sleep(0.1)
        mode = "line"
    s = connect(path)
    if mode == "drop":
        send(s, payload)
        s.close()
        s = connect(path)
        send(s, b'{"cmd": "status"}\n')
        s.shutdown(socket.SHUT_WR)
        print("<dropped> " + read_reply(s))
        s.close()
        return
    send(s, payload, trickle=(mode == "trickle"))
    try:
        s.shutdown(socket.SHUT_WR)
    except OSError:
        pass
    print(read_reply(s))
    s.close()
    for h in held:
        h.close()


if __name__ == "__main__":
    main()
