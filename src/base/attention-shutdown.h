/* attention-shutdown.h: leaving the process while workers may still be inside
 * libtorch. A forward pass or a model load cannot be interrupted; if the
 * process exits normally meanwhile, libtorch's static destructors run under
 * the worker's feet (SIGSEGV, "corrupted double-linked list"). So every
 * worker that touches the model or writes files counts itself here, and the
 * front ends wait a bounded time for the count to reach zero, then leave with
 * _exit() if it has not. No GTK: the CLI and the app share it. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* How long a quitting app waits for its workers before it leaves anyway. */
#define ATTENTION_SHUTDOWN_WAIT_USEC (2 * G_USEC_PER_SEC)

/* Around the work of every worker thread (model load, run, export). */
void attention_shutdown_worker_begin (void);
void attention_shutdown_worker_end (void);

/* Workers currently counted. */
guint attention_shutdown_n_workers (void);

/* Waits up to timeout_usec for every worker to end; TRUE when none is left. */
gboolean attention_shutdown_wait (gint64 timeout_usec);

/* Removes the temporary files still being written (attention-tempfiles.h),
 * flushes stdout and stderr and leaves at once with status, without running
 * atexit handlers or static destructors. */
G_NORETURN void attention_shutdown_exit_now (int status);

G_END_DECLS
