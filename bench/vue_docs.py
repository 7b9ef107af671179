#!/usr/bin/env python3
"""A real Chinese Markdown corpus for the search benchmark (issue 12): the
Chinese Vue.js documentation (github.com/vuejs-translations/docs-zh-cn,
CC BY 4.0, images excluded), turned into an exemplar site folder.

    python3 bench/vue_docs.py REPO_DIR OUT_DIR

REPO_DIR is a checkout or a bare mirror of the repository (read with git,
HEAD); nothing of it is committed here. Every src/**/*.md page becomes
content/<same path>.md with a header (its title, kind: page); Vue
components, images and links between pages are dropped (the corpus is
for searching text, and VitePress links have no trailing slash), code and
text stay. Prints the number of pages written.
"""
import os
import re
import subprocess
import sys

repo, out = sys.argv[1], sys.argv[2]


def git(*args):
    return subprocess.run(["git", "-C", repo, *args], check=True, capture_output=True).stdout


names = [n for n in git("ls-tree", "-r", "--name-only", "HEAD", "src").decode().splitlines()
         if n.endswith(".md") and "[" not in n and "PLEADE" not in n]
os.makedirs(os.path.join(out, "content"), exist_ok=True)
with open(os.path.join(out, "site.yaml"), "w", encoding="utf-8") as f:
    f.write("title: Vue.js 中文文档（搜索测试语料）\n"
            "description: vuejs-translations/docs-zh-cn, CC BY 4.0\n"
            "base_url: http://127.0.0.1/\nlanguage: zh-CN\ntaxonomies: []\n")
written = 0
for name in names:
    text = git("show", f"HEAD:{name}").decode("utf-8", "replace")
    title = None
    fm = re.match(r"^---\n(.*?)\n---\n", text, re.S)
    if fm:
        m = re.search(r"^title:\s*(.+)$", fm.group(1), re.M)
        if m:
            title = m.group(1).strip().strip("'\"")
        text = text[fm.end():]
    m = re.search(r"^#\s+(.+)$", text, re.M)
    if not title and m:
        title = m.group(1)
    if not title:
        continue
    title = re.sub(r"\s*\{#[^}]*\}", "", title)
    title = title.replace("\\", "").replace("`", "").strip()
    body = text
    body = re.sub(r"<script.*?</script>", "", body, flags=re.S)
    body = re.sub(r"<style.*?</style>", "", body, flags=re.S)
    body = re.sub(r"!\[[^\]]*\]\([^)]*\)", "", body)                 # images
    body = re.sub(r"\[([^\]]*)\]\((?!https?:)[^)]*\)", r"\1", body)   # links inside the docs
    body = re.sub(r"<(img|a|iframe)\b[^>]*>", "", body)
    body = re.sub(r"</?[A-Z][A-Za-z]*\b[^>]*>", "", body)             # Vue components
    body = re.sub(r"\{#[^}]*\}", "", body)                           # heading anchors
    body = re.sub(r"^\s*#\s+.+$", "", body, count=1, flags=re.M)      # the title itself
    rel = name[len("src/"):]
    if rel.endswith("/index.md"):
        rel = rel[: -len("/index.md")] + "/_overview.md" if rel != "index.md" else "home.md"
    rel = rel.replace("_overview", "overview")
    path = os.path.join(out, "content", rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    safe_title = title.replace('"', '\\"')
    with open(path, "w", encoding="utf-8") as f:
        f.write(f'---\ntitle: "{safe_title}"\nkind: page\n---\n{body}')
    written += 1
print(written)
