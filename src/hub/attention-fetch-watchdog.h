/* attention-fetch-watchdog.h: the bounds on a transfer that libsoup's
 * "timeout" (seconds of silence between two reads) cannot give. A server
 * that drips a byte every two seconds is never silent for long, in its
 * headers or its body, and would hold a download for ever. A thread watches
 * the transfer and cancels it when
 * - the answer (status line and headers) takes longer than WINDOW seconds;
 * - the body comes at under ATTENTION_FETCH_MIN_RATE bytes a second over any
 *   WINDOW seconds.
 * WINDOW is the session's timeout ($ATTENTION_HUB_TIMEOUT, 30 by default). */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* 1 kB/s: a slower server would take 5 days for bert-base's 440 MB. */
#define ATTENTION_FETCH_MIN_RATE 1000

typedef enum
{
  ATTENTION_WATCHDOG_OK,
  ATTENTION_WATCHDOG_NO_ANSWER, /* the answer took longer than the window */
  ATTENTION_WATCHDOG_TOO_SLOW,  /* the body came under the minimum rate */
} AttentionWatchdogVerdict;

typedef struct _AttentionWatchdog AttentionWatchdog;

/* Watches with a cancellable of its own, which parent (may be NULL)
 * cancels too. */
AttentionWatchdog *attention_watchdog_new (GCancellable *parent, guint window);
void attention_watchdog_free (AttentionWatchdog *dog);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AttentionWatchdog, attention_watchdog_free)

/* What every request and read of the transfer must use. */
GCancellable *attention_watchdog_get_cancellable (AttentionWatchdog *dog);

/* A request goes out: its answer has WINDOW seconds from now. */
void attention_watchdog_expect_answer (AttentionWatchdog *dog);
/* The body begins: from now on the rate counts. */
void attention_watchdog_expect_body (AttentionWatchdog *dog);
/* n more bytes of the body arrived. */
void attention_watchdog_add_bytes (AttentionWatchdog *dog, gsize n);

/* Why the cancellable was cancelled, if the watchdog did it. */
AttentionWatchdogVerdict attention_watchdog_get_verdict (AttentionWatchdog *dog);
guint attention_watchdog_get_window (AttentionWatchdog *dog);

G_END_DECLS
