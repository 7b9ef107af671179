#!/usr/bin/env python3
"""Live-preview benchmark (not a test).

    python3 bench/serve.py [--pages 10000] [--edits 20] [--bin OTHER_EXEMPLAR]

Serves the shared synthetic corpus with `exemplar serve`, listens to the
live-reload event stream like an open page does, then
  * saves an edit to one page's body EDITS times, and
  * saves an edit to a template (templates/page.html, used by every
    article) 5 times,
and reports, for each, the time from the file write to the reload message
arriving (median, min, max), plus the memory the server holds.
"""
import argparse
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def corpus(pages):
    d = os.path.join(HERE, "out", "corpus-exemplar-%d" % pages)
    if not os.path.exists(os.path.join(d, ".complete")):
        shutil.rmtree(d, ignore_errors=True)
        gen = os.path.join(ROOT, "..", "shared", "bench", "gen_corpus.py")
        subprocess.run([sys.executable, gen, "--pages", str(pages), "--flavor", "exemplar", "--out", d],
                       check=True, stdout=subprocess.DEVNULL)
        open(os.path.join(d, ".complete"), "w").close()
    return d


class Events:
    def __init__(self, host, port, base):
        self.s = socket.create_connection((host, port))
        self.s.sendall(("GET %s__exemplar/events HTTP/1.1\r\nHost: x\r\n\r\n" % base).encode())
        self.buf = b""
        self.wait_for(b": exemplar")

    def wait_for(self, marker, timeout=30):
        self.s.settimeout(timeout)
        while marker not in self.buf:
            chunk = self.s.recv(65536)
            if not chunk:
                raise RuntimeError("event stream closed")
            self.buf += chunk
        self.buf = self.buf[self.buf.index(marker) + len(marker):]

    def drain(self):
        self.s.settimeout(0.3)
        try:
            while self.s.recv(65536):
                pass
        except socket.timeout:
            pass
        self.buf = b""


def rss_kib(pid):
    out = {}
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            k, _, v = line.partition(":")
            if k in ("VmRSS", "VmHWM"):
                out[k] = int(v.split()[0])
    return out


def timed_edits(ev, path, n, edit):
    original = open(path, encoding="utf-8").read()
    times = []
    try:
        for i in range(n):
            ev.drain()
            text = edit(original, i)
            t0 = time.perf_counter()
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
            ev.wait_for(b"event: reload")
            times.append((time.perf_counter() - t0) * 1000)
            time.sleep(0.25)
    finally:
        with open(path, "w", encoding="utf-8") as f:
            f.write(original)
        time.sleep(0.5)
    return times


def show(label, ms):
    print("%-34s median %7.1f ms   min %7.1f   max %7.1f   (n=%d)"
          % (label, statistics.median(ms), min(ms), max(ms), len(ms)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pages", type=int, default=10000)
    ap.add_argument("--edits", type=int, default=20)
    ap.add_argument("--bin", help="an exemplar binary to time instead of this checkout's "
                    "(e.g. an older commit's, for a same-run comparison)")
    a = ap.parse_args()
    if not a.bin:
        subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    binary = a.bin or os.path.join(ROOT, "target", "release", "exemplar")
    site = corpus(a.pages)
    tpl_dir = os.path.join(site, "templates")
    shutil.rmtree(tpl_dir, ignore_errors=True)
    os.makedirs(tpl_dir)
    page_tpl = open(os.path.join(ROOT, "themes", "default", "templates", "page.html"), encoding="utf-8").read()
    with open(os.path.join(tpl_dir, "page.html"), "w", encoding="utf-8") as f:
        f.write(page_tpl)
    t_start = time.perf_counter()
    proc = subprocess.Popen([binary, "serve", "--root", site, "--port", "0"],
                            stderr=subprocess.PIPE, text=True)
    try:
        url = None
        for line in proc.stderr:
            m = re.search(r"\(open\): http://([\d.]+):(\d+)(/\S*)", line)
            if m:
                url = m.groups()
                break
        if not url:
            sys.exit("serve did not start")
        startup = time.perf_counter() - t_start
        host, port, base = url[0], int(url[1]), url[2]
        ev = Events(host, port, base)
        print("corpus: %d pages; first build and serve ready in %.2f s" % (a.pages, startup))
        page = os.path.join(site, "content", "deeds", "deed-00042.md")
        body = timed_edits(ev, page, a.edits,
                           lambda t, i: t + "\n编辑第 %d 次：新增的一段文字。\n" % (i + 1))
        show("page body edit → reload message", body)
        tpl = os.path.join(tpl_dir, "page.html")
        tmpl = timed_edits(ev, tpl, 5,
                           lambda t, i: t.replace('<div class="content">', '<div class="content" data-edit="%d">' % i))
        show("template edit → reload message", tmpl)
        mem = rss_kib(proc.pid)
        print("server memory: %.0f MiB resident now, %.0f MiB peak"
              % (mem["VmRSS"] / 1024, mem["VmHWM"] / 1024))
    finally:
        proc.kill()
        proc.wait()
        shutil.rmtree(tpl_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
