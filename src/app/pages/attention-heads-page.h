/* attention-heads-page.h: the Heads page: every head measured over many
 * sentences (attention-corpus-run.h). Runs the bundled tagged sample or a
 * chosen file with a progress bar (lines/s, time left) and Cancel; shows a
 * layer × head heatmap of the chosen statistic or relation with the heads
 * ranked beside it; a click on a head lists the sentences where it is
 * strongest, and one of them opens in Single Head. Exports CSV, JSON and the
 * heatmap as PNG, SVG or PDF. */
#pragma once

#include "attention-corpus-stats.h"
#include "attention-page.h"

G_BEGIN_DECLS

#define ATTENTION_TYPE_HEADS_PAGE (attention_heads_page_get_type ())
G_DECLARE_FINAL_TYPE (
    AttentionHeadsPage, attention_heads_page, ATTENTION, HEADS_PAGE, AttentionPage)

/* Starts a run of path (tags_path may be NULL); NULL path: the sample. */
void attention_heads_page_run (AttentionHeadsPage *self, const char *path, const char *tags_path);
void attention_heads_page_cancel (AttentionHeadsPage *self);
/* "running" (read-only). */
gboolean attention_heads_page_get_running (AttentionHeadsPage *self);
/* The statistics of the last run (finished or cancelled), or NULL. */
AttentionCorpusStats *attention_heads_page_get_stats (AttentionHeadsPage *self);
/* "measure": what the heatmap shows (the statistics, then the relations). */
void attention_heads_page_set_measure (AttentionHeadsPage *self, guint measure);
/* Shows head's strongest sentences (0-indexed). */
void attention_heads_page_select_head (AttentionHeadsPage *self, guint layer, guint head);
/* Writes the heatmap (format png, svg or pdf), csv or json to path. */
gboolean attention_heads_page_export (AttentionHeadsPage *self,
                                      const char *format,
                                      const char *path,
                                      GError **error);

G_END_DECLS
