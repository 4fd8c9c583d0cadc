/* attention-export-heads.h: a set of one file per layer and head, each with
 * its caption, written one after
 * another or by every core at once; the first failure stops the set and says
 * how many files are on disk. */
#pragma once

#include "attention-export.h"

G_BEGIN_DECLS

typedef struct
{
  /* attention_export_file_name or attention_export_lines_file_name */
  char *(*file_name) (guint layer, guint head, const char *extension);
  /* Draws and writes one head's file. scratch: the worker's own (NULL
   * without scratch_new). A cancellation part-way returns
   * G_IO_ERROR_CANCELLED. */
  gboolean (*write) (const AttentionExportRequest *request,
                     gpointer scratch,
                     guint layer,
                     guint head,
                     const char *caption,
                     const char *path,
                     GError **error);
  /* Every core writes files of its own, keeping scratch from one to the
   * next; else one file after another. */
  gboolean parallel;
  gpointer (*scratch_new) (void);
  GDestroyNotify scratch_free;
} AttentionExportHeads;

gboolean attention_export_heads (const AttentionExportRequest *request,
                                 const AttentionExportHeads *heads,
                                 guint *n_written,
                                 GError **error);

G_END_DECLS
