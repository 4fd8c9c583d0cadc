/* attention-fetch.h: one file of a hub model fetched over HTTP into a staging
 * folder (libsoup 3, no GTK). It knows nothing of AttentionDownload: the
 * download hands it what it needs in AttentionFetchOptions and hears of its
 * progress through a callback. */
#pragma once

#include <libsoup/soup.h>

#include "attention-hub.h"

G_BEGIN_DECLS

typedef enum
{
  ATTENTION_FETCH_FAILED,
  ATTENTION_FETCH_DONE,
  ATTENTION_FETCH_ABSENT, /* 404 for an optional file */
  ATTENTION_FETCH_RESTART /* the partial file could not be resumed: start over */
} AttentionFetchResult;

/* RECEIVED bytes of the file are on disk (a resumed part included), of TOTAL
 * (-1 while unknown); RESUMED: it continues a partial file. FORCE: the file
 * starts or ends, a figure a throttled report must not skip. Called in the
 * fetching thread. */
typedef void (*AttentionFetchProgressFunc) (
    gint64 received, gint64 total, gboolean resumed, gboolean force, gpointer user_data);

/* The same for every file of one model. */
typedef struct
{
  SoupSession *session; /* from attention_fetch_session_new() */
  const char *hub_url;  /* no trailing slash */
  const char *token;    /* the user's hub token or NULL: sent to the hub_url's origin only */
  const char *model_id;
  const char *staging; /* the folder the files go into */
  AttentionFetchProgressFunc progress;
  gpointer progress_data;
  GCancellable *cancellable;
} AttentionFetchOptions;

/* A session in which connecting, waiting for an answer and every read of a
 * body fail after TIMEOUT seconds of silence. */
SoupSession *attention_fetch_session_new (guint timeout);

/* Fetches FILE into STAGING/NAME through STAGING/NAME.part (resumed if
 * there), checked against the hub's size and sha256; errors are
 * ATTENTION_DOWNLOAD_ERROR or G_IO_ERROR_CANCELLED. */
AttentionFetchResult attention_fetch_file (const AttentionFetchOptions *options,
                                           const AttentionHubFile *file,
                                           GError **error);

G_END_DECLS
