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
import resource
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


def run_once(command, timeout):
    """Runs `command` once; returns (wall seconds, exit status, stdout, stderr)."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        raise BenchError(f"`{' '.join(command)}` timed out after {timeout}s")
    elapsed = time.perf_counter() - start
    # communicate() has reaped the child; its usage is in RUSAGE_CHILDREN, read as a difference.
    return elapsed, process.returncode, stdout, stderr


def time_program(command, runs, timeout):
    """Runs `command` `runs` times; returns (fastest wall seconds, fastest cpu seconds, stripped stdout).

    The cpu time is the child's user + system time as the kernel accounts it, which a busy
    machine disturbs much less than the wall-clock time."""
    best_wall = best_cpu = None
    output = None
    for run in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        elapsed, status, stdout, stderr = run_once(command, timeout)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        if status != 0:
            raise BenchError(
                f"`{' '.join(command)}` exited with status {status}\n"
                f"--- stdout ---\n{stdout}--- stderr ---\n{stderr}")
        out = stdout.strip()
        if output is not None and out != output:
            raise BenchError(f"`{' '.join(command)}` printed {out!r} on run {run + 1}, "
                             f"but {output!r} before")
        output = out
        best_wall = elapsed if best_wall is None else min(best_wall, elapsed)
        best_cpu = cpu if best_cpu is None else min(best_cpu, cpu)
    return best_wall, best_cpu, output


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
            times, cpu_times, outputs = {}, {}, {}
            for label, language, command in interpreters:
                path = os.path.join(args.programs, name + EXTENSIONS[language])
                log(f"bench: {name} / {label} ({args.runs} run{'s' if args.runs > 1 else ''})")
                times[label], cpu_times[label], outputs[label] = time_program(command(path), args.runs, args.timeout)
            if len(set(outputs.values())) != 1:
                detail = ", ".join(f"{label} printed {outputs[label]!r}" for label, _, _ in interpreters)
                raise BenchError(f"outputs of {name} disagree: {detail}")
            results.append({
                "name": name,
                "output": outputs["steeple"],
                "seconds": times,
                "cpu_seconds": cpu_times,
                "steeple_over": {label: ratio(times["steeple"], times[label]) for label in others},
                "steeple_over_cpu": {label: ratio(cpu_times["steeple"], cpu_times[label]) for label in others},
            })
    except BenchError as error:
        log(f"bench: FAILED: {error}")
        return 1

    # The tables: minimum wall-clock seconds per interpreter, each followed by Steeple's ratio to
    # it; then the same for cpu seconds (user + system), which a busy machine disturbs less.
    def table(title, seconds_key, ratio_key):
        print(title)
        header = ["benchmark", "steeple s"]
        for label in others:
            header += [f"{label} s", "ratio"]
        rows = []
        for r in results:
            row = [r["name"], f"{r[seconds_key]['steeple']:.3f}"]
            for label in others:
                row += [f"{r[seconds_key][label]:.3f}", f"{r[ratio_key][label]:.2f}x"]
            rows.append(row)
        widths = [max(len(row[i]) for row in rows + [header]) for i in range(len(header))]
        for row in [header] + rows:
            cells = [row[0].ljust(widths[0])] + [cell.rjust(w) for cell, w in zip(row[1:], widths[1:])]
            print("  ".join(cells))

    table("wall-clock seconds (minimum over the runs); ratio = steeple / the interpreter before it",
          "seconds", "steeple_over")
    print()
    table("cpu seconds, user + system (minimum over the runs)", "cpu_seconds", "steeple_over_cpu")
    print()

    def verdict(ratio_key, metric):
        missed = []
        for label in others:
            goal = LUA_GOAL if label == "lua" else PYTHON_GOAL
            w = max(results, key=lambda r: r[ratio_key][label])
            print(f"{metric}: worst steeple/{label}: {w[ratio_key][label]:.2f}x ({w['name']}), goal {goal:.1f}x")
            missed += [f"{r['name']} vs {label}" for r in results if r[ratio_key][label] > goal]
        print(f"{metric}: goal 'every benchmark at most {PYTHON_GOAL:.1f}x CPython and {LUA_GOAL:.1f}x Lua': "
              + ("MET" if not missed else "NOT MET (" + ", ".join(missed) + ")"))
        return missed

    missed = verdict("steeple_over", "wall")
    missed_cpu = verdict("steeple_over_cpu", "cpu")
    goal_met = not missed

    if args.json_path:
        report = {
            "runs": args.runs,
            "timing": "minimum wall-clock seconds and minimum cpu (user + system) seconds over the runs, "
                      "process start-up included",
            "machine": platform.platform(),
            "commands": {label: " ".join(command("FILE")) for label, _, command in interpreters},
            "versions": {
                **{python: describe([python, "-c", "import sys; print(sys.executable, sys.version.split()[0])"])
                   for python in pythons},
                "lua": describe([args.lua, "-v"]),
            },
            "benchmarks": results,
            "goal": {"steeple_over_python_at_most": PYTHON_GOAL, "steeple_over_lua_at_most": LUA_GOAL,
                     "met": goal_met, "missed": missed,
                     "met_in_cpu_time": not missed_cpu, "missed_in_cpu_time": missed_cpu},
        }
        with open(args.json_path, "w") as handle:
            json.dump(report, handle, indent=2)
            handle.write("\n")
        log(f"bench: wrote {args.json_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
