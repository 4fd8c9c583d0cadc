/* attention-analysis-bar.h: the analysis controls under the view — what to
 * show (head, layer mean, mean of all, rollout), hiding [CLS]/[SEP], colour
 * map and scale with their legend, the head's strongest pattern, and which
 * score colours/sorts the overview. Every control has a mnemonic, so all of
 * it is reachable by keyboard. The window binds the properties to the view
 * and the overview. */
#pragma once

#include <gtk/gtk.h>

#include "attention-colormap.h"
#include "attention-result.h"
#include "attention-stats.h"

G_BEGIN_DECLS

#define ATTENTION_TYPE_ANALYSIS_BAR (attention_analysis_bar_get_type ())
G_DECLARE_FINAL_TYPE (
    AttentionAnalysisBar, attention_analysis_bar, ATTENTION, ANALYSIS_BAR, GtkWidget)

GtkWidget *attention_analysis_bar_new (void);

/* Properties (all read-write, notify on change): "aggregate"
 * (AttentionAggregate as int), "hide-special" (boolean), "colormap",
 * "scale" (ints of AttentionColormap/AttentionScale), "score" (int,
 * AttentionPattern or -1 for none), "sort-by-score" (boolean). */
AttentionAggregate attention_analysis_bar_get_aggregate (AttentionAnalysisBar *self);
void attention_analysis_bar_set_aggregate (AttentionAnalysisBar *self,
                                           AttentionAggregate aggregate);
gboolean attention_analysis_bar_get_hide_special (AttentionAnalysisBar *self);
void attention_analysis_bar_set_hide_special (AttentionAnalysisBar *self, gboolean hide);
AttentionColormap attention_analysis_bar_get_colormap (AttentionAnalysisBar *self);
void attention_analysis_bar_set_colormap (AttentionAnalysisBar *self, AttentionColormap colormap);
AttentionScale attention_analysis_bar_get_scale (AttentionAnalysisBar *self);
void attention_analysis_bar_set_scale (AttentionAnalysisBar *self, AttentionScale scale);
int attention_analysis_bar_get_score (AttentionAnalysisBar *self);
void attention_analysis_bar_set_score (AttentionAnalysisBar *self, int pattern);
gboolean attention_analysis_bar_get_sort_by_score (AttentionAnalysisBar *self);

/* Updates the strongest-pattern line and the contrast legend's maximum for
 * what the view shows: `matrix` (n × n, the aggregate as displayed) of
 * layer/head of result. matrix NULL computes it here, except for rollout,
 * which is too slow for the main thread and then names no pattern. result
 * NULL clears. */
void attention_analysis_bar_show_head (AttentionAnalysisBar *self,
                                       AttentionResult *result,
                                       guint layer,
                                       guint head,
                                       const float *matrix);
/* The strongest-pattern line as shown ("" when none). */
const char *attention_analysis_bar_get_pattern_text (AttentionAnalysisBar *self);

G_END_DECLS
