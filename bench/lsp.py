#!/usr/bin/env python3
"""Editor latency of `cosmolint lsp`: the time from a didChange to the publishDiagnostics
of that version, as an editor sees it (debounce included), over stdio.

Scenarios:
  tf-module   a file of a 200-file Terraform module (one directory, one unit)
  arm         an ARM template given with --arm (default: the AVM document-db
              database-account main.json when bicep-registry-modules is beside the repo)

Usage: bench/lsp.py [--bin target/release/cosmolint] [--edits 40] [--arm FILE]
Prints p50/p90/max per scenario as a Markdown table.
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import queue


class Server:
    def __init__(self, binary, root):
        self.p = subprocess.Popen([binary, "lsp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self.q = queue.Queue()
        self.next_id = 1
        threading.Thread(target=self._read, daemon=True).start()
        self.request("initialize", {"processId": None, "rootUri": "file://" + root, "capabilities": {}})
        self.notify("initialized", {})

    def _read(self):
        out = self.p.stdout
        while True:
            length = None
            while True:
                line = out.readline()
                if not line:
                    return
                line = line.strip()
                if not line:
                    break
                k, v = line.split(b":", 1)
                if k.lower() == b"content-length":
                    length = int(v)
            self.q.put((time.perf_counter(), json.loads(out.read(length))))

    def _send(self, msg):
        body = json.dumps(msg).encode()
        self.p.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.p.stdin.flush()

    def notify(self, method, params):
        self._send({"jsonrpc": "2.0", "method": method, "params": params})

    def request(self, method, params):
        i = self.next_id
        self.next_id += 1
        self._send({"jsonrpc": "2.0", "id": i, "method": method, "params": params})
        return self.wait(lambda m: m.get("id") == i and "method" not in m)

    def wait(self, pred, timeout=120):
        end = time.time() + timeout
        while True:
            t, m = self.q.get(timeout=max(0.1, end - time.time()))
            if pred(m):
                return t, m

    def published(self, uri, version):
        return self.wait(
            lambda m: m.get("method") == "textDocument/publishDiagnostics"
            and m["params"]["uri"] == uri
            and m["params"].get("version") == version
        )

    def close(self):
        self.request("shutdown", None)
        self.notify("exit", None)
        self.p.wait(timeout=30)


def measure(binary, root, path, text, edit, edits):
    """Opens `path` with `text`, then sends `edits` full-text changes (edit(text, i)), one
    at a time, each waiting for its diagnostics."""
    uri = "file://" + path
    s = Server(binary, root)
    s.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "x", "version": 1, "text": text}})
    s.published(uri, 1)
    times = []
    for i in range(edits):
        version = i + 2
        new = edit(text, i)
        sent = time.perf_counter()
        s.notify(
            "textDocument/didChange",
            {"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": new}]},
        )
        t, _ = s.published(uri, version)
        times.append((t - sent) * 1000)
    s.close()
    return times


def tf_module(tmp):
    d = os.path.join(tmp, "module")
    os.makedirs(d)
    for i in range(200):
        with open(os.path.join(d, f"f{i:03}.tf"), "w") as f:
            f.write(
                f'variable "v{i}" {{\n  type    = bool\n  default = true\n}}\n'
                f'resource "azurerm_storage_account" "s{i}" {{\n  name = "s{i}"\n  tags = {{ a = "b", n = "{i}" }}\n}}\n'
                f'resource "azurerm_cosmosdb_account" "a{i}" {{\n  name = "a{i}"\n'
                f"  local_authentication_disabled = var.v{i}\n  access_key_metadata_writes_enabled = false\n"
                f"  public_network_access_enabled = false\n}}\n"
            )
    path = os.path.join(d, "f100.tf")
    with open(path) as f:
        text = f.read()
    # Toggle the variable's default: the finding comes and goes.
    edit = lambda t, i: t.replace("default = true", "default = false") if i % 2 == 0 else t
    return d, path, text, edit


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.path.join(here, "..", "target", "release", "cosmolint"))
    ap.add_argument("--edits", type=int, default=40)
    ap.add_argument(
        "--arm",
        default=os.path.join(
            here, "..", "..", "repos", "Azure+bicep-registry-modules", "avm", "res", "document-db", "database-account", "main.json"
        ),
    )
    a = ap.parse_args()
    binary = os.path.abspath(a.bin)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        os.makedirs(os.path.join(tmp, ".git"))
        root, path, text, edit = tf_module(tmp)
        rows.append(("200-file Terraform module", measure(binary, tmp, path, text, edit, a.edits)))
        if os.path.exists(a.arm):
            arm_dir = os.path.join(tmp, "arm")
            os.makedirs(arm_dir)
            path = os.path.join(arm_dir, "main.json")
            shutil.copy(a.arm, path)
            with open(path, encoding="utf-8-sig") as f:
                text = f.read()
            lines = text.count("\n")
            # Append a space after the first `{`: a change anywhere re-lints the template.
            edit = lambda t, i: t.replace("{", "{" + " " * (i % 2 + 1), 1)
            rows.append((f"ARM template, {lines:,} lines ({os.path.basename(a.arm)})", measure(binary, tmp, path, text, edit, a.edits)))
        else:
            print(f"skipped the ARM scenario: {a.arm} not found", file=sys.stderr)
    print("| scenario | p50 | p90 | max |\n| --- | --- | --- | --- |")
    for name, t in rows:
        q = statistics.quantiles(t, n=10)
        print(f"| {name} | {statistics.median(t):.1f} ms | {q[8]:.1f} ms | {max(t):.1f} ms |")


if __name__ == "__main__":
    main()
