/* attention-shutdown.c: a count of busy workers and a bounded wait for it */

#include "attention-shutdown.h"

#include <stdio.h>
#include <unistd.h>

#include "attention-tempfiles.h"

static GMutex lock;
static GCond idle;
static guint n_workers;

void
attention_shutdown_worker_begin (void)
{
  g_mutex_lock (&lock);
  n_workers++;
  g_mutex_unlock (&lock);
}

void
attention_shutdown_worker_end (void)
{
  g_mutex_lock (&lock);
  g_warn_if_fail (n_workers > 0);
  if (n_workers > 0)
    n_workers--;
  if (n_workers == 0)
    g_cond_broadcast (&idle);
  g_mutex_unlock (&lock);
}

guint
attention_shutdown_n_workers (void)
{
  guint n;

  g_mutex_lock (&lock);
  n = n_workers;
  g_mutex_unlock (&lock);
  return n;
}

gboolean
attention_shutdown_wait (gint64 timeout_usec)
{
  gint64 end = g_get_monotonic_time () + timeout_usec;
  gboolean done;

  g_mutex_lock (&lock);
  while (n_workers > 0)
    if (!g_cond_wait_until (&idle, &lock, end))
      break;
  done = n_workers == 0;
  g_mutex_unlock (&lock);
  return done;
}

void
attention_shutdown_exit_now (int status)
{
  attention_tempfiles_remove_all ();
  fflush (stdout);
  fflush (stderr);
  _exit (status);
}
