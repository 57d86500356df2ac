#!/usr/bin/env python3
"""The hostile input files of h_61_hostile_files.sh.

hostile_gen.py DIR: write the small files into DIR and print one line per
case: NAME KIND FILE [ARGS...]. KIND says which command reads it: import:WHAT
(gavel import ... WHAT FILE ARGS), project (gavel init --project), guide
(gavel guide check) or keys (the review screen's keys.yaml). The 100 MB
files are not written then: their FILE does not exist yet, and
hostile_gen.py DIR NAME writes the one of that name, so that the harness
holds one of them on disk at a time.

Sizes are those of issue 13: aliases that would expand to 10^9 nodes, 100,000
levels of nesting, 100 MB scalars (in the first record and in the last one),
\\u0000 and lone or reversed surrogates in JSON strings."""
import os
import sys

out = sys.argv[1]
make = sys.argv[2] if len(sys.argv) > 2 else None
BIG = 100 << 20
DEEP = 100000
os.makedirs(out, exist_ok=True)
cases = []


def put(name, kind, data, *args):
    path = os.path.join(out, name)
    if make is None:
        with open(path, "wb") as f:
            f.write(data.encode() if isinstance(data, str) else data)
    cases.append((name, " ".join([name, kind, path] + list(args))))


def put_big(name, kind, head, fill, tail, *args):
    """head + BIG bytes of fill + tail, written in chunks, only when asked."""
    path = os.path.join(out, name)
    if make == name:
        with open(path, "wb") as f:
            f.write(head.encode())
            chunk = (fill * (1 << 20))[: 1 << 20].encode()
            for _ in range(BIG >> 20):
                f.write(chunk)
            f.write(tail.encode())
    cases.append((name, " ".join([name, kind, path] + list(args))))


# YAML, for each of the three YAML readers.
laughs = 'a0: &a0 "lol"\n' + "".join(
    "a%d: &a%d [%s]\n" % (i, i, ",".join(["*a%d" % (i - 1)] * 10)) for i in range(1, 10)
)
for kind in ("project", "guide", "keys"):
    put("%s-alias-bomb.yaml" % kind, kind, laughs)
    put("%s-deep-flow.yaml" % kind, kind, "x: " + "[" * DEEP + "]" * DEEP + "\n")
    put("%s-deep-map.yaml" % kind, kind, "x: " + "{a: " * DEEP + "1" + "}" * DEEP + "\n")
    put_big("%s-big-scalar.yaml" % kind, kind, "task: \"", "x", "\"\n")
    put("%s-nul.yaml" % kind, kind, "task: \"a\\0b\"\nversion: 1\n")

# JSON in every JSON format: deep nesting, a 100 MB string (the label, in the
# first record and in the last), \u0000, lone and reversed surrogates. Each
# format is (one record with %s for the label, the text between records, the
# file's start and end).
json_formats = {
    "jsonl": ('{"item":"i%d","annotator":"a","label":"%s"}', "\n", "", "\n", "jsonl"),
    "labelstudio": (
        '{"id":%d,"data":{"text":"x"},"annotations":[{"completed_by":1,'
        '"result":[{"from_name":"s","to_name":"text","type":"choices","value":{"choices":["%s"]}}]}]}', ",", "[", "]", "labelstudio",
    ),
    "labelstudio-min": ('{"id":%d,"text":"x","annotator":1,"sentiment":"%s"}', ",", "[", "]",
                        "labelstudio-min"),
    "prodigy": (
        '{"text":"x","_input_hash":%d,"_annotator_id":"a","answer":"accept","label":"%s"}',
        "\n", "", "\n", "prodigy",
    ),
    "argilla": (
        '{"id":"%d","text":"x","sentiment.responses":["%s"],'
        '"sentiment.responses.users":["u"],"sentiment.responses.status":["submitted"]}',
        "\n", "", "\n", "argilla",
    ),
}
for name, (rec, between, start, end, fmt) in json_formats.items():
    args = ("import:votes", "--format", fmt)

    def one(label, n=1):
        return rec.replace("%d", str(n)).replace("%s", label)

    def put_json(case, label):
        put("%s-%s.json" % (name, case), args[0], start + one(label) + end, *args[1:])

    put_json("nul", "p\\u0000s")
    put_json("lone-high", "p\\ud800s")
    put_json("lone-low", "p\\udc00s")
    put_json("reversed-pair", "p\\udc00\\ud800s")
    put("%s-deep.json" % name, args[0],
        start + one("x").replace('"x"', "[" * DEEP + "]" * DEEP) + end, *args[1:])
    put("%s-deep-obj.json" % name, args[0],
        start + one("x").replace('"x"', '{"a":' * DEEP + "1" + "}" * DEEP) + end, *args[1:])
    # A 5 KB label: refused naming the limit, in every format.
    put_json("5k-label", "y" * 5000)
    head, tail = one("%s", 1).split("%s")
    put_big("%s-big-first.json" % name, args[0], start + head, "x",
            tail + between + one("p", 2) + end, *args[1:])
    before = start + between.join(one("p", n) for n in range(2, 100)) + between
    put_big("%s-big-last.json" % name, args[0], before + head, "x", tail + end, *args[1:])

# JSON Lines of the other kinds: a 100 MB item text, and a 100 MB label.
put_big("jsonl-items-big-text.json", "import:items", '{"item":"i1","text":"', "x",
        '"}\n{"item":"i2","text":"t"}\n', "--format", "jsonl")
put_big("jsonl-decisions-big-label.json", "import:decisions", '{"item":"i1","label":"', "x",
        '"}\n', "--format", "jsonl", "--expert", "e")
put_big("jsonl-predictions-big-label.json", "import:predictions",
        '{"item":"i1","probs":{"', "x", '":1}}\n', "--format", "jsonl", "--model", "m",
        "--new-items")

# CSV and TSV: a 100 MB label, a 100 MB quoted field of "", a 100 MB line,
# a 100 MB text, a 100 MB label in the last row, NUL.
for name, sep in (("csv", ","), ("tsv", "\t")):
    args = ("import:votes", "--format", name)
    hdr = sep.join(["item", "annotator", "label"]) + "\n"
    rows = "".join(sep.join(["i%d" % n, "a", "p"]) + "\n" for n in range(2, 100))
    put_big("%s-big-field.%s" % (name, name), args[0], hdr + "i1" + sep + "a" + sep, "x",
            "\ni2" + sep + "a" + sep + "p\n", *args[1:])
    put_big("%s-big-quoted.%s" % (name, name), args[0], hdr + "i1" + sep + "a" + sep + '"', 'x""',
            '"\n', *args[1:])
    put_big("%s-big-last.%s" % (name, name), args[0], hdr + rows + "i1" + sep + "a" + sep, "x",
            "\n", *args[1:])
    put("%s-nul.%s" % (name, name), args[0], hdr + "i1" + sep + "a" + sep + "p\0s\n", *args[1:])
    put_big("%s-big-line.%s" % (name, name), args[0], hdr, "i" + sep, "\n", *args[1:])
    put("%s-5k-label.%s" % (name, name), args[0], hdr + "i1" + sep + "a" + sep + "y" * 5000 + "\n",
        *args[1:])
    put_big("%s-items-big-text.%s" % (name, name), "import:items",
            sep.join(["item", "text", "source"]) + "\ni1" + sep, "x", sep + "s\n", "--format", name)
    put_big("%s-items-big-meta.%s" % (name, name), "import:items",
            sep.join(["item", "text", "source"]) + "\ni1" + sep + "t" + sep, "x", "\n",
            "--format", name)

if make is None:
    print("\n".join(line for _, line in cases))
elif make not in [n for n, _ in cases]:
    sys.exit("hostile_gen.py: no case named %s" % make)
