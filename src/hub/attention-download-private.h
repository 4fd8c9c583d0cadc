/* attention-download-private.h: what attention-download.c (the model) and
 * attention-download-file.c (one file's transfer) share. */
#pragma once

#include <libsoup/soup.h>

#include "attention-download.h"
#include "attention-hub.h"

G_BEGIN_DECLS

/* A downloaded config.json larger than this is refused before parsing:
 * bert-base's is 570 bytes. */
#define ATTENTION_DOWNLOAD_CONFIG_MAX (1024 * 1024)

typedef enum
{
  ATTENTION_FETCH_FAILED,
  ATTENTION_FETCH_DONE,
  ATTENTION_FETCH_ABSENT, /* 404 for an optional file */
  ATTENTION_FETCH_RESTART /* the partial file could not be resumed: start over */
} AttentionFetchResult;

/* Fetches FILE into STAGING/NAME through STAGING/NAME.part (resumed if
 * there), checked against the hub's size and sha256. */
AttentionFetchResult attention_download_fetch (AttentionDownload *self,
                                               SoupSession *session,
                                               const char *staging,
                                               const AttentionHubFile *file,
                                               GCancellable *cancellable,
                                               GError **error);

const char *attention_download_get_hub_url (AttentionDownload *self);
guint attention_download_get_timeout (AttentionDownload *self);
/* The figures of the current file; FORCE reports them even within the
 * throttling interval (a file's start and end). */
void attention_download_progress_update (
    AttentionDownload *self, gint64 received, gint64 total, gboolean resumed, gboolean force);
/* An ATTENTION_DOWNLOAD_ERROR_DISK error; FORMAT has two %s: the path, then
 * strerror (SAVED). Returns FALSE. */
gboolean attention_download_set_errno_error (GError **error,
                                             const char *format,
                                             const char *path,
                                             int saved);

G_END_DECLS
