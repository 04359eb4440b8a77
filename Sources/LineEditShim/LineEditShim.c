#include "LineEditShim.h"

#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <poll.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <wchar.h>

static int read_character(EditLine *editor, wchar_t *character);
// Set when Ctrl-C ended the line being edited; read and cleared by `cle_line_abandoned`.
static volatile sig_atomic_t abandoned = 0;

/// Starts libedit on the terminal with emacs bindings, the history `list`, a prompt function, a
/// client pointer handed back by `cle_client`, and `complete` bound to Tab. Reads ~/.editrc as libedit
/// always does, so users keep their own bindings.
EditLine *cle_open(const char *program, History *list, cle_prompt_function prompt,
                   cle_key_function complete, void *client) {
  setlocale(LC_CTYPE, "");
  EditLine *editor = el_init(program, stdin, stdout, stderr);
  if (editor == NULL) return NULL;
  el_set(editor, EL_EDITOR, "emacs");
  el_set(editor, EL_HIST, history, list);
  el_set(editor, EL_PROMPT, prompt);
  el_set(editor, EL_CLIENTDATA, client);
  el_set(editor, EL_ADDFN, "steeple-complete", "Complete the word before the cursor", complete);
  el_set(editor, EL_BIND, "^I", "steeple-complete", NULL);
  el_set(editor, EL_BIND, "^R", "em-inc-search-prev", NULL);
  el_set(editor, EL_GETCFN, read_character);
  el_source(editor, NULL);
  return editor;
}

/// The client pointer given to `cle_open`.
void *cle_client(EditLine *editor) {
  void *client = NULL;
  el_get(editor, EL_CLIENTDATA, &client);
  return client;
}

/// A history of at most `size` lines that does not keep a line twice in a row.
History *cle_history_open(int size) {
  History *list = history_init();
  if (list == NULL) return NULL;
  HistEvent event;
  history(list, &event, H_SETSIZE, size);
  history(list, &event, H_SETUNIQUE, 1);
  return list;
}

void cle_history_enter(History *list, const char *line) {
  HistEvent event;
  history(list, &event, H_ENTER, line);
}

/// Reads a history file; returns a negative number when there is none.
int cle_history_load(History *list, const char *path) {
  HistEvent event;
  return history(list, &event, H_LOAD, path);
}

int cle_history_save(History *list, const char *path) {
  HistEvent event;
  return history(list, &event, H_SAVE, path);
}

// Set by the SIGINT handler; read and cleared by `cle_take_interrupt`.
static volatile sig_atomic_t interrupted = 0;
// Posted by the SIGINT handler and by `cle_wake`: what `cle_wait` sleeps on.
static sem_t wakeup;
// The SIGINT handler writes a byte here, so that `read_character` wakes from waiting for a key
// wherever in libedit the signal arrived (a flag alone would be missed between its check and
// the read).
static int interrupt_pipe[2] = {-1, -1};

static void cle_on_interrupt(int signal_number) {
  (void)signal_number;
  interrupted = 1;
  sem_post(&wakeup);
  if (interrupt_pipe[1] >= 0) {
    char byte = 1;
    ssize_t written = write(interrupt_pipe[1], &byte, 1);
    (void)written;
  }
}

/// Catches SIGINT (Ctrl-C) into a flag instead of ending the process. Interrupted system calls
/// restart (libedit's terminal writes must not fail halfway); the prompt notices through the pipe
/// and the evaluation wait through the semaphore.
void cle_catch_interrupts(void) {
  static int prepared = 0;
  if (!prepared) {
    prepared = 1;
    sem_init(&wakeup, 0, 0);
    if (pipe(interrupt_pipe) == 0) {
      for (int end = 0; end < 2; end++) {
        fcntl(interrupt_pipe[end], F_SETFL, fcntl(interrupt_pipe[end], F_GETFL) | O_NONBLOCK);
        fcntl(interrupt_pipe[end], F_SETFD, FD_CLOEXEC);
      }
    } else {
      interrupt_pipe[0] = interrupt_pipe[1] = -1;
    }
  }
  struct sigaction action;
  memset(&action, 0, sizeof action);
  action.sa_handler = cle_on_interrupt;
  action.sa_flags = SA_RESTART;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, NULL);
  // A parent may have started us with SIGINT blocked (some test runners and process launchers
  // do); blocked, it would never arrive.
  sigset_t interrupt;
  sigemptyset(&interrupt);
  sigaddset(&interrupt, SIGINT);
  pthread_sigmask(SIG_UNBLOCK, &interrupt, NULL);
}

/// Lets SIGINT end the process again, as it does by default (until `cle_catch_interrupts`).
void cle_release_interrupts(void) {
  struct sigaction action;
  memset(&action, 0, sizeof action);
  action.sa_handler = SIG_DFL;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, NULL);
}

/// Whether Ctrl-C was pressed since the last call.
int cle_take_interrupt(void) {
  int was = interrupted;
  interrupted = 0;
  if (interrupt_pipe[0] >= 0) {
    char bytes[64];
    while (read(interrupt_pipe[0], bytes, sizeof bytes) > 0) {}
  }
  return was;
}

/// libedit's way of getting a key: one character from standard input. When SIGINT arrived (the
/// terminal turns Ctrl-C into the signal) it marks the line abandoned and reports the end of
/// input, which makes `el_gets` return at once.
static int read_character(EditLine *editor, wchar_t *character) {
  (void)editor;
  mbstate_t state;
  memset(&state, 0, sizeof state);
  for (;;) {
    struct pollfd sources[2] = {{STDIN_FILENO, POLLIN, 0}, {interrupt_pipe[0], POLLIN, 0}};
    if (cle_take_interrupt()) {
      abandoned = 1;
      return 0;
    }
    if (poll(sources, interrupt_pipe[0] >= 0 ? 2 : 1, -1) < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    if (sources[1].revents & POLLIN) continue;
    char byte;
    ssize_t count = read(STDIN_FILENO, &byte, 1);
    if (count == 0) return 0;
    if (count < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      return -1;
    }
    size_t length = mbrtowc(character, &byte, 1, &state);
    if (length == (size_t)-2) continue;  // more bytes of this character to come
    if (length == (size_t)-1) {          // not valid in the locale: take the byte as it is
      memset(&state, 0, sizeof state);
      *character = (unsigned char)byte;
    }
    return 1;
  }
}

/// Whether Ctrl-C ended the line `el_gets` returned.
int cle_line_abandoned(void) {
  int was = abandoned;
  abandoned = 0;
  return was;
}

/// Sleeps until `cle_wake` is called or Ctrl-C is pressed.
void cle_wait(void) {
  while (sem_wait(&wakeup) != 0) {}
}

/// Sleeps until `cle_wake` is called, Ctrl-C is pressed, or `milliseconds` pass.
void cle_wait_at_most(int milliseconds) {
  struct timespec until;
  clock_gettime(CLOCK_REALTIME, &until);
  until.tv_nsec += (long)milliseconds * 1000000L;
  until.tv_sec += until.tv_nsec / 1000000000L;
  until.tv_nsec %= 1000000000L;
  sem_timedwait(&wakeup, &until);
}

/// Wakes `cle_wait`; safe from any thread.
void cle_wake(void) { sem_post(&wakeup); }

