/* attention-overview.h: every head of a result at a glance — a grid of
 * thumbnails, layers as rows and heads as columns — drawn with the shared
 * grid renderer. Arrow keys move the selection (::head-selected); a click,
 * Enter or Space opens the head (::head-selected, then ::head-activated).
 * Ctrl+click (Ctrl+Enter) or the head's context menu (right-click, Menu,
 * Shift+F10) switch it off or on through the window's win.toggle-head
 * ("(uu)" layer, head) and win.heads-all-on; heads the result's run had off
 * are crossed out. */
#pragma once

#include <gtk/gtk.h>

#include "attention-colormap.h"
#include "attention-result.h"
#include "attention-stats.h"

G_BEGIN_DECLS

#define ATTENTION_TYPE_OVERVIEW (attention_overview_get_type ())
G_DECLARE_FINAL_TYPE (AttentionOverview, attention_overview, ATTENTION, OVERVIEW, GtkWidget)

GtkWidget *attention_overview_new (void);

void attention_overview_set_result (AttentionOverview *self, AttentionResult *result);
AttentionResult *attention_overview_get_result (AttentionOverview *self);

/* The selected (outlined) head, 0-indexed; properties "layer" and "head".
 * Setting them does not emit ::head-selected; user clicks and keys do. */
void attention_overview_set_selected (AttentionOverview *self, guint layer, guint head);
guint attention_overview_get_layer (AttentionOverview *self);
guint attention_overview_get_head (AttentionOverview *self);

void attention_overview_set_colormap (AttentionOverview *self, AttentionColormap colormap);

/* Colour bars and (with sort) row order by a pattern score; -1 for none.
 * Entropy is shown relative to its maximum, log n. */
void attention_overview_set_score (AttentionOverview *self, int pattern, gboolean sort);
/* Head importance (Δp per head, [layer][head], for the result shown): the
 * bars show it instead of the pattern score, the largest drop full; NULL
 * goes back to the pattern score. A new result drops it. */
void attention_overview_set_importance (AttentionOverview *self, const float *importance);

/* Every head's scores are computed in a worker after set_result; until then
 * the grid is neither coloured nor sorted ("scores-ready" tells when). */
gboolean attention_overview_get_scores_ready (AttentionOverview *self);

/* The head under widget coordinates (x, y); FALSE if none. */
gboolean
attention_overview_pick (AttentionOverview *self, double x, double y, guint *layer, guint *head);
/* Centre of a head's thumbnail in widget coordinates; FALSE without a result. */
gboolean attention_overview_get_thumbnail_center (
    AttentionOverview *self, guint layer, guint head, double *x, double *y);

G_END_DECLS
