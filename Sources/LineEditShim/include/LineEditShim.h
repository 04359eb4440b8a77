// The parts of libedit (Debian libedit-dev) that Swift cannot call directly, as plain functions:
// el_set, el_get and history are variadic, and the interrupt flag is C state written from a
// signal handler, which Swift 6 code cannot safely be.
#ifndef STEEPLE_LINE_EDIT_SHIM_H
#define STEEPLE_LINE_EDIT_SHIM_H

#include <histedit.h>

typedef char *(*cle_prompt_function)(EditLine *);
typedef unsigned char (*cle_key_function)(EditLine *, int);

/// Starts libedit on the terminal with emacs bindings, the history `list`, a prompt function, a
/// client pointer handed back by `cle_client`, and `complete` bound to Tab. Ctrl-C makes `el_gets`
/// return at once (see `cle_line_abandoned`). Reads ~/.editrc as libedit
/// always does, so users keep their own bindings.
EditLine *cle_open(const char *program, History *list, cle_prompt_function prompt,
                   cle_key_function complete, void *client);

/// The client pointer given to `cle_open`.
void *cle_client(EditLine *editor);

/// A history of at most `size` lines that does not keep a line twice in a row.
History *cle_history_open(int size);

void cle_history_enter(History *list, const char *line);

/// Reads a history file; returns a negative number when there is none.
int cle_history_load(History *list, const char *path);

int cle_history_save(History *list, const char *path);

/// Catches SIGINT (Ctrl-C) into a flag instead of ending the process; `el_gets` returns at once
/// and `cle_wait` wakes.
void cle_catch_interrupts(void);

/// Lets SIGINT end the process again, as it does by default (until `cle_catch_interrupts`).
void cle_release_interrupts(void);

/// Whether Ctrl-C was pressed since the last call.
int cle_take_interrupt(void);

/// Whether Ctrl-C ended the line `el_gets` returned.
int cle_line_abandoned(void);

/// Sleeps until `cle_wake` is called or Ctrl-C is pressed.
void cle_wait(void);

/// Sleeps until `cle_wake` is called, Ctrl-C is pressed, or `milliseconds` pass.
void cle_wait_at_most(int milliseconds);

/// Wakes `cle_wait`; safe from any thread.
void cle_wake(void);

#endif
