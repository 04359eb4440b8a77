#!/usr/bin/env python3
"""Times the interpreter benchmarks for scripts/bench/interp (it is not meant to be run by hand).

For each benchmark and language it runs the program --runs times, keeps the fastest wall-clock
time (process start-up included) and checks that every run exits 0 and prints the same output.
The three languages must agree on each benchmark's output. It then prints a table, a one-line
verdict on the goal "no benchmark slower than CPython", and optionally writes the results as JSON.

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

# Language name, program file extension, and how to build its command line from a program path.
# The Steeple command is filled in from --steeple.
LANGUAGES = ("steeple", "python", "lua")
EXTENSIONS = {"steeple": ".spire", "python": ".py", "lua": ".lua"}


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
    parser.add_argument("--python", default="python3", help="the CPython binary")
    parser.add_argument("--lua", default="lua5.4", help="the Lua 5.4 binary")
    parser.add_argument("--programs", required=True, help="directory holding NAME.spire/.py/.lua")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds allowed per run")
    parser.add_argument("--json", dest="json_path", help="also write the results to this file")
    parser.add_argument("benchmarks", nargs="+")
    args = parser.parse_args()
    if args.runs < 1:
        parser.error("--runs must be at least 1")

    commands = {
        "steeple": lambda path: [args.steeple, "run", path],
        "python": lambda path: [args.python, path],
        "lua": lambda path: [args.lua, path],
    }

    results = []
    try:
        for name in args.benchmarks:
            times, outputs = {}, {}
            for language in LANGUAGES:
                path = os.path.join(args.programs, name + EXTENSIONS[language])
                log(f"bench: {name} / {language} ({args.runs} run{'s' if args.runs > 1 else ''})")
                times[language], outputs[language] = time_program(
                    commands[language](path), args.runs, args.timeout)
            if len(set(outputs.values())) != 1:
                detail = ", ".join(f"{language} printed {outputs[language]!r}" for language in LANGUAGES)
                raise BenchError(f"outputs of {name} disagree: {detail}")
            results.append({
                "name": name,
                "output": outputs["steeple"],
                "seconds": times,
                "steeple_over_python": ratio(times["steeple"], times["python"]),
                "steeple_over_lua": ratio(times["steeple"], times["lua"]),
            })
    except BenchError as error:
        log(f"bench: FAILED: {error}")
        return 1

    # The table: minimum wall-clock seconds per language, then Steeple's ratios to the others.
    header = ("benchmark", "steeple s", "python s", "lua s", "steeple/python", "steeple/lua")
    rows = [(r["name"],
             f"{r['seconds']['steeple']:.3f}", f"{r['seconds']['python']:.3f}",
             f"{r['seconds']['lua']:.3f}",
             f"{r['steeple_over_python']:.2f}x", f"{r['steeple_over_lua']:.2f}x") for r in results]
    widths = [max(len(row[i]) for row in rows + [header]) for i in range(len(header))]
    for row in [header] + rows:
        cells = [row[0].ljust(widths[0])] + [cell.rjust(w) for cell, w in zip(row[1:], widths[1:])]
        print("  ".join(cells))

    worst = max(results, key=lambda r: r["steeple_over_python"])
    goal_met = all(r["steeple_over_python"] <= 1.0 for r in results)
    print(f"worst steeple/python ratio: {worst['steeple_over_python']:.2f}x ({worst['name']}); "
          f"goal 'no benchmark slower than CPython': {'MET' if goal_met else 'NOT MET'}")

    if args.json_path:
        report = {
            "runs": args.runs,
            "timing": "minimum wall-clock seconds over the runs, process start-up included",
            "machine": platform.platform(),
            "commands": {
                "steeple": f"{args.steeple} run FILE",
                "python": f"{args.python} FILE",
                "lua": f"{args.lua} FILE",
            },
            "versions": {
                "python": describe([args.python, "-c",
                                    "import sys; print(sys.executable, sys.version.split()[0])"]),
                "lua": describe([args.lua, "-v"]),
            },
            "benchmarks": results,
            "worst_steeple_over_python": {"name": worst["name"], "ratio": worst["steeple_over_python"]},
            "goal_no_benchmark_slower_than_cpython": goal_met,
        }
        with open(args.json_path, "w") as handle:
            json.dump(report, handle, indent=2)
            handle.write("\n")
        log(f"bench: wrote {args.json_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
