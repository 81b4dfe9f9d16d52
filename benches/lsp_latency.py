#!/usr/bin/env python3
"""Keystroke latency of `tickmark lsp` on the shipped pack, as an editor sees it.

Opens rules/amazon/q4-2025.tick, then types N characters into a rule (one didChange each, waiting
for each one's diagnostics), and asks for a hover after each keystroke; prints the median and the
worst of didChange -> publishDiagnostics and of hover. Run from the repository root:

    python3 benches/lsp_latency.py [path/to/tickmark] [keystrokes]
"""

import json
import os
import statistics
import subprocess
import sys
import time


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else "target/release/tickmark"
    keystrokes = int(sys.argv[2]) if len(sys.argv) > 2 else 50
    server = subprocess.Popen([binary, "lsp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    ids = iter(range(1, 1_000_000))

    def send(message):
        body = json.dumps(message).encode()
        server.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        server.stdin.flush()

    def receive():
        length = None
        while True:
            line = server.stdout.readline().strip()
            if not line:
                break
            if line.startswith(b"Content-Length: "):
                length = int(line.split(b": ")[1])
        return json.loads(server.stdout.read(length))

    def request(method, params):
        id = next(ids)
        send({"jsonrpc": "2.0", "id": id, "method": method, "params": params})
        while True:
            message = receive()
            if message.get("id") == id and "method" not in message:
                return message.get("result")

    def diagnostics(uri, version):
        while True:
            message = receive()
            params = message.get("params", {})
            if message.get("method") == "textDocument/publishDiagnostics" and params.get("uri") == uri:
                if params.get("version") == version:
                    return params["diagnostics"]

    path = os.path.abspath("rules/amazon/q4-2025.tick")
    uri = "file://" + path
    text = open(path, encoding="utf-8").read()
    request("initialize", {"processId": None, "rootUri": "file://" + os.getcwd(), "capabilities": {}})
    send({"jsonrpc": "2.0", "method": "initialized", "params": {}})
    started = time.perf_counter()
    item = {"uri": uri, "languageId": "tickmark", "version": 1, "text": text}
    send({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": item}})
    diagnostics(uri, 1)
    opened = time.perf_counter() - started

    # type `  ` then `na_margin` again at the end of the body `na_margin ~= 9%`, one character a change
    line = text[: text.index("  na_margin ~= 9%")].count("\n")
    column = len("  na_margin ~= 9%")
    typed = (" and na_margin > 1%" * (keystrokes // 19 + 1))[:keystrokes]
    changes, hovers = [], []
    for i, character in enumerate(typed):
        at = {"line": line, "character": column + i}
        change = {"range": {"start": at, "end": at}, "text": character}
        version = i + 2
        started = time.perf_counter()
        params = {"textDocument": {"uri": uri, "version": version}, "contentChanges": [change]}
        send({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": params})
        diagnostics(uri, version)
        changes.append(time.perf_counter() - started)
        started = time.perf_counter()
        request("textDocument/hover", {"textDocument": {"uri": uri}, "position": {"line": line, "character": 4}})
        hovers.append(time.perf_counter() - started)
    request("shutdown", None)
    send({"jsonrpc": "2.0", "method": "exit", "params": None})
    server.wait(timeout=10)

    ms = lambda s: f"{s * 1000:.1f} ms"
    print(f"open to first diagnostics: {ms(opened)}")
    print(f"keystroke to diagnostics: median {ms(statistics.median(changes))}, worst {ms(max(changes))} ({keystrokes} keystrokes)")
    print(f"hover: median {ms(statistics.median(hovers))}, worst {ms(max(hovers))}")


if __name__ == "__main__":
    main()
