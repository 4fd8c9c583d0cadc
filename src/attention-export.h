/* attention-export.h: writes the diagram set to files, as the original
 * exercise did: Attention_Layer{L}_Head{H}.png, L and H from 1. Every file is
 * written to a temporary name and renamed, so no half-written PNG is left. */
#pragma once

#include <gio/gio.h>

#include "attention-result.h"

G_BEGIN_DECLS

/* Called from worker threads (serialised); done of total files. */
typedef void (*AttentionExportProgress) (guint done, guint total, gpointer user_data);

/* "Attention_Layer3_Head11.png" for layer 2, head 10 (0-indexed in). */
char *attention_export_file_name (guint layer, guint head, const char *extension);

/* Writes one grayscale PNG of the given layer/head (0-indexed) to path,
 * atomically. caption may be NULL. */
gboolean attention_export_png (AttentionResult *result,
                               guint layer,
                               guint head,
                               const char *caption,
                               const char *path,
                               GError **error);

/* Writes every layer × head into dir (which must exist), using the available
 * cores. model_name goes into the caption. On failure or cancellation returns
 * FALSE with an error that says how many files were written; *n_written (may
 * be NULL) is set either way. */
gboolean attention_export_all_png (AttentionResult *result,
                                   const char *dir,
                                   const char *model_name,
                                   AttentionExportProgress progress,
                                   gpointer progress_data,
                                   GCancellable *cancellable,
                                   guint *n_written,
                                   GError **error);

G_END_DECLS
