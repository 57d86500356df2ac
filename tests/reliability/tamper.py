#!/usr/bin/env python3
"""Offline edits of a gavel project for the tampering harness (h_50_tamper.sh).

tamper.py PROJECT.db OUTDIR N SEED writes OUTDIR/NNNN.sql, N edits chosen
at random (seeded) among the kinds below, each a script for the sqlite3
shell that drops the append-only triggers first as someone holding the file
would, and OUTDIR/manifest with "NNNN KIND" per line. The hash of a
re-hashed event is computed as gavel's audit.c does:
hex SHA-256(prev_hash || {"seq":..,"at":..,"actor":..,"uid":..,"host":..,
"ssh":..,"action":..,"item":N|null,"detail":DETAIL}).

  event-field     one field of an event changed
  decision-field  one field of a decision changed
  deleted         an event (not the last) or a decision deleted
  inserted        an event inserted mid-chain with its own hash right, or a
                  decision row with no event
  swapped         two events' contents, or two decisions' labels, swapped
  rehashed-row    an event's detail changed and its hash recomputed
  truncated-tail  the last events cut off, and the decisions they recorded
                  with them, so the state still matches the trail
  chain-rehashed  a decision's label and its event changed and the chain
                  re-hashed from there to the end
"""
import hashlib
import json
import os
import random
import sqlite3
import sys

KINDS = ["event-field", "decision-field", "deleted", "inserted", "swapped",
         "rehashed-row", "truncated-tail", "chain-rehashed"]
DROP = ("DROP TRIGGER IF EXISTS event_no_update; DROP TRIGGER IF EXISTS event_no_delete;\n"
        "DROP TRIGGER IF EXISTS decision_no_update; DROP TRIGGER IF EXISTS decision_no_delete;\n")


def js(s):
    return json.dumps(s, ensure_ascii=False)


def canon(e):
    item = "null" if not e["item"] else str(e["item"])
    return ('{"seq":%d,"at":%s,"actor":%s,"uid":%d,"host":%s,"ssh":%s,"action":%s,'
            '"item":%s,"detail":%s}' % (e["seq"], js(e["at"]), js(e["actor"]), e["uid"],
                                        js(e["host"]), js(e["ssh"] or ""), js(e["action"]),
                                        item, e["detail"]))


def ehash(prev, e):
    return hashlib.sha256((prev + canon(e)).encode()).hexdigest()


def q(v):
    if v is None:
        return "NULL"
    if isinstance(v, (int, float)):
        return repr(v)
    return "'" + str(v).replace("'", "''") + "'"


def rewrite(events, start):
    """Re-hash events[start:] in place; return the UPDATE statements."""
    out = []
    prev = events[start - 1]["hash"] if start > 0 else "0" * 64
    for e in events[start:]:
        e["prev_hash"] = prev
        e["hash"] = ehash(prev, e)
        prev = e["hash"]
        out.append("UPDATE event SET prev_hash = %s, hash = %s, detail = %s WHERE seq = %d;"
                   % (q(e["prev_hash"]), q(e["hash"]), q(e["detail"]), e["seq"]))
    return out


def edit(kind, rnd, events, decisions):
    ev = [dict(e) for e in events]
    n = len(ev)
    if kind == "event-field":
        e = rnd.choice(ev)
        field = rnd.choice(["at", "actor", "uid", "host", "action", "detail", "item"])
        new = {"at": "2020-01-01T00:00:00.000Z", "actor": "mallory", "uid": 4242,
               "host": "elsewhere", "action": "note", "item": (e["item"] or 0) + 1,
               "detail": '{"forged":true}'}[field]
        return ["UPDATE event SET %s = %s WHERE seq = %d;" % (field, q(new), e["seq"])]
    if kind == "decision-field":
        d = rnd.choice(decisions)
        field = rnd.choice(["label", "expert", "reason", "at", "seconds", "item"])
        new = {"label": 1 - (d["label"] or 0), "expert": "mallory", "reason": "forged",
               "at": "2020-01-01T00:00:00Z", "seconds": 99.5,
               "item": d["item"] % 40 + 1}[field]
        return ["UPDATE decision SET %s = %s WHERE id = %d;" % (field, q(new), d["id"])]
    if kind == "deleted":
        if rnd.random() < 0.5:
            return ["DELETE FROM event WHERE seq = %d;" % rnd.choice(ev[:-1])["seq"]]
        return ["DELETE FROM decision WHERE id = %d;" % rnd.choice(decisions)["id"]]
    if kind == "inserted":
        if rnd.random() < 0.5:
            d = rnd.choice(decisions)
            return ["INSERT INTO decision(item, expert, label, at, queue, origin) VALUES "
                    "(%d, 'me', %d, %s, 'disputed', 'review');"
                    % (d["item"] % 40 + 1, 1 - (d["label"] or 0), q(d["at"]))]
        i = rnd.randrange(1, n)
        new = dict(ev[i - 1])
        new["seq"] = ev[i]["seq"]
        new["action"] = "note"
        new["detail"] = '{"forged":true}'
        new["prev_hash"] = ev[i - 1]["hash"]
        new["hash"] = ehash(new["prev_hash"], new)
        sql = ["UPDATE event SET seq = -seq WHERE seq >= %d;" % new["seq"],
               "UPDATE event SET seq = 1 - seq WHERE seq < 0;",
               "INSERT INTO event(seq, at, actor, uid, host, ssh, action, item, detail,"
               " prev_hash, hash) VALUES (%s);" % ", ".join(
                   q(new[k]) for k in ["seq", "at", "actor", "uid", "host", "ssh", "action",
                                       "item", "detail", "prev_hash", "hash"])]
        return sql
    if kind == "swapped":
        if rnd.random() < 0.5:
            a, b = rnd.sample(ev, 2)
            return ["UPDATE event SET seq = -1 WHERE seq = %d;" % a["seq"],
                    "UPDATE event SET seq = %d WHERE seq = %d;" % (a["seq"], b["seq"]),
                    "UPDATE event SET seq = %d WHERE seq = -1;" % b["seq"]]
        pairs = [(a, b) for a in decisions for b in decisions if a["label"] != b["label"]]
        a, b = rnd.choice(pairs)
        return ["UPDATE decision SET label = %s WHERE id = %d;" % (q(b["label"]), a["id"]),
                "UPDATE decision SET label = %s WHERE id = %d;" % (q(a["label"]), b["id"])]
    if kind == "rehashed-row":
        i = rnd.randrange(0, n - 1)
        e = ev[i]
        e["detail"] = '{"forged":true}'
        e["hash"] = ehash(e["prev_hash"], e)
        return ["UPDATE event SET detail = %s, hash = %s WHERE seq = %d;"
                % (q(e["detail"]), q(e["hash"]), e["seq"])]
    if kind == "truncated-tail":
        cut = rnd.randint(1, 10)
        gone = ev[n - cut:]
        sql = ["DELETE FROM event WHERE seq > %d;" % ev[n - cut - 1]["seq"]]
        for e in gone:
            if e["action"] == "decide":
                sql.append("DELETE FROM decision WHERE id = %d;"
                           % json.loads(e["detail"])["after"]["decision"])
        return sql
    if kind == "chain-rehashed":
        idx = [i for i, e in enumerate(ev) if e["action"] == "decide"]
        i = rnd.choice(idx)
        det = json.loads(ev[i]["detail"])
        did = det["after"]["decision"]
        d = [x for x in decisions if x["id"] == did][0]
        newlab = 1 - d["label"]
        det["after"]["label"] = "a" if newlab == 0 else "b"
        ev[i]["detail"] = json.dumps(det, separators=(",", ":"))
        return (["UPDATE decision SET label = %d WHERE id = %d;" % (newlab, did)] +
                rewrite(ev, i))
    raise ValueError(kind)


def main():
    db, outdir, n, seed = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    con = sqlite3.connect(db)
    con.row_factory = sqlite3.Row
    events = [dict(r) for r in con.execute("SELECT * FROM event ORDER BY seq")]
    decisions = [dict(r) for r in con.execute("SELECT * FROM decision ORDER BY id")]
    con.close()
    # The generator's own hash must be gavel's, or every re-hash is noise.
    prev = "0" * 64
    for e in events:
        if ehash(prev, e) != e["hash"]:
            sys.exit("tamper.py: cannot reproduce the hash of event %d" % e["seq"])
        prev = e["hash"]
    rnd = random.Random(seed)
    os.makedirs(outdir, exist_ok=True)
    with open(os.path.join(outdir, "manifest"), "w") as man:
        for i in range(n):
            kind = KINDS[i % len(KINDS)] if i < len(KINDS) else rnd.choice(KINDS)
            sql = edit(kind, rnd, events, decisions)
            with open(os.path.join(outdir, "%04d.sql" % i), "w") as f:
                f.write(DROP + "BEGIN;\n" + "\n".join(sql) + "\nCOMMIT;\n")
            man.write("%04d %s\n" % (i, kind))


if __name__ == "__main__":
    main()
