#!/usr/bin/env python3
"""Times the interpreter benchmarks for scripts/bench/interp (it is not meant to be run by hand).

For each benchmark and interpreter it runs the program --runs times, keeps the fastest wall-clock
time (process start-up included) and checks that every run exits 0 and prints the same output.
Every interpreter must agree on each benchmark's output. It then prints a table, a one-line
verdict on the goal "every benchmark at or below 1.0x against each CPython and within 2x of Lua",
and optionally writes the results as JSON.

Exit status: 0 when every program ran and the outputs agree (whether or not the goal is met),
1 when a program failed, timed out or the outputs disagree, 2 on bad usage.
"""

import argparse
import json
import os
import platform
import subprocess
import sys
import time

# Program file extension per language. The interpreters compared are Steeple, one or more
# CPythons (--python, repeatable) and Lua.
EXTENSIONS = {"steeple": ".spire", "python": ".py", "lua": ".lua"}
# The goal: Steeple/CPython at most this, and Steeple/Lua at most that.
PYTHON_GOAL = 1.0
LUA_GOAL = 2.0


class BenchError(Exception):
    """A program failed, timed out or printed something other than its siblings."""


def log(message):
    print(message, file=sys.stderr, flush=True)


def time_program(command, runs, timeout):
    """Runs `command` `runs` times; returns (fastest seconds, stripped stdout)."""
    best = None
    output = None
    for run in range(runs):
        start = time.perf_counter()
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            raise BenchError(f"`{' '.join(command)}` timed out after {timeout}s")
        elapsed = time.perf_counter() - start
        if done.returncode != 0:
            raise BenchError(
                f"`{' '.join(command)}` exited with status {done.returncode}\n"
                f"--- stdout ---\n{done.stdout}--- stderr ---\n{done.stderr}")
        out = done.stdout.strip()
        if output is not None and out != output:
            raise BenchError(f"`{' '.join(command)}` printed {out!r} on run {run + 1}, "
                             f"but {output!r} before")
        output = out
        best = elapsed if best is None else min(best, elapsed)
    return best, output


def describe(command):
    """The first line a version query prints, for the JSON report ('' if it fails)."""
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return (done.stdout or done.stderr).strip().splitlines()[0] if done.returncode == 0 else ""


def ratio(a, b):
    return a / b if b > 0 else float("inf")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steeple", required=True, help="the steeple binary")
    parser.add_argument("--python", action="append", help="a CPython binary (repeat to compare several)")
    parser.add_argument("--lua", default="lua5.4", help="the Lua 5.4 binary")
    parser.add_argument("--programs", required=True, help="directory holding NAME.spire/.py/.lua")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds allowed per run")
    parser.add_argument("--json", dest="json_path", help="also write the results to this file")
    parser.add_argument("benchmarks", nargs="+")
    args = parser.parse_args()
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    pythons = args.python or ["python3"]

    # Each interpreter: its label, the language of its programs, and its command line.
    interpreters = [("steeple", "steeple", lambda path: [args.steeple, "run", path])]
    for python in pythons:
        interpreters.append((python, "python", lambda path, python=python: [python, path]))
    interpreters.append(("lua", "lua", lambda path: [args.lua, path]))
    others = [label for label, _, _ in interpreters[1:]]

    results = []
    try:
        for name in args.benchmarks:
            times, outputs = {}, {}
            for label, language, command in interpreters:
                path = os.path.join(args.programs, name + EXTENSIONS[language])
                log(f"bench: {name} / {label} ({args.runs} run{'s' if args.runs > 1 else ''})")
                times[label], outputs[label] = time_program(command(path), args.runs, args.timeout)
            if len(set(outputs.values())) != 1:
                detail = ", ".join(f"{label} printed {outputs[label]!r}" for label, _, _ in interpreters)
                raise BenchError(f"outputs of {name} disagree: {detail}")
            results.append({
                "name": name,
                "output": outputs["steeple"],
                "seconds": times,
                "steeple_over": {label: ratio(times["steeple"], times[label]) for label in others},
            })
    except BenchError as error:
        log(f"bench: FAILED: {error}")
        return 1

    # The table: minimum wall-clock seconds per interpreter, each followed by Steeple's ratio to it.
    header = ["benchmark", "steeple s"]
    for label in others:
        header += [f"{label} s", f"steeple/{label}"]
    rows = []
    for r in results:
        row = [r["name"], f"{r['seconds']['steeple']:.3f}"]
        for label in others:
            row += [f"{r['seconds'][label]:.3f}", f"{r['steeple_over'][label]:.2f}x"]
        rows.append(row)
    widths = [max(len(row[i]) for row in rows + [header]) for i in range(len(header))]
    for row in [header] + rows:
        cells = [row[0].ljust(widths[0])] + [cell.rjust(w) for cell, w in zip(row[1:], widths[1:])]
        print("  ".join(cells))

    def worst(label):
        return max(results, key=lambda r: r["steeple_over"][label])

    missed = []
    for label in others:
        goal = LUA_GOAL if label == "lua" else PYTHON_GOAL
        w = worst(label)
        print(f"worst steeple/{label}: {w['steeple_over'][label]:.2f}x ({w['name']}), goal {goal:.1f}x")
        missed += [f"{r['name']} vs {label}" for r in results if r["steeple_over"][label] > goal]
    goal_met = not missed
    print(f"goal 'every benchmark at most {PYTHON_GOAL:.1f}x CPython and {LUA_GOAL:.1f}x Lua': "
          + ("MET" if goal_met else "NOT MET (" + ", ".join(missed) + ")"))

    if args.json_path:
        report = {
            "runs": args.runs,
            "timing": "minimum wall-clock seconds over the runs, process start-up included",
            "machine": platform.platform(),
            "commands": {label: " ".join(command("FILE")) for label, _, command in interpreters},
            "versions": {
                **{python: describe([python, "-c", "import sys; print(sys.executable, sys.version.split()[0])"])
                   for python in pythons},
                "lua": describe([args.lua, "-v"]),
            },
            "benchmarks": results,
            "goal": {"steeple_over_python_at_most": PYTHON_GOAL, "steeple_over_lua_at_most": LUA_GOAL,
                     "met": goal_met, "missed": missed},
        }
        with open(args.json_path, "w") as handle:
            json.dump(report, handle, indent=2)
            handle.write("\n")
        log(f"bench: wrote {args.json_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
