#!/usr/bin/env python3
"""An HTTP client for the web group of the bad-input corpus.

    webclient.py URL WHO METHOD PATH [BODY [CONTENT-TYPE [HEADER:VALUE...]]]

WHO is a user of the corpus's loaxa-web (op, lead, officer, admin: logged in
once, the session kept in DIR/WHO.session) or "none".  PATH is sent as
written (no normalisation: "/../etc/passwd" reaches the server as it is).
BODY is a Python bytes expression (b'...', b'x' * 70000), evaluated without
builtins; "-" for none.  Prints the status and the body on one line
("400 {"error":...}"); exit 0, or 3 when the server does not answer.
"""
import http.client
import json
import os
import sys
import urllib.parse

url, who, method, path = sys.argv[1:5]
body = None
if len(sys.argv) > 5 and sys.argv[5] != "-":
    body = eval(sys.argv[5], {"__builtins__": {}})
ctype = sys.argv[6] if len(sys.argv) > 6 else "application/json"
extra = sys.argv[7:]
u = urllib.parse.urlparse(url)
PW = "mat-khau-123"


def conn():
    return http.client.HTTPConnection(u.hostname, u.port, timeout=20)


def session(name):
    f = os.path.join(os.environ["W"], name + ".session")
    if os.path.exists(f):
        return json.load(open(f))
    c = conn()
    c.request("POST", "/api/v1/login", json.dumps({"name": name, "password": PW}),
              {"Content-Type": "application/json"})
    r = c.getresponse()
    j = json.loads(r.read())
    cookie = r.getheader("Set-Cookie").split(";")[0]
    s = {"cookie": cookie, "csrf": j["csrf"]}
    json.dump(s, open(f, "w"))
    return s


headers = {"Accept-Language": "en"}
if who != "none":
    s = session(who)
    headers["Cookie"] = s["cookie"]
    headers["X-CSRF-Token"] = s["csrf"]
if body is not None:
    headers["Content-Type"] = ctype
for h in extra:
    k, v = h.split(":", 1)
    headers[k] = v
try:
    c = conn()
    c.putrequest(method, path, skip_accept_encoding=True)
    for k, v in headers.items():
        c.putheader(k, v)
    if body is not None and "Content-Length" not in headers:
        c.putheader("Content-Length", str(len(body)))
    c.endheaders()
    if body:
        try:
            c.send(body)
        except (BrokenPipeError, ConnectionResetError):
            pass
    r = c.getresponse()
    print(r.status, r.read().decode("utf-8", "replace").replace("\n", " ")[:2000])
except (ConnectionError, http.client.HTTPException, OSError) as e:
    print("no answer:", e, file=sys.stderr)
    sys.exit(3)
