/* attention-export-corpus.h: corpus statistics (attention-corpus-stats.h)
 * as files: the JSON of attention-cli --stats, a CSV of every head's means
 * and relation scores, and the heatmap of one measure as PNG, SVG or PDF. */
#pragma once

#include "attention-colormap.h"
#include "attention-corpus-stats.h"
#include "attention-export.h"

G_BEGIN_DECLS

gboolean
attention_export_corpus_json (AttentionCorpusStats *stats, const char *path, GError **error);
/* layer,head,previous,…,distance, then a column per relation; 1-indexed. */
gboolean
attention_export_corpus_csv (AttentionCorpusStats *stats, const char *path, GError **error);
/* The values of measure (the statistics, then the relations), n_layers ×
 * n_heads, g_malloc'd. */
double *attention_export_corpus_values (AttentionCorpusStats *stats, guint measure);
/* measure's heatmap; format PNG, SVG or PDF. */
gboolean attention_export_corpus_heatmap (AttentionCorpusStats *stats,
                                          guint measure,
                                          const char *title,
                                          AttentionColormap map,
                                          AttentionExportFormat format,
                                          const char *path,
                                          GError **error);

G_END_DECLS
