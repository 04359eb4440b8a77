#!/usr/bin/env python3
"""Drives a program through a pseudo-terminal as a person would, for the REPL tests.

usage: repl-pty.py STEPS.json PROGRAM [ARGUMENTS...]

STEPS.json is a list of steps, done in order:
  {"send": "text"}               type the text (control keys as characters: "\t", "\u0003" ...)
  {"expect": "text"}             wait until the program has written the text (after the previous match)
  {"expect": "text", "ready": true}   ... and then until the program reads keys one by one (the
                                 terminal is out of line mode), as a line editor does at its prompt
  {"exit": 0}                    wait for the program to end with that status
  {"shell": "command"}           run a shell command (and wait for it) before going on
Every wait gives up after 20 seconds. On success prints the transcript and exits 0; otherwise
prints what failed and the transcript, and exits 1.
"""
import fcntl
import json
import os
import pty
import select
import struct
import subprocess
import sys
import termios
import time

TIMEOUT = 20.0


def main():
    steps = json.load(open(sys.argv[1]))
    argv = sys.argv[2:]
    master, slave = os.openpty()
    pid = os.fork()
    if pid == 0:
        os.close(master)
        os.setsid()
        fcntl.ioctl(slave, termios.TIOCSCTTY, 0)
        for fd in (0, 1, 2):
            os.dup2(slave, fd)
        if slave > 2:
            os.close(slave)
        os.environ["TERM"] = "xterm"
        os.execvp(argv[0], argv)
    fcntl.ioctl(master, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    transcript = b""
    position = 0

    def read_some(deadline):
        nonlocal transcript
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return False
        ready, _, _ = select.select([master], [], [], remaining)
        if not ready:
            return False
        try:
            data = os.read(master, 4096)
        except OSError:
            return False
        if not data:
            return False
        transcript += data
        return True

    def fail(message):
        shown = transcript.decode("utf-8", "replace")
        sys.stdout.write(f"FAILED: {message}\n--- transcript ---\n{shown!r}\n")
        try:
            os.kill(pid, 9)
        except OSError:
            pass
        sys.exit(1)

    for step in steps:
        if "shell" in step:
            subprocess.run(step["shell"], shell=True, check=True)
        if "send" in step:
            os.write(master, step["send"].encode())
        if "expect" in step:
            wanted = step["expect"].encode()
            deadline = time.monotonic() + TIMEOUT
            while True:
                found = transcript.find(wanted, position)
                if found >= 0:
                    position = found + len(wanted)
                    break
                if not read_some(deadline):
                    fail(f"did not see {step['expect']!r}")
        if "ready" in step:
            deadline = time.monotonic() + TIMEOUT
            while termios.tcgetattr(slave)[3] & termios.ICANON:
                if time.monotonic() > deadline:
                    fail("the terminal never left line mode")
                read_some(min(deadline, time.monotonic() + 0.01))
        if "exit" in step:
            deadline = time.monotonic() + TIMEOUT
            while True:
                finished, status = os.waitpid(pid, os.WNOHANG)
                if finished:
                    break
                if time.monotonic() > deadline:
                    fail("the program did not end")
                read_some(min(deadline, time.monotonic() + 0.05))
            code = os.waitstatus_to_exitcode(status)
            if code != step["exit"]:
                fail(f"exit status {code}, expected {step['exit']}")
    sys.stdout.write(transcript.decode("utf-8", "replace"))


main()
