#!/usr/bin/env python3
"""Sum test cases over Meson test logs and print `N passed, N failed`.

usage: count.py [--add PASSED FAILED]... TESTLOG.json [...]

A TAP test counts each of its `ok`/`not ok` lines; a test that failed
without reporting a failing case (crash, timeout) adds one failure; any
other test counts as one case. Exits 1 when anything failed.
"""
import json
import re
import sys

TAP = re.compile(r"^(not ok|ok)\b(.*)$", re.M)


def count(path):
    passed = failed = skipped = 0
    with open(path, encoding="utf-8") as f:
        for row in f:
            t = json.loads(row)
            res = t.get("result", "")
            cases = TAP.findall(t.get("stdout") or "")
            if cases:
                for word, rest in cases:
                    if "# SKIP" in rest.upper():
                        skipped += 1
                    elif word == "ok":
                        passed += 1
                    else:
                        failed += 1
                if res not in ("OK", "EXPECTEDFAIL", "SKIP") and \
                        not any(w == "not ok" for w, _ in cases):
                    failed += 1
            elif res == "SKIP":
                skipped += 1
            elif res in ("OK", "EXPECTEDFAIL"):
                passed += 1
            else:
                failed += 1
    return passed, failed, skipped


def main():
    p = f = s = 0
    args = sys.argv[1:]
    while args[:1] == ['--add']:
        # Cases counted elsewhere (the fuzz run): --add PASSED FAILED.
        p, f = p + int(args[1]), f + int(args[2])
        print(f"other: {args[1]} passed, {args[2]} failed")
        args = args[3:]
    for path in args:
        a, b, c = count(path)
        print(f"{path}: {a} passed, {b} failed, {c} skipped")
        p, f, s = p + a, f + b, s + c
    print(f"{p} passed, {f} failed" + (f", {s} skipped" if s else ""))
    return 1 if f else 0


if __name__ == "__main__":
    sys.exit(main())
