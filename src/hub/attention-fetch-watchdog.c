/* attention-fetch-watchdog.c: a thread that cancels a transfer too slow to
 * finish (see the header) */

#include "attention-fetch-watchdog.h"

/* How often the thread looks: a tenth of a second late is no matter. */
#define TICK_US (100 * G_TIME_SPAN_MILLISECOND)

typedef enum
{
  PHASE_IDLE,
  PHASE_ANSWER,
  PHASE_BODY,
} Phase;

struct _AttentionWatchdog
{
  GMutex lock;
  GCond cond;
  GThread *thread;
  GCancellable *cancellable;
  GCancellable *parent;
  gulong parent_handler;
  gint64 window_us;
  guint window;

  /* Under lock: */
  gboolean stop;
  Phase phase;
  gint64 since;         /* monotonic µs: the request went out, or the window began */
  guint64 window_bytes; /* body bytes since `since` */
  AttentionWatchdogVerdict verdict;
};

static gpointer
watch (gpointer data)
{
  AttentionWatchdog *dog = data;

  g_mutex_lock (&dog->lock);
  while (!dog->stop)
    {
      gint64 now = g_get_monotonic_time ();

      if (dog->phase == PHASE_ANSWER && now - dog->since > dog->window_us)
        dog->verdict = ATTENTION_WATCHDOG_NO_ANSWER;
      else if (dog->phase == PHASE_BODY && now - dog->since >= dog->window_us)
        {
          if (dog->window_bytes < (guint64)ATTENTION_FETCH_MIN_RATE * dog->window)
            dog->verdict = ATTENTION_WATCHDOG_TOO_SLOW;
          dog->since = now;
          dog->window_bytes = 0;
        }
      if (dog->verdict != ATTENTION_WATCHDOG_OK)
        {
          dog->phase = PHASE_IDLE;
          g_mutex_unlock (&dog->lock);
          g_cancellable_cancel (dog->cancellable);
          g_mutex_lock (&dog->lock);
          continue;
        }
      g_cond_wait_until (&dog->cond, &dog->lock, now + TICK_US);
    }
  g_mutex_unlock (&dog->lock);
  return NULL;
}

static void
parent_cancelled (GCancellable *parent, gpointer data)
{
  g_cancellable_cancel (data);
}

AttentionWatchdog *
attention_watchdog_new (GCancellable *parent, guint window)
{
  AttentionWatchdog *dog = g_new0 (AttentionWatchdog, 1);

  g_mutex_init (&dog->lock);
  g_cond_init (&dog->cond);
  dog->window = MAX (window, 1);
  dog->window_us = (gint64)dog->window * G_TIME_SPAN_SECOND;
  dog->cancellable = g_cancellable_new ();
  if (parent != NULL)
    {
      dog->parent = g_object_ref (parent);
      /* Runs at once if parent is cancelled already. */
      dog->parent_handler = g_cancellable_connect (parent, G_CALLBACK (parent_cancelled),
                                                   g_object_ref (dog->cancellable), g_object_unref);
    }
  dog->thread = g_thread_new ("attention-watchdog", watch, dog);
  return dog;
}

void
attention_watchdog_free (AttentionWatchdog *dog)
{
  if (dog == NULL)
    return;
  g_mutex_lock (&dog->lock);
  dog->stop = TRUE;
  g_cond_signal (&dog->cond);
  g_mutex_unlock (&dog->lock);
  g_thread_join (dog->thread);
  if (dog->parent != NULL)
    {
      g_cancellable_disconnect (dog->parent, dog->parent_handler);
      g_object_unref (dog->parent);
    }
  g_object_unref (dog->cancellable);
  g_mutex_clear (&dog->lock);
  g_cond_clear (&dog->cond);
  g_free (dog);
}

GCancellable *
attention_watchdog_get_cancellable (AttentionWatchdog *dog)
{
  return dog->cancellable;
}

static void
set_phase (AttentionWatchdog *dog, Phase phase)
{
  g_mutex_lock (&dog->lock);
  if (dog->verdict == ATTENTION_WATCHDOG_OK)
    {
      dog->phase = phase;
      dog->since = g_get_monotonic_time ();
      dog->window_bytes = 0;
    }
  g_mutex_unlock (&dog->lock);
}

void
attention_watchdog_expect_answer (AttentionWatchdog *dog)
{
  set_phase (dog, PHASE_ANSWER);
}

void
attention_watchdog_expect_body (AttentionWatchdog *dog)
{
  set_phase (dog, PHASE_BODY);
}

void
attention_watchdog_add_bytes (AttentionWatchdog *dog, gsize n)
{
  g_mutex_lock (&dog->lock);
  dog->window_bytes += n;
  g_mutex_unlock (&dog->lock);
}

AttentionWatchdogVerdict
attention_watchdog_get_verdict (AttentionWatchdog *dog)
{
  AttentionWatchdogVerdict verdict;

  g_mutex_lock (&dog->lock);
  verdict = dog->verdict;
  g_mutex_unlock (&dog->lock);
  return verdict;
}

guint
attention_watchdog_get_window (AttentionWatchdog *dog)
{
  return dog->window;
}
