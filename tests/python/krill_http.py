"""A small client for a node's HTTP admin API, shared by the black-box tests."""

import json
import urllib.error
import urllib.request


def http(node, path, method="GET", timeout=10):
    """(status, body) of one request to `node`'s HTTP API; the body is decoded from JSON when
    the answer says it is JSON, else it is text. HTTP error statuses are returned, not raised."""
    req = urllib.request.Request(f"http://127.0.0.1:{node.http_port}{path}", method=method)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            status, ctype, body = r.status, r.headers.get("Content-Type", ""), r.read().decode()
    except urllib.error.HTTPError as e:
        status, ctype, body = e.code, e.headers.get("Content-Type", ""), e.read().decode()
    return status, (json.loads(body) if ctype.startswith("application/json") else body)
