/* attention-analysis-bar.h: the analysis controls of the window's sidebar —
 * what to show (head, layer mean, mean of all, rollout), hiding [CLS]/[SEP],
 * colour map and scale, which score colours/sorts the overview, and the
 * head's strongest pattern — in groups, of which each view shows only those
 * that apply to it. Every control has a mnemonic, so all of it is reachable
 * by keyboard. The window binds the properties to the views. */
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

typedef enum
{
  ATTENTION_ANALYSIS_MATRIX,  /* what the matrix shows, hiding [CLS]/[SEP] */
  ATTENTION_ANALYSIS_COLOURS, /* colour map */
  ATTENTION_ANALYSIS_SCALE,   /* linear, log or contrast */
  ATTENTION_ANALYSIS_HEADS,   /* colouring and sorting the overview */
  ATTENTION_ANALYSIS_PATTERN, /* the strongest pattern of the shown matrix */
  ATTENTION_ANALYSIS_N_GROUPS
} AttentionAnalysisGroup;

#define ATTENTION_ANALYSIS_GROUP(name) (1u << ATTENTION_ANALYSIS_##name)
#define ATTENTION_ANALYSIS_ALL ((1u << ATTENTION_ANALYSIS_N_GROUPS) - 1)

/* Shows only the groups in `groups` (ATTENTION_ANALYSIS_GROUP () bits). */
void attention_analysis_bar_set_groups (AttentionAnalysisBar *self, guint groups);

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
