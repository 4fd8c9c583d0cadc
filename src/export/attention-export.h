/* attention-export.h: what every exporter shares: the formats files are
 * written in, and a request to write one kind of export into a folder (the
 * kinds themselves: attention-export-registry.h). */
#pragma once

#include <gio/gio.h>

#include "attention-result.h"

G_BEGIN_DECLS

/* The format of a file, hence its extension. */
typedef enum
{
  ATTENTION_EXPORT_PNG,
  ATTENTION_EXPORT_SVG,
  ATTENTION_EXPORT_PDF,
  ATTENTION_EXPORT_NPY,
  ATTENTION_EXPORT_JSON,
} AttentionExportFormat;

/* Called from worker threads (serialised); done of total files. */
typedef void (*AttentionExportProgress) (guint done, guint total, gpointer user_data);

/* One kind of export into one folder. */
typedef struct
{
  AttentionResult *result;
  const char *dir;                  /* must exist */
  const char *model_name;           /* in the captions; NULL or "" for none */
  AttentionExportFormat format;     /* the kind's */
  AttentionExportProgress progress; /* may be NULL */
  gpointer progress_data;
  GCancellable *cancellable; /* may be NULL */
} AttentionExportRequest;

/* Writes everything a kind means into request->dir; any thread. On failure
 * or cancellation FALSE with an error that says how much was written;
 * *n_written counts the files either way. */
typedef gboolean (*AttentionExportWriter) (const AttentionExportRequest *request,
                                           guint *n_written,
                                           GError **error);

G_END_DECLS
