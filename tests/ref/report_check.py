#!/usr/bin/python3
"""Checks of `gavel report` output (used by tests/cli/report.sh and
tests/cli/report_chromium.sh). Each exits 1 naming the first problem.

    report_check.py md REPORT.md STATS.json
        Markdown structure: the title, one "## Task" heading per task with the
        sections (### Labels ... ### Rules), every pipe table with a header,
        a separator row and the same number of cells in every row; and the
        figures: the summary row and each label's row hold the numbers of
        `gavel stats --json --bootstrap 1000` (the lead object), formatted
        with three decimals.
    report_check.py html REPORT.html STATS.json
        The HTML parses with balanced tags, holds no script, no event handler
        and no reference that would fetch anything (src, href other than #,
        url() other than #, @import); and the same figures in its text.
    report_check.py dom DOM.html STATS.json
        The same for the DOM a browser dumps (which has no doctype line).
    report_check.py png FILE.png
        A PNG that decodes, is at least 600 x 600 and is not blank: many
        distinct colours, and ink (non-white pixels) covering 2% or more.
    report_check.py text TEXT STATS.json
        Text extracted from the printed PDF (pdftotext) holds the figures.
    report_check.py netlog NETLOG.json
        Chromium's net log records no request by the page to anything but
        file: and data: URLs.
"""
import html.parser
import json
import re
import struct
import sys
import zlib


def fail(msg):
    sys.exit("report check: " + msg)


def f3(v):
    return "–" if v is None else "%.3f" % v


def figures(stats):
    """The strings a report must show for each task, from stats --json."""
    out = []
    for t in json.load(open(stats))["tasks"]:
        lead = t["lead"]
        want = [t["task"], str(t["items"]), str(t["votes"]), f3(t["percent_agreement"]),
                f3(t["fleiss_kappa"]), f3(lead["alpha"]["value"]), str(lead["decided"]),
                str(lead["open"]), str(t["disputed"])]
        if lead["alpha"]["ci"]:
            want.append("%.3f–%.3f" % tuple(lead["alpha"]["ci"]))
        for l in t["labels"]:
            want += [l["label"], f3(l["specific_agreement"]), f3(l["kappa"])]
        for a in lead["annotators"]:
            want += [a["name"], f3(a["agreement"])]
        for r in lead["rules"]:
            if r["rule"]:
                want.append(r["rule"])
        out.append((t, want))
    return out


def unescape_md(s):
    s = re.sub(r"\\(.)", r"\1", s)
    return s.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def md_cells(line):
    """Cells of a pipe-table row, splitting on pipes that are not escaped."""
    cells, cur, esc = [], "", False
    for ch in line.strip()[1:]:
        if esc:
            cur += "\\" + ch
            esc = False
        elif ch == "\\":
            esc = True
        elif ch == "|":
            cells.append(cur.strip())
            cur = ""
        else:
            cur += ch
    if cur.strip():
        fail("row does not end with a pipe: %r" % line)
    return cells


def check_md(path, stats):
    text = open(path, encoding="utf-8").read()
    lines = text.split("\n")
    if not lines[0].startswith("# gavel report: "):
        fail("no title line: %r" % lines[0])
    if "Audit head `" not in text or "gavel " not in text:
        fail("no provenance line")
    tables = []
    i = 0
    while i < len(lines):
        if lines[i].startswith("|"):
            start = i
            while i < len(lines) and lines[i].startswith("|"):
                i += 1
            tables.append(lines[start:i])
        else:
            i += 1
    for tb in tables:
        if len(tb) < 2:
            fail("a table without a separator row: %r" % tb)
        head = md_cells(tb[0])
        sep = md_cells(tb[1])
        if len(sep) != len(head) or not all(re.fullmatch(r":?-+:?", c) for c in sep):
            fail("bad separator row under %r" % tb[0])
        for row in tb[2:]:
            if len(md_cells(row)) != len(head):
                fail("row with %d cells under a %d-column header: %r"
                     % (len(md_cells(row)), len(head), row))
    plain = unescape_md(text)
    for t, want in figures(stats):
        sec = plain.split("\n## Task " + t["task"] + " ", 1)
        if len(sec) != 2:
            fail("no section for task %r" % t["task"])
        body = sec[1].split("\n## Task ", 1)[0]
        for h in ("### Labels", "### Annotators", "### Pairs", "### Confusion",
                  "### Distribution", "### Rules"):
            if "\n" + h + "\n" not in body:
                fail("task %s: no %r heading" % (t["task"], h))
        for w in want:
            if w not in body:
                fail("task %s: %r is not in the Markdown" % (t["task"], w))
        # the summary row, cell by cell
        rows = [l for l in body.split("\n") if l.startswith("| ")]
        summary = md_cells(rows[1])
        lead = t["lead"]
        expect = [str(t["items"]), str(t["votes"]), str(len(lead["annotators"])),
                  f3(t["percent_agreement"]), f3(t["fleiss_kappa"]), f3(lead["alpha"]["value"])]
        if summary[:6] != expect:
            fail("summary row %r, expected %r" % (summary[:6], expect))
    return text


class Parser(html.parser.HTMLParser):
    VOID = {"meta", "br", "img", "input", "link", "hr", "wbr", "col", "area", "source"}
    SVG_EMPTY = {"rect", "line", "circle", "stop", "polyline", "path"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.text, self.problems = [], [], []

    def handle_starttag(self, tag, attrs):
        self.check(tag, attrs)
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.check(tag, attrs)

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.problems.append("unbalanced </%s> (open: %s)" % (tag, self.stack[-3:]))
            return
        self.stack.pop()

    def handle_data(self, data):
        self.text.append(data)

    def check(self, tag, attrs):
        if tag in ("script", "iframe", "object", "embed", "link", "img"):
            self.problems.append("<%s> tag" % tag)
        for k, v in attrs:
            v = v or ""
            if k.startswith("on"):
                self.problems.append("event handler %s" % k)
            if k in ("src", "srcset", "action", "xlink:href", "background"):
                self.problems.append("%s=%r" % (k, v))
            if k == "href" and not v.startswith("#"):
                self.problems.append("href=%r" % v)
            for u in re.findall(r"url\(([^)]*)\)", v):
                if not u.strip("'\"").startswith("#"):
                    self.problems.append("url(%s)" % u)


def check_html(path, stats, doctype=True):
    text = open(path, encoding="utf-8").read()
    if doctype and not text.startswith("<!DOCTYPE html>"):
        fail("no doctype")
    p = Parser()
    p.feed(text)
    p.close()
    if p.stack:
        fail("unclosed tags: %r" % p.stack)
    if p.problems:
        fail("; ".join(p.problems[:5]))
    css = "".join(re.findall(r"<style>(.*?)</style>", text, re.S))
    if "@import" in css or re.search(r"url\((?!#)", css):
        fail("the stylesheet fetches something")
    if "@page{size:A4" not in css.replace(" ", ""):
        fail("no A4 page rule")
    body = " ".join(p.text)
    for t, want in figures(stats):
        for w in want:
            if w not in body:
                fail("task %s: %r is not in the HTML text" % (t["task"], w))
    return body


def png_pixels(path):
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        fail("not a PNG")
    pos, idat, w = 8, b"", 0
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        chunk = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            w, h, depth, ctype = struct.unpack(">IIBB", chunk[:10])
            if depth != 8 or ctype not in (2, 6):
                fail("unexpected PNG format (depth %d, colour type %d)" % (depth, ctype))
            bpp = 3 if ctype == 2 else 4
        elif kind == b"IDAT":
            idat += chunk
        pos += 12 + n
    raw = zlib.decompress(idat)
    stride = w * bpp
    rows, prev = [], bytearray(stride)
    for y in range(h):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b = prev[x]
            c = prev[x - bpp] if x >= bpp else 0
            if f == 1:
                line[x] = (line[x] + a) & 255
            elif f == 2:
                line[x] = (line[x] + b) & 255
            elif f == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif f == 4:
                pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - 2 * c)
                pr = a if pa <= pb and pa <= pc else b if pb <= pc else c
                line[x] = (line[x] + pr) & 255
        rows.append(bytes(line))
        prev = line
    return w, h, bpp, rows


def check_png(path):
    w, h, bpp, rows = png_pixels(path)
    if w < 600 or h < 600:
        fail("PNG is only %d x %d" % (w, h))
    colours, ink, total = set(), 0, 0
    for y in range(0, h, 3):
        r = rows[y]
        for x in range(0, w, 3):
            px = r[x * bpp:x * bpp + 3]
            colours.add(px)
            total += 1
            ink += px != b"\xff\xff\xff"
    if len(colours) < 20 or ink < total * 0.02:
        fail("PNG looks blank: %d colours, %.1f%% ink" % (len(colours), 100.0 * ink / total))


def check_text(path, stats):
    text = open(path, encoding="utf-8").read()
    flat = re.sub(r"\s+", " ", text)
    for t, want in figures(stats):
        for w in want:
            if w not in flat:
                fail("task %s: %r is not in the printed text" % (t["task"], w))


def check_netlog(path):
    """Requests the page made: chromium's own background requests (update
    checks and the like, refused by the proxy anyway) have no origin; the
    page's have the file's opaque origin and a file:// isolation key."""
    log = json.load(open(path))
    names = {v: k for k, v in log["constants"]["logEventTypes"].items()}
    bad = set()
    for e in log.get("events", []):
        if names.get(e.get("type")) != "URL_REQUEST_START_JOB":
            continue
        p = e.get("params") or {}
        url = p.get("url")
        if not url:
            continue
        from_page = p.get("initiator") != "not an origin" or \
            p.get("network_isolation_key", "").startswith("file://")
        if from_page and not url.startswith(("file:", "data:", "about:")):
            bad.add(url)
    if bad:
        fail("the page requested: %r" % sorted(bad)[:5])


if __name__ == "__main__":
    cmd = sys.argv[1] if len(sys.argv) > 1 else ""
    if cmd == "md" and len(sys.argv) == 4:
        check_md(sys.argv[2], sys.argv[3])
    elif cmd == "html" and len(sys.argv) == 4:
        check_html(sys.argv[2], sys.argv[3])
    elif cmd == "dom" and len(sys.argv) == 4:
        check_html(sys.argv[2], sys.argv[3], doctype=False)
    elif cmd == "png" and len(sys.argv) == 3:
        check_png(sys.argv[2])
    elif cmd == "text" and len(sys.argv) == 4:
        check_text(sys.argv[2], sys.argv[3])
    elif cmd == "netlog" and len(sys.argv) == 3:
        check_netlog(sys.argv[2])
    else:
        sys.exit(__doc__)
