/* attention-export-registry.h: every kind of export, in one table. The
 * command line's --format and the window's Export dialog both list what is
 * here, so a kind added to the table is offered by both. GTK-free. */
#pragma once

#include "attention-export.h"

G_BEGIN_DECLS

/* What a kind leaves in the folder. */
typedef enum
{
  /* Attention_Layer{L}_Head{H}.ext, one per layer and head: the set a
   * bigger model's earlier export may have left more of. */
  ATTENTION_EXPORT_DIAGRAMS,
  /* Lines_Layer{L}_Head{H}.ext, one per layer and head. */
  ATTENTION_EXPORT_LINES,
  /* One file (two for NumPy: the array and its description). */
  ATTENTION_EXPORT_SINGLE,
} AttentionExportFiles;

typedef struct
{
  const char *id;          /* "png", "overview-svg", …: --format, win.export-format */
  const char *label;       /* untranslated (N_); show with _ () */
  const char *description; /* what lands in the folder; untranslated (N_) */
  AttentionExportFormat format;
  AttentionExportFiles files;
  AttentionExportWriter write;
  /* ATTENTION_EXPORT_SINGLE: the name, without its extension, of the
   * picture that records its sentence ("attention-overview"); NULL for the
   * data files, which record none. */
  const char *single_name;
} AttentionExportKind;

/* The table, in the order it is offered; "png" (the original set) first. */
const AttentionExportKind *attention_export_kinds (guint *n_kinds);

/* The kind with this id (ASCII case ignored), or NULL. */
const AttentionExportKind *attention_export_kind_find (const char *id);

/* The name of the file whose recorded sentence (attention-export-sentence.h)
 * stands for what the kind leaves in the folder: the first diagram of a set
 * ("Lines_Layer1_Head1.svg"), the single picture ("attention-overview.png");
 * NULL when the kind records no sentence. */
char *attention_export_kind_sentence_file (const AttentionExportKind *kind);

/* Every id, comma-separated, for messages. */
const char *attention_export_kind_list_ids (void);

/* Writes the kind into request->dir (which must exist); any thread.
 * request->format is taken from the kind. *n_written (may be NULL) counts
 * the files written, on failure too. */
gboolean attention_export_kind_write (const AttentionExportKind *kind,
                                      const AttentionExportRequest *request,
                                      guint *n_written,
                                      GError **error);

G_END_DECLS
