/* attention-export-targets.h: every kind of export the window offers, as one
 * list: the export dialog shows what is here, so a format added to this list
 * appears in the dialog without touching it. GTK-free. */
#pragma once

#include "attention-export.h"

G_BEGIN_DECLS

typedef struct
{
  const char *id;          /* "png", "overview-svg", …: the state of win.export-format */
  const char *label;       /* untranslated (N_); show with _ () */
  const char *description; /* what lands in the folder; untranslated (N_) */
} AttentionExportTarget;

/* The list, in the order the dialog shows it; "png" (the original set) first. */
const AttentionExportTarget *attention_export_get_targets (guint *n_targets);
/* The target with this id, or NULL. */
const AttentionExportTarget *attention_export_find_target (const char *id);

/* Writes target `id` into dir (which must exist); any thread. *n_written
 * (may be NULL) counts the files written, on failure too. */
gboolean attention_export_target (const char *id,
                                  AttentionResult *result,
                                  const char *dir,
                                  const char *model_name,
                                  AttentionExportProgress progress,
                                  gpointer progress_data,
                                  GCancellable *cancellable,
                                  guint *n_written,
                                  GError **error);

G_END_DECLS
