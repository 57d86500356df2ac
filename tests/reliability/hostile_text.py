#!/usr/bin/env python3
"""Hostile text through every path that shows data (issue 13, item 7).

Usage: hostile_text.py GAVEL OUTDIR short|long

Builds >= 300 hostile strings (C0, DEL, C1, CSI, OSC 0/2/8/52, DCS,
bracketed paste, Markus Kuhn's UTF-8 stress test categories written here from
the test's headings, bidi, zero-width, combining floods, wide characters) and
puts each valid one into a project as item text, annotator name, label,
decision reason, expert name, guideline text, task name and model name.
Then:
  - stdout and stderr of the text commands (stats, queue, export to a
    terminal, audit log, guide show, failed imports naming the string, a file
    name holding it) carry no raw control byte: no ESC, C0 but newline and
    tab, DEL or C1;
  - the CSV and JSONL exports hold the text as data: read back with Python's
    csv and json modules (the spreadsheet guard undone) they give the
    original strings;
  - the review screen, run headless, shows every item with no control byte
    and with the hidden characters shown (a visible token where a bidi or
    zero-width character was);
  - in tmux, under TERM=xterm-256color and TERM=vt100, the same keys give,
    cell for cell, the screens the headless run dumped (so no sequence moved
    the cursor or changed a cell outside its field), the pane title set
    before stays, and no paste buffer appears (set-clipboard on, so an OSC 52
    would make one).
The short tier takes a seeded sample of 60 strings; the long tier all.
Prints figure lines; exits 1 on any failure.
"""
import csv
import io
import json
import os
import random
import re
import shutil
import subprocess
import sys
import time

GAVEL, OUT, TIER = sys.argv[1], sys.argv[2], sys.argv[3]
os.makedirs(OUT, exist_ok=True)
failures = []


def fail(msg):
    failures.append(msg)
    print("h_70 FAIL " + msg[:300])


def hostile_strings():
    """(name, bytes) pairs; at least 300."""
    s = []
    for c in list(range(1, 32)) + [127]:
        s.append(("c0-%02x" % c, b"a" + bytes([c]) + b"b"))
    for c in range(0x80, 0xA0):
        s.append(("c1-%02x" % c, ("a" + chr(c) + "b").encode()))
    csi = ["2J", "H", "1;1H", "31m", "?1049h", "?25l", "K", "10A", "6n", "c", "?1000h", "3J",
           "r", "5;10r", "?7l", "4h", "200~", "201~", "0m\x1b[8m", "1000D"]
    for i, q in enumerate(csi):
        s.append(("csi-%d" % i, ("x\x1b[" + q + "y").encode()))
        s.append(("csi8-%d" % i, ("x\x9b" + q + "y").encode()))
    osc = ["0;PWNED-TITLE\x07", "2;PWNED-TITLE\x1b\\", "0;PWNED-TITLE\x1b\\",
           "8;;http://evil.example/\x1b\\link\x1b]8;;\x1b\\", "52;c;UFdORUQ=\x07",
           "52;p;UFdORUQ=\x1b\\", "1;icon\x07", "4;1;rgb:ff/00/00\x07", "10;?\x07", "50;font\x07"]
    for i, q in enumerate(osc):
        s.append(("osc-%d" % i, ("t\x1b]" + q + "u").encode()))
        s.append(("osc8bit-%d" % i, ("t\x9d" + q.replace("\x1b\\", "\x9c") + "u").encode()))
    for i, q in enumerate(["\x1bP+q544e\x1b\\", "\x1bP$qm\x1b\\", "\x90+q436f\x9c",
                           "\x1bPtmux;\x1b\x1b]0;PWNED\x07\x1b\\", "\x1b_apc\x1b\\", "\x1b^pm\x1b\\",
                           "\x1bX sos \x1b\\", "\x1bc", "\x1b7\x1b[H\x1b8", "\x1b#8", "\x1b(0lqk\x1b(B",
                           "\x1b[200~paste\x1b[201~rm -rf ~\n"]):
        s.append(("dcs-%d" % i, ("d" + q + "e").encode()))
    # Markus Kuhn's UTF-8 decoder capability and stress test, by its sections.
    s.append(("kuhn-1-kosme", "\u03ba\u1f79\u03c3\u03bc\u03b5".encode()))
    for i, ch in enumerate(["\x00", "\u0080", "\u0800", "\U00010000"]):
        s.append(("kuhn-2.1-%d" % i, b"[" + ch.encode("utf-8", "surrogatepass") + b"]"))
    s.append(("kuhn-2.1-5byte", b"[\xf8\x88\x80\x80\x80]"))
    s.append(("kuhn-2.1-6byte", b"[\xfc\x84\x80\x80\x80\x80]"))
    for i, ch in enumerate(["\x7f", "\u07ff", "\uffff", "\U0010ffff"]):
        s.append(("kuhn-2.2-%d" % i, b"[" + ch.encode() + b"]"))
    s.append(("kuhn-2.2-5byte", b"[\xfb\xbf\xbf\xbf\xbf]"))
    s.append(("kuhn-2.2-6byte", b"[\xfd\xbf\xbf\xbf\xbf\xbf]"))
    for i, ch in enumerate(["\ud7ff", "\ue000", "\ufffd", "\U0010ffff"]):
        s.append(("kuhn-2.3-%d" % i, b"[" + ch.encode("utf-8", "surrogatepass") + b"]"))
    s.append(("kuhn-2.3-110000", b"[\xf4\x90\x80\x80]"))
    for n in range(1, 8):
        s.append(("kuhn-3.1-cont%d" % n, b"[" + b"\x80\xbf" * (n // 2) + b"\x80" * (n % 2) + b"]"))
    s.append(("kuhn-3.1.9-all-cont", b"[" + bytes(range(0x80, 0xC0)) + b"]"))
    for c in range(0xC0, 0xFE):
        s.append(("kuhn-3.2-lonely-%02x" % c, bytes([c, 0x20]) + b"x"))
    for i, seq in enumerate([b"\xc0", b"\xe0\x80", b"\xf0\x80\x80", b"\xf8\x80\x80\x80",
                             b"\xfc\x80\x80\x80\x80", b"\xdf", b"\xef\xbf", b"\xf7\xbf\xbf",
                             b"\xfb\xbf\xbf\xbf", b"\xfd\xbf\xbf\xbf\xbf"]):
        s.append(("kuhn-3.3-missing-%d" % i, b"[" + seq + b"]"))
    s.append(("kuhn-3.4-concat", b"[\xc0\xe0\x80\xf0\x80\x80\xf8\x80\x80\x80\xfc\x80\x80\x80\x80"
              b"\xdf\xef\xbf\xf7\xbf\xbf\xfb\xbf\xbf\xbf\xfd\xbf\xbf\xbf\xbf]"))
    for i, b in enumerate([b"\xfe", b"\xff", b"\xfe\xfe\xff\xff"]):
        s.append(("kuhn-3.5-impossible-%d" % i, b"[" + b + b"]"))
    for i, b in enumerate([b"\xc0\xaf", b"\xe0\x80\xaf", b"\xf0\x80\x80\xaf", b"\xf8\x80\x80\x80\xaf",
                           b"\xfc\x80\x80\x80\x80\xaf", b"\xc1\xbf", b"\xe0\x9f\xbf",
                           b"\xf0\x8f\xbf\xbf", b"\xc0\x80", b"\xe0\x80\x80", b"\xf0\x80\x80\x80"]):
        s.append(("kuhn-4-overlong-%d" % i, b"[" + b + b"]"))
    for c in (0xD800, 0xDB7F, 0xDB80, 0xDBFF, 0xDC00, 0xDF80, 0xDFFF):
        s.append(("kuhn-5.1-%04x" % c, b"[" + chr(c).encode("utf-8", "surrogatepass") + b"]"))
    for hi, lo in ((0xD800, 0xDC00), (0xDBFF, 0xDFFF), (0xDB80, 0xDC00)):
        s.append(("kuhn-5.2-%04x%04x" % (hi, lo),
                  b"[" + (chr(hi) + chr(lo)).encode("utf-8", "surrogatepass") + b"]"))
    for c in (0xFFFE, 0xFFFF, 0xFDD0, 0x1FFFE):
        s.append(("kuhn-5.3-%04x" % c, ("[" + chr(c) + "]").encode()))
    for c in [0x200E, 0x200F, 0x061C, 0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067,
              0x2068, 0x2069]:
        s.append(("bidi-%04x" % c, ("abc" + chr(c) + "def").encode()))
    s.append(("bidi-trojan", "if (admin\u202e \u2066// check\u2069\u2066) {".encode()))
    for c in [0x200B, 0x200C, 0x200D, 0xFEFF, 0x2060, 0x180E, 0x00AD, 0x2061, 0x034F, 0x115F,
              0x3164, 0xFFA0, 0xE0001, 0xE0041]:
        s.append(("hidden-%04x" % c, ("ab" + chr(c) + "cd").encode()))
    s.append(("combining-500", ("a" + "\u0301" * 500).encode()))
    s.append(("combining-zalgo", "".join(c + "\u0336\u0337\u0338\u0334\u0335" * 6 for c in "zalgo").encode()))
    s.append(("combining-start", ("\u0301\u0302\u0303x").encode()))
    s.append(("wide-cjk", ("\u4e2d\u6587" * 60).encode()))
    s.append(("wide-emoji", ("\U0001F600\U0001F44D\U0001F3FD" * 20).encode()))
    s.append(("wide-zwj-family", ("\U0001F468\u200d\U0001F469\u200d\U0001F467" * 10).encode()))
    s.append(("wide-fullwidth", "\uff21\uff22\uff23\uff11\uff12".encode()))
    s.append(("wide-hangul-jamo", "\u1100\u1161\u11a8".encode()))
    s.append(("wide-flag", "\U0001F1FA\U0001F1F8\U0001F3F4\U000E0067\U000E0062\U000E007F".encode()))
    s.append(("long-line", ("w" * 5000).encode()))
    s.append(("many-lines", ("line\n" * 200).encode()))
    return s


def valid(b):
    try:
        t = b.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return "\x00" not in t


CTRL = re.compile(rb"[\x00-\x08\x0b-\x1f\x7f]|\xc2[\x80-\x9f]")


def check_clean(what, data):
    """No ESC, other C0 (but newline, tab), DEL or C1 in data (bytes)."""
    m = CTRL.search(data)
    if m:
        fail("%s: raw control byte %r at %d: %r" % (what, m.group(), m.start(),
                                                     data[max(0, m.start() - 20):m.start() + 20]))
        return False
    return True


def run(*args, env=None, ok=True):
    p = subprocess.run([GAVEL] + list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       env=env, timeout=300)
    if ok and p.returncode != 0:
        fail("gavel %s: exit %d: %s" % (" ".join(args[:3]), p.returncode, p.stderr[:300]))
    return p


def yaml_str(t):
    """A YAML double-quoted scalar: controls and invisible characters as escapes."""
    out = []
    for ch in t:
        o = ord(ch)
        if ch in '"\\':
            out.append("\\" + ch)
        elif o < 0x20 or 0x7F <= o < 0xA0 or o in (0x2028, 0x2029, 0xFEFF) or 0xD800 <= o < 0xE000:
            out.append("\\x%02x" % o if o < 0x100 else "\\u%04x" % o)
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


all_strings = hostile_strings()
assert len(all_strings) >= 300, len(all_strings)
strings = all_strings
if TIER != "long":
    strings = random.Random(13).sample(all_strings, 60)
good = [(n, b.decode()) for n, b in strings if valid(b)]
print("h_70 hostile strings: %d written, %d in this tier (%d valid UTF-8 without NUL, "
      "shown in every field; the rest in error messages and file names)"
      % (len(all_strings), len(strings), len(good)))

db = os.path.join(OUT, "p.db")
for f in (db, db + "-wal", db + "-shm"):
    if os.path.exists(f):
        os.unlink(f)
run("init", db)


def write_csv(path, header, rows):
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\r\n")
        w.writerow(header)
        w.writerows(rows)


def name_fit(s):
    """s cut to the 4,096-byte limit of names (ids, annotators, labels,
    task, model and expert names), at a character boundary: only the
    5,000-column line is longer."""
    b = s.encode()
    return s if len(b) <= 4096 else b[:4096].decode("utf-8", "ignore")


# One task "t": item k has text s_k, a vote by annotator s_k for label s_k and
# one by "b" for "x" (so it is disputed), a model's prediction, and a decision
# with reason s_k by an expert named s_k's index (expert names come below).
write_csv(os.path.join(OUT, "votes.csv"), ["item", "annotator", "label"],
          [r for k, (n, t) in enumerate(good) for r in (("i%03d" % k, name_fit("ann " + t),
                                                                  name_fit("L" + t)),
                                                       ("i%03d" % k, "b", "x"))])
run("import", db, "votes", os.path.join(OUT, "votes.csv"), "--task", "t")
write_csv(os.path.join(OUT, "items.csv"), ["item", "text"],
          [("i%03d" % k, "text " + t) for k, (n, t) in enumerate(good)])
run("import", db, "items", os.path.join(OUT, "items.csv"), "--task", "t")
half = len(good) // 2
write_csv(os.path.join(OUT, "decisions.csv"), ["item", "label", "reason"],
          [("i%03d" % k, "x", "why " + t) for k, (n, t) in enumerate(good[half:], half)])
run("import", db, "decisions", os.path.join(OUT, "decisions.csv"), "--expert", "gold", "--task", "t")
# Task names, model names and expert names: one each per string, for a few
# strings in the short tier.
named = good if TIER == "long" else good[:8]
# A string that two sections of the list share (U+FFFF is both the last
# three-byte boundary and a noncharacter) names its task once: the second
# import would be a duplicate vote, refused as it should be.
named = [(n, t) for k, (n, t) in enumerate(named) if t not in [u for _, u in named[:k]]]
# Names are held to 4,096 bytes: the 5,000-column line names no task.
named = [(n, t) for n, t in named if len(("task " + t).encode()) <= 4096]
for k, (n, t) in enumerate(named):
    write_csv(os.path.join(OUT, "tv.csv"), ["item", "annotator", "label"],
              [("j%03d" % k, "a", "p"), ("j%03d" % k, "b", "q")])
    run("import", db, "votes", os.path.join(OUT, "tv.csv"), "--task", "task " + t)
    write_csv(os.path.join(OUT, "tp.csv"), ["item", "label", "confidence"],
              [("j%03d" % k, "p", "0.9")])
    run("import", db, "predictions", os.path.join(OUT, "tp.csv"), "--task", "task " + t,
        "--model", "model " + t)
    write_csv(os.path.join(OUT, "td.csv"), ["item", "label", "reason"],
              [("j%03d" % k, "q", "r " + t)])
    run("import", db, "decisions", os.path.join(OUT, "td.csv"), "--task", "task " + t,
        "--expert", "exp " + t)
# Guideline text: a definition and an example holding each string.
with open(os.path.join(OUT, "guide.yaml"), "w", encoding="utf-8") as f:
    f.write("task: t\nversion: \"1\"\nsummary: %s\nlabels:\n" % yaml_str("summary " + good[0][1]))
    f.write("  - value: x\n    definition: %s\n    examples:\n" % yaml_str("def " + good[0][1]))
    for n, t in good:
        f.write("      - %s\n" % yaml_str("ex " + t))
p = run("guide", "load", db, os.path.join(OUT, "guide.yaml"), ok=False)
guide_loaded = p.returncode == 0
check_clean("guide load stderr", p.stderr)

# 1. Text commands: no raw control byte on stdout or stderr.
outputs = 0
for args in (["stats", db], ["stats", db, "--task", "t"], ["queue", db, "--task", "t"],
             ["queue", db, "--task", "t", "--all"],
             ["export", db, "--task", "t", "--format", "jsonl"], ["audit", "log", db],
             ["audit", "verify", db], ["expert", "list", db], ["guide", "show", db, "--task", "t"],
             ["report", db]):
    p = run(*args, ok=False)
    outputs += 1
    check_clean("gavel %s stdout" % " ".join(args[:3]), p.stdout)
    check_clean("gavel %s stderr" % " ".join(args[:3]), p.stderr)
# An export read on a terminal (a pty made by script(1); it turns each
# newline into CR LF) is sanitised; to a pipe or file it is the exact data.
if shutil.which("script"):
    for fmt in ("csv", "jsonl"):
        cmd = "%s export %s --task t --format %s 2>/dev/null" % (GAVEL, db, fmt)
        p = subprocess.run(["script", "-qec", cmd, "/dev/null"], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, timeout=120)
        outputs += 1
        if p.returncode != 0 or len(p.stdout) < 100:
            fail("export to a terminal (%s): exit %d, %d bytes" % (fmt, p.returncode, len(p.stdout)))
        check_clean("export --format %s to a terminal" % fmt, p.stdout.replace(b"\r\n", b"\n"))
else:
    print("h_70 export to a terminal: SKIP: script(1) is not installed")
# Errors that quote the data: a ragged row after a hostile label, a hostile
# file name, an unknown hostile task, a hostile bad label for decisions.
errors = 0
for k, (n, b) in enumerate(strings):
    path = os.path.join(OUT, "bad.csv")
    with open(path, "wb") as f:
        f.write(b"item,annotator,label\r\ni1,a," + b.replace(b"\r", b"").replace(b"\n", b"")
                .replace(b",", b"") + b",extra\r\n")
    p = run("import", db, "votes", path, "--task", "t", ok=False)
    errors += 1
    if p.returncode != 1:
        fail("%s: a ragged row was not refused (exit %d)" % (n, p.returncode))
    check_clean("%s: import error" % n, p.stderr)
    if valid(b) and b"/" not in b:
        fname = os.path.join(OUT, "f" + b.decode().replace("\n", "") + ".csv")
        try:
            p = run("import", db, "votes", fname, "--task", "t", ok=False)
            errors += 1
            check_clean("%s: missing file name" % n, p.stderr)
        except (ValueError, OSError):
            pass
        p = run("queue", db, "--task", "no " + b.decode(), ok=False)
        errors += 1
        check_clean("%s: unknown task" % n, p.stderr)
print("h_70 command outputs checked: %d, error messages checked: %d" % (outputs, errors))

# 2. Exports hold the text as data.
def unguard(c):
    return c[1:] if len(c) > 1 and c[0] == "'" and c[1] in "=+-@\t\r'" else c

p = run("export", db, "--task", "t", "--format", "csv")
rows = list(csv.DictReader(io.StringIO(p.stdout.decode("utf-8"), newline="")))
labels = {unguard(r["label"]) for r in rows}
reasons = {unguard(r["reason"]) for r in rows if r["reason"]}
want_reasons = {"why " + t for n, t in good[half:]}
if not want_reasons <= reasons:
    fail("CSV export: %d of %d reasons differ from the data"
         % (len(want_reasons - reasons), len(want_reasons)))
p = run("export", db, "--task", "t", "--format", "jsonl")
check_clean("JSONL export", p.stdout)
jrows = [json.loads(line) for line in p.stdout.decode("utf-8").splitlines()]
jreasons = {r["reason"] for r in jrows if r.get("reason")}
if not want_reasons <= jreasons:
    fail("JSONL export: %d of %d reasons differ" % (len(want_reasons - jreasons), len(want_reasons)))
want_labels = {name_fit("L" + t) for n, t in good[:half]}
jlabels = {r["label"] for r in jrows}
print("h_70 exports: CSV %d rows, JSONL %d rows; reasons as data %d/%d (CSV), %d/%d (JSONL)"
      % (len(rows), len(jrows), len(want_reasons & reasons), len(want_reasons),
         len(want_reasons & jreasons), len(want_reasons)))

# 3. The review screen, headless: every item opened and dumped, with every
# name. Hidden characters (what the sanitiser must show as a token: bidi
# controls, zero-width and other invisible characters, tag characters
# outside an emoji flag, noncharacters, code points Unicode has not
# assigned) are worked out here from Python's unicodedata, independently of
# gavel's tables.
HIDDEN_NAMES = {0x00AD: "SHY", 0x061C: "ALM", 0x180E: "MVS", 0x200B: "ZWSP", 0x200C: "ZWNJ",
                0x200D: "ZWJ", 0x200E: "LRM", 0x200F: "RLM", 0x2028: "LSEP", 0x2029: "PSEP",
                0x202A: "LRE", 0x202B: "RLE", 0x202C: "PDF", 0x202D: "LRO", 0x202E: "RLO",
                0x2060: "WJ", 0x2066: "LRI", 0x2067: "RLI", 0x2068: "FSI", 0x2069: "PDI",
                0xFEFF: "BOM"}
HIDDEN_OTHER = {0x115F, 0x1160, 0x3164, 0xFFA0} | set(range(0x2061, 0x2065)) | \
    set(range(0x206A, 0x2070)) | {0xFFF9, 0xFFFA, 0xFFFB}


def is_emoji(o):
    return (0x1F000 <= o <= 0x1FAFF or 0x2600 <= o <= 0x27BF or 0x2300 <= o <= 0x23FF
            or 0x2B00 <= o <= 0x2BFF)


def hidden_chars(t):
    """The characters of t that must never reach the screen as they are,
    each with the token that shows it; a ZWJ between two emoji and the tags
    of an emoji flag (black flag, tags) are kept, as they draw visibly."""
    import unicodedata
    out = []
    flag = False
    for i, ch in enumerate(t):
        o = ord(ch)
        if flag and 0xE0020 <= o <= 0xE007F:
            flag = o != 0xE007F
            continue
        flag = o == 0x1F3F4
        if o == 0x200D and 0 < i < len(t) - 1 and is_emoji(ord(t[i - 1])) and is_emoji(ord(t[i + 1])):
            continue
        nonchar = 0xFDD0 <= o <= 0xFDEF or (o & 0xFFFE) == 0xFFFE
        if (o in HIDDEN_NAMES or o in HIDDEN_OTHER or 0xE0000 <= o <= 0xE007F or nonchar
                or unicodedata.category(ch) in ("Cn", "Co")):
            if unicodedata.category(ch) == "Co" and o not in HIDDEN_NAMES:
                continue  # private use: drawn by a font, not hidden
            out.append((ch, "<%s>" % HIDDEN_NAMES[o] if o in HIDDEN_NAMES else "<U+%04X>" % o))
    return out


def raw_hidden(text):
    """The hidden characters found raw in a screen dump (as hidden_chars)."""
    return [ch for ch, _ in hidden_chars(text)]


def hidden_check(what, text, t, need, sink):
    """Screen text shows the string t: none of its hidden characters raw,
    and each one's token seen at least need times (once per field that
    shows t). Appends failures to sink; returns the number of tokens
    checked."""
    raw = raw_hidden(text)
    if raw:
        sink.append("%s: hidden character U+%04X reached the screen" % (what, ord(raw[0])))
    flat = "".join(line.rstrip() for line in text.split("\n"))
    n = 0
    for ch, token in hidden_chars(t):
        # The first in every field; a later one at least once (a field cut
        # to its width may end before it).
        want = need if n == 0 else min(need, 1)
        n += 1
        if flat.count(token) < want:
            sink.append("%s: %s shown %d times, wanted %d (one per field)"
                        % (what, token, flat.count(token), want))
            break
    return n


dumps = os.path.join(OUT, "dumps")
shutil.rmtree(dumps, ignore_errors=True)
os.makedirs(dumps)
# --all lists the decided items too: every item of every task (i000...
# in task t, one j000... in each task named by a string), in the queue's
# order; each dump is matched to its item by the id in the header.
nitems = len(good) + len(named)
keys = [":dump queue"]
for k in range(nitems):
    keys += ["<Enter>", ":dump item%03d" % k, "h", ":dump hist%03d" % k, "q", "q", "j"]
keys += ["<C-c>"]
with open(os.path.join(OUT, "walk.keys"), "w") as f:
    f.write("\n".join(keys) + "\n")
env = dict(os.environ, LC_ALL="C.UTF-8")
p = subprocess.run([GAVEL, "review", db, "--all", "--limit", "0", "--headless", "--size", "80x24",
                    "--script", os.path.join(OUT, "walk.keys"), "--dump-dir", dumps],
                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, timeout=900)
if p.returncode != 0:
    fail("headless review: exit %d: %s" % (p.returncode, p.stderr[:300]))
check_clean("headless review stderr", p.stderr)
ITEM_ID = re.compile(r" ([ij]\d{3}) \| ")
seen = {}
order = []
hidden_fail = []
hidden_items = hidden_tokens = 0
for k in range(nitems):
    path = os.path.join(dumps, "item%03d.txt" % k)
    if not os.path.exists(path):
        fail("headless: no dump item%03d" % k)
        continue
    data = open(path, "rb").read()
    hist = open(os.path.join(dumps, "hist%03d.txt" % k), "rb").read()
    check_clean("headless item%03d" % k, data)
    check_clean("headless hist%03d" % k, hist)
    text = data.decode("utf-8", "replace")
    m = ITEM_ID.search(text.split("\n")[0])
    if not m:
        fail("headless item%03d: no item id in the header" % k)
        continue
    idx = int(m.group(1)[1:])
    seen[m.group(1)] = k
    order.append(m.group(1))
    if m.group(1)[0] == "j":
        # A task named by a string: its task (the header), expert and
        # reason (the decision line) on the item view; the reason in the
        # history (its expert column is cut at 10 columns).
        name, t = named[idx]
        hidden_items += 1 if hidden_chars(t) else 0
        hidden_tokens += hidden_check("headless %s (task %s) item" % (m.group(1), name), text, t,
                                      3 if hidden_chars(t) else 0, hidden_fail)
        hidden_check("headless %s (task %s) history" % (m.group(1), name),
                     hist.decode("utf-8", "replace"), t, 1 if hidden_chars(t) else 0,
                     hidden_fail)
        continue
    name, t = good[idx]
    if hidden_chars(t):
        hidden_items += 1
        # The item view shows t as the text, in the vote tally (the label)
        # and, on a decided item, in the decision's reason; the annotator
        # and label columns of the votes are cut at 10 columns, which may
        # leave the token out of view (the character is never shown raw:
        # checked above). The history shows the reason.
        decided = idx >= half
        hidden_tokens += hidden_check("headless %s (%s) item" % (m.group(1), name), text, t,
                                      3 if decided else 2, hidden_fail)
        if decided:
            hidden_check("headless %s (%s) history" % (m.group(1), name),
                         hist.decode("utf-8", "replace"), t, 1, hidden_fail)
    else:
        hidden_check("headless %s (%s)" % (m.group(1), name),
                     text + hist.decode("utf-8", "replace"), t, 0, hidden_fail)
if len(seen) != nitems:
    fail("headless: %d of %d items opened" % (len(seen), nitems))

for msg in hidden_fail[:40]:
    fail(msg)

# Negative control: the same check over the dumps with each token put back
# as the character it stands for, which is what a sanitiser that let hidden
# characters through would show, must fail for every item that has one.
caught = ctl_items = 0
for item, k in seen.items():
    name, t = (named if item[0] == "j" else good)[int(item[1:])]
    if not hidden_chars(t):
        continue
    ctl_items += 1
    text = open(os.path.join(dumps, "item%03d.txt" % k), encoding="utf-8", errors="replace").read()
    for ch, token in hidden_chars(t):
        text = text.replace(token, ch)
    sink = []
    hidden_check("control", text, t, 1, sink)
    caught += 1 if sink else 0
if ctl_items and caught != ctl_items:
    fail("negative control: hidden characters let through went unseen in %d of %d items"
         % (ctl_items - caught, ctl_items))
print("h_70 headless: %d of %d items opened (every task, --all); %d items with hidden "
      "characters, %d tokens checked, %d failures"
      % (len(seen), nitems, hidden_items, hidden_tokens, len(hidden_fail)))
print("h_70 headless negative control (tokens put back as the characters): caught in %d of %d "
      "items" % (caught, ctl_items))


# 4. tmux, two terminal types: the terminal shows exactly the dumped screens.
def tmux(*a):
    return subprocess.run(["tmux", "-S", os.path.join(OUT, "tmux.sock")] + list(a),
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=30)


def norm(text):
    return "\n".join(line.rstrip() for line in text.rstrip("\n").split("\n")).rstrip("\n")


# Known defects, reported as KNOWN-FAIL without failing the harness (none
# now: the family emoji's ZWJ sequences, which tmux drew narrower than
# gavel counted them, are shown with their joiners as tokens since
# 2026-12-03; docs/RELIABILITY.md, section 7).
KNOWN_TMUX = set()

if shutil.which("tmux") is None:
    print("h_70 tmux: SKIP: tmux is not installed")
else:
    for term in ("xterm-256color", "vt100"):
        tmux("kill-server")
        tmux("-f", "/dev/null", "new-session", "-d", "-s", "h", "-x", "80", "-y", "24", "sh")
        tmux("set-option", "-g", "set-clipboard", "on")
        tmux("set-option", "-g", "allow-rename", "on")
        tmux("set-option", "-g", "remain-on-exit", "on")
        tmux("select-pane", "-t", "h", "-T", "KNOWN-TITLE")
        tmux("send-keys", "-t", "h", "stty -echo; clear; LC_ALL=C.UTF-8 TERM=%s %s review %s"
             " --all --limit 0 --no-color; echo EXIT=$?" % (term, GAVEL, db), "Enter")
        mismatched = 0
        checked = 0

        known = []

        def settle(want_file, label, known_defect=False):
            global mismatched, checked
            want = norm(open(want_file, encoding="utf-8", errors="replace").read())
            got = ""
            for _ in range(60):
                got = norm(tmux("capture-pane", "-p", "-t", "h").stdout.decode("utf-8", "replace"))
                if got == want:
                    break
                time.sleep(0.1)
            checked += 1
            if got != want and known_defect:
                known.append(label)
            elif got != want:
                mismatched += 1
                if mismatched <= 3:
                    fail("tmux %s %s: the terminal differs from the dumped screen:\n--- dump\n%s\n"
                         "--- terminal\n%s" % (term, label, want, got))
        if os.path.exists(os.path.join(dumps, "queue.txt")):
            settle(os.path.join(dumps, "queue.txt"), "queue")
        for k in range(nitems):
            tmux("send-keys", "-t", "h", "Enter")
            item = order[k] if k < len(order) else "?"
            iname = (named if item[0] == "j" else good)[int(item[1:])][0] if item != "?" else "?"
            settle(os.path.join(dumps, "item%03d.txt" % k), "item%03d (%s, %s)" % (k, item, iname),
                   iname in KNOWN_TMUX)
            # The history screen shows the claim's time, which differs
            # from the headless run's: the headless check above covers it.
            tmux("send-keys", "-t", "h", "h")
            time.sleep(0.05)
            tmux("send-keys", "-t", "h", "q")
            time.sleep(0.05)
            tmux("send-keys", "-t", "h", "q")
            time.sleep(0.05)
            tmux("send-keys", "-t", "h", "j")
        title = tmux("display", "-p", "-t", "h", "#{pane_title}").stdout.decode().strip()
        buffers = tmux("list-buffers").stdout.decode().strip()
        tmux("send-keys", "-t", "h", "C-c")
        # Negative control: the same checks see raw OSC 2 and OSC 52 written
        # to this terminal by printf.
        time.sleep(0.3)
        tmux("send-keys", "-t", "h", "printf '\\033]2;PWNED\\033\\\\\\033]52;c;UFdORUQ=\\007'", "Enter")
        ctl_title = ctl_buf = ""
        for _ in range(30):
            time.sleep(0.1)
            ctl_title = tmux("display", "-p", "-t", "h", "#{pane_title}").stdout.decode().strip()
            ctl_buf = tmux("list-buffers").stdout.decode().strip()
            if ctl_title != "KNOWN-TITLE" and ctl_buf:
                break
        if ctl_title == "KNOWN-TITLE" or not ctl_buf:
            fail("tmux %s negative control: printf of OSC 2/52 went unseen (title %r, buffers %r)"
                 % (term, ctl_title, ctl_buf))
        print("h_70 tmux TERM=%s negative control: raw OSC 2 and 52 from printf: title %r, "
              "paste buffer %s" % (term, ctl_title, "present" if ctl_buf else "none"))
        if title != "KNOWN-TITLE":
            fail("tmux %s: the pane title changed to %r" % (term, title))
        if buffers:
            fail("tmux %s: a paste buffer appeared (OSC 52?): %r" % (term, buffers[:200]))
        if known:
            print("h_70 tmux TERM=%s: KNOWN-FAIL (a known defect, not counted): %s"
                  % (term, ", ".join(known)))
        print("h_70 tmux TERM=%s: %d screens compared, %d differ from the dump; title %s; "
              "paste buffers %s" % (term, checked, mismatched,
                                    "unchanged" if title == "KNOWN-TITLE" else "CHANGED",
                                    "none" if not buffers else "PRESENT"))
        tmux("kill-server")

print("h_70 hostile text: %d failures" % len(failures))
sys.exit(1 if failures else 0)
