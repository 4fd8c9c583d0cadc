/* attention-download-error.h: how a model's download fails. Both the whole
 * model's steps (attention-download.c) and one file's transfer
 * (attention-fetch.c) report in this domain, so it stands apart from both. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define ATTENTION_DOWNLOAD_ERROR (attention_download_error_quark ())

typedef enum
{
  ATTENTION_DOWNLOAD_ERROR_NETWORK,     /* the hub cannot be reached */
  ATTENTION_DOWNLOAD_ERROR_NOT_FOUND,   /* no such model, or a required file is missing */
  ATTENTION_DOWNLOAD_ERROR_HTTP,        /* any other HTTP status */
  ATTENTION_DOWNLOAD_ERROR_SIZE,        /* not the size the hub announced */
  ATTENTION_DOWNLOAD_ERROR_CHECKSUM,    /* not the sha256 the hub announced */
  ATTENTION_DOWNLOAD_ERROR_TIMEOUT,     /* the server stalled */
  ATTENTION_DOWNLOAD_ERROR_INTERRUPTED, /* connection lost: a retry resumes */
  ATTENTION_DOWNLOAD_ERROR_NOT_BERT,    /* config.json names another architecture */
  ATTENTION_DOWNLOAD_ERROR_BUSY,        /* the same model is being downloaded already */
  ATTENTION_DOWNLOAD_ERROR_DISK,        /* writing the files failed */
  ATTENTION_DOWNLOAD_ERROR_GATED,       /* the model needs its terms accepted and a token */
} AttentionDownloadError;

GQuark attention_download_error_quark (void);

/* Sets an ATTENTION_DOWNLOAD_ERROR_DISK error; FORMAT (translated) has two
 * %s: PATH, then strerror (SAVED). Returns FALSE. */
gboolean attention_download_set_errno_error (GError **error,
                                             const char *format,
                                             const char *path,
                                             int saved);

G_END_DECLS
