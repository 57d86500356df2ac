#!/usr/bin/env python3
"""Write the hostile input files of h_61_hostile_files.sh into DIR (usage:
hostile_gen.py DIR [short|long]) and print
one line per case: NAME KIND FILE [ARGS...]. KIND says which command reads it:
import (votes, with ARGS), project (gavel init --project), guide (gavel guide
check) or keys (the review screen's keys.yaml). Sizes are those of issue 13:
aliases that would expand to 10^9 nodes, 100,000 levels of nesting, 100 MB
scalars, \\u0000 and lone surrogates in JSON strings."""
import os
import sys

out = sys.argv[1]
# "short": leave out the 100 MB import files (known defects that take minutes).
short = len(sys.argv) > 2 and sys.argv[2] == "short"
BIG = 100 << 20
DEEP = 100000
os.makedirs(out, exist_ok=True)
cases = []


def put(name, kind, data, *args):
    path = os.path.join(out, name)
    with open(path, "wb") as f:
        if isinstance(data, str):
            data = data.encode()
        f.write(data)
    cases.append(" ".join([name, kind, path] + list(args)))


def put_big(name, kind, head, fill, tail, *args):
    """head + BIG bytes of fill + tail, written in chunks."""
    if short and kind == "import":
        return
    path = os.path.join(out, name)
    with open(path, "wb") as f:
        f.write(head.encode())
        chunk = (fill * (1 << 20))[: 1 << 20].encode()
        for _ in range(BIG >> 20):
            f.write(chunk)
        f.write(tail.encode())
    cases.append(" ".join([name, kind, path] + list(args)))


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

# JSON in every JSON format: deep nesting, a 100 MB string, \u0000, lone surrogates.
json_formats = {
    "jsonl": ('{"item":"i1","annotator":"a","label":"%s"}\n', "jsonl"),
    "labelstudio": (
        '[{"id":1,"data":{"text":"x"},"annotations":[{"completed_by":1,'
        '"result":[{"value":{"choices":["%s"]}}]}]}]',
        "labelstudio",
    ),
    "labelstudio-min": ('[{"id":1,"text":"x","annotator":1,"sentiment":"%s"}]', "labelstudio-min"),
    "prodigy": (
        '{"text":"x","_input_hash":1,"_annotator_id":"a","answer":"accept","label":"%s"}\n',
        "prodigy",
    ),
    "argilla": (
        '{"id":"1","text":"x","sentiment.responses":["%s"],'
        '"sentiment.responses.users":["u"],"sentiment.responses.status":["submitted"]}\n',
        "argilla",
    ),
}
for name, (tmpl, fmt) in json_formats.items():
    args = ("--format", fmt)
    put("%s-nul.json" % name, "import", tmpl % "p\\u0000s", *args)
    put("%s-lone-high.json" % name, "import", tmpl % "p\\ud800s", *args)
    put("%s-lone-low.json" % name, "import", tmpl % "p\\udc00s", *args)
    put("%s-deep.json" % name, "import", tmpl.replace('"%s"', "[" * DEEP + "]" * DEEP), *args)
    put("%s-deep-obj.json" % name, "import",
        tmpl.replace('"%s"', '{"a":' * DEEP + "1" + "}" * DEEP), *args)
    head, tail = tmpl.split("%s")
    put_big("%s-big-string.json" % name, "import", head, "x", tail, *args)

# CSV and TSV: a 100 MB field, NUL, a 100 MB run of quotes.
for name, sep in (("csv", ","), ("tsv", "\t")):
    args = ("--format", name)
    hdr = sep.join(["item", "annotator", "label"]) + "\n"
    put_big("%s-big-field.%s" % (name, name), "import", hdr + "i1" + sep + "a" + sep, "x", "\n", *args)
    put_big("%s-big-quoted.%s" % (name, name), "import", hdr + "i1" + sep + "a" + sep + '"', 'x""', '"\n',
            *args)
    put("%s-nul.%s" % (name, name), "import", hdr + "i1" + sep + "a" + sep + "p\0s\n", *args)
    put_big("%s-big-line.%s" % (name, name), "import", hdr, "i" + sep, "\n", *args)

print("\n".join(cases))
