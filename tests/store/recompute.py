#!/usr/bin/env python3
"""recompute.py - an independent check of an audit store, written apart from vigie's C code.

Reads the SQLite file with Python's sqlite3, re-serializes every event with Python's json
(sorted keys, no white space: RFC 8785 for the ASCII names vigie uses), recomputes the
SHA-256 chain, and writes each checkpoint's signed text and signature into DIR so that
`openssl pkeyutl -verify` can check them. Prints one JSON object with what it found.

Usage: recompute.py DB DIR
"""
import datetime
import hashlib
import json
import os
import sqlite3
import sys


def ts(us):
    d = datetime.datetime.fromtimestamp(us // 1000000, datetime.timezone.utc)
    return d.strftime("%Y-%m-%dT%H:%M:%S") + ".%06dZ" % (us % 1000000)


def main():
    db, out = sys.argv[1], sys.argv[2]
    con = sqlite3.connect("file:%s?mode=ro" % db, uri=True)
    store = con.execute("SELECT value FROM meta WHERE key = 'store_id'").fetchone()[0].hex()
    anchor = con.execute("SELECT seq, head FROM anchor").fetchone()
    prev = anchor[1] if anchor else bytes(32)
    expect = anchor[0] + 1 if anchor else 1
    types, bad, hashes = {}, [], {}
    for seq, t, typ, text, p, h in con.execute(
            "SELECT seq, ts, type, json, prev, hash FROM events ORDER BY seq"):
        obj = json.loads(text)
        again = json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        if seq != expect:
            bad.append([seq, "sequence"])
        if again != text:
            bad.append([seq, "not canonical"])
        if obj.get("ts") != ts(t) or obj.get("type") != typ:
            bad.append([seq, "columns"])
        if p != prev:
            bad.append([seq, "prev"])
        if hashlib.sha256(prev + text.encode("utf-8")).digest() != h:
            bad.append([seq, "hash"])
        types[typ] = types.get(typ, 0) + 1
        hashes[seq] = h
        prev, expect = h, seq + 1
    n = 0
    for seq, t, head, key_id, sig in con.execute(
            "SELECT seq, ts, head, key_id, sig FROM checkpoints ORDER BY seq"):
        if seq in hashes and hashes[seq] != head:
            bad.append([seq, "checkpoint head"])
        msg = "vigie-checkpoint-v1 store=%s seq=%d head=%s ts=%s" % (store, seq, head.hex(), ts(t))
        with open(os.path.join(out, "ckpt-%d.msg" % seq), "w") as f:
            f.write(msg)
        with open(os.path.join(out, "ckpt-%d.sig" % seq), "wb") as f:
            f.write(sig)
        n += 1
    print(json.dumps({"events": sum(types.values()), "types": types, "checkpoints": n,
                      "last": expect - 1, "bad": bad}, sort_keys=True))


main()
