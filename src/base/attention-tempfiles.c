/* attention-tempfiles.c: temporary files removable from a signal handler */

#include "attention-tempfiles.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Every exporter thread writes one file at a time: a few slots suffice. */
#define N_SLOTS 64

typedef struct
{
  int state; /* 0 free, 1 being filled or emptied, 2 holds a path */
  char path[PATH_MAX];
} Slot;

static Slot slots[N_SLOTS];

/* Creations under way, and whether a signal handler is cleaning up. A file
 * the handler's scan missed because another thread was still opening it
 * would be left behind: the handler raises `dying` and waits for the count
 * to reach 0 before it scans, and a creation that sees `dying` never opens.
 * Both are sequentially consistent atomics, so one of the two always sees
 * the other. */
static int creating;
static int dying;

int
attention_tempfiles_remember (const char *path)
{
  gsize len = strlen (path);

  if (len >= PATH_MAX)
    return -1;
  for (int i = 0; i < N_SLOTS; i++)
    if (g_atomic_int_compare_and_exchange (&slots[i].state, 0, 1))
      {
        memcpy (slots[i].path, path, len + 1);
        g_atomic_int_set (&slots[i].state, 2);
        return i;
      }
  return -1;
}

void
attention_tempfiles_forget (int slot)
{
  if (slot < 0 || slot >= N_SLOTS)
    return;
  /* A signal arriving now may still unlink the path: it has been renamed
   * or removed already, so that does nothing. */
  if (g_atomic_int_compare_and_exchange (&slots[slot].state, 2, 1))
    {
      slots[slot].path[0] = '\0';
      g_atomic_int_set (&slots[slot].state, 0);
    }
}

static int create_file (const char *target, char **tmp_path, int *slot);

int
attention_tempfiles_create (const char *target, char **tmp_path, int *slot)
{
  sigset_t block, old;
  int fd, err;

  /* The cleanup signals wait while this thread counts as creating: their
   * handler, running here, would wait for itself. */
  sigemptyset (&block);
  sigaddset (&block, SIGINT);
  sigaddset (&block, SIGTERM);
  sigaddset (&block, SIGHUP);
  pthread_sigmask (SIG_BLOCK, &block, &old);
  g_atomic_int_inc (&creating);
  if (g_atomic_int_get (&dying))
    {
      /* The process is ending: create nothing more. */
      g_atomic_int_dec_and_test (&creating);
      pthread_sigmask (SIG_SETMASK, &old, NULL);
      for (;;)
        pause ();
    }
  fd = create_file (target, tmp_path, slot);
  err = errno;
  g_atomic_int_dec_and_test (&creating);
  pthread_sigmask (SIG_SETMASK, &old, NULL);
  errno = err;
  return fd;
}

static int
create_file (const char *target, char **tmp_path, int *slot)
{
  g_autofree char *dir = g_path_get_dirname (target);
  g_autofree char *base = g_path_get_basename (target);
  static const char letters[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

  for (int attempt = 0; attempt < 100; attempt++)
    {
      char suffix[7];
      char *tmp;
      int fd, s, err;

      for (int i = 0; i < 6; i++)
        suffix[i] = letters[g_random_int_range (0, sizeof letters - 1)];
      suffix[6] = '\0';
      tmp = g_strdup_printf ("%s/.%s.%s", dir, base, suffix);
      s = attention_tempfiles_remember (tmp);
      fd = open (tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
      if (fd >= 0)
        {
          *tmp_path = tmp;
          *slot = s;
          return fd;
        }
      err = errno;
      attention_tempfiles_forget (s);
      g_free (tmp);
      if (err != EEXIST)
        {
          errno = err;
          return -1;
        }
    }
  errno = EEXIST;
  return -1;
}

void
attention_tempfiles_remove_all (void)
{
  for (int i = 0; i < N_SLOTS; i++)
    if (g_atomic_int_get (&slots[i].state) == 2)
      unlink (slots[i].path);
}

static void
on_signal (int signum)
{
  struct timespec start, now;

  g_atomic_int_set (&dying, 1);
  /* Other threads finish the open () they are in, so that their files are
   * on the table when it is scanned; it takes microseconds. At most 200 ms:
   * a thread this signal stopped inside a lock the creator needs would
   * otherwise hang the exit. */
  clock_gettime (CLOCK_MONOTONIC, &start);
  while (g_atomic_int_get (&creating) > 0)
    {
      sched_yield ();
      clock_gettime (CLOCK_MONOTONIC, &now);
      if ((now.tv_sec - start.tv_sec) * 1000000000L + (now.tv_nsec - start.tv_nsec) > 200000000L)
        break;
    }
  attention_tempfiles_remove_all ();
  _exit (128 + signum);
}

void
attention_tempfiles_install_signal_handlers (void)
{
  const int signals[] = { SIGINT, SIGTERM, SIGHUP };
  struct sigaction action;

  memset (&action, 0, sizeof action);
  action.sa_handler = on_signal;
  sigemptyset (&action.sa_mask);
  for (gsize i = 0; i < G_N_ELEMENTS (signals); i++)
    sigaddset (&action.sa_mask, signals[i]);
  for (gsize i = 0; i < G_N_ELEMENTS (signals); i++)
    {
      struct sigaction old;

      /* A signal ignored by whoever started us (nohup) stays ignored. */
      if (sigaction (signals[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN)
        continue;
      sigaction (signals[i], &action, NULL);
    }
}
