/* attention-selection.h: what the window shows, in one object that every
 * page, the sidebar, the layer/head row and the settings bind to: the
 * model, its result, the layer and head, the pinned token, and how the
 * matrix is shown (aggregate, [CLS]/[SEP] hidden, colour map, scale, the
 * overview's score). It also holds the matrix itself as shown: the head's
 * own, or an aggregate computed in a worker thread. */
#pragma once

#include <glib-object.h>

#include "attention-colormap.h"
#include "attention-combine.h"
#include "attention-model.h"
#include "attention-model-enums.h"
#include "attention-render-enums.h"
#include "attention-result.h"
#include "attention-stats.h"

G_BEGIN_DECLS

#define ATTENTION_TYPE_SELECTION (attention_selection_get_type ())
G_DECLARE_FINAL_TYPE (AttentionSelection, attention_selection, ATTENTION, SELECTION, GObject)

AttentionSelection *attention_selection_new (void);

/* "model": the model results come from; a new one clears the result. */
void attention_selection_set_model (AttentionSelection *self, AttentionModel *model);
AttentionModel *attention_selection_get_model (AttentionSelection *self);
/* "result": NULL clears; the pinned token goes with the old result. */
void attention_selection_set_result (AttentionSelection *self, AttentionResult *result);
AttentionResult *attention_selection_get_result (AttentionSelection *self);
/* "shown-result" (read-only): what the pages draw and export. The result
 * itself, or with "hide-special" the result without [CLS] and [SEP] (their
 * rows and columns gone, every other row renormalised). "pinned" and
 * "matrix" count its tokens. */
AttentionResult *attention_selection_get_shown_result (AttentionSelection *self);

/* "n-layers", "n-heads" (read-only): the result's, else the model's, else 0
 * for not known yet. */
guint attention_selection_get_n_layers (AttentionSelection *self);
guint attention_selection_get_n_heads (AttentionSelection *self);
/* "layer", "head": 0-indexed, clamped to n-layers and n-heads once known. */
void attention_selection_set_layer (AttentionSelection *self, guint layer);
guint attention_selection_get_layer (AttentionSelection *self);
void attention_selection_set_head (AttentionSelection *self, guint head);
guint attention_selection_get_head (AttentionSelection *self);
/* "pinned": a token (0-indexed) whose row and column stay outlined; -1 for
 * none. */
void attention_selection_set_pinned (AttentionSelection *self, int token);

/* "combine" (an AttentionCombine, set as a property): several tokens pinned
 * with Ctrl+click are shown summed or as their mean. */

/* "aggregate", "hide-special": what the matrix shows. */
void attention_selection_set_aggregate (AttentionSelection *self, AttentionAggregate aggregate);
AttentionAggregate attention_selection_get_aggregate (AttentionSelection *self);
void attention_selection_set_hide_special (AttentionSelection *self, gboolean hide);
gboolean attention_selection_get_hide_special (AttentionSelection *self);
/* "colormap", "scale": how weights become colours. */
void attention_selection_set_colormap (AttentionSelection *self, AttentionColormap colormap);
AttentionColormap attention_selection_get_colormap (AttentionSelection *self);
void attention_selection_set_scale (AttentionSelection *self, AttentionScale scale);
AttentionScale attention_selection_get_scale (AttentionSelection *self);
/* "score" (an AttentionPattern, or -1 for none) and "sort-by-score": what
 * colours the overview's bars, and whether its rows are sorted by it. */
void attention_selection_set_score (AttentionSelection *self, int pattern);
int attention_selection_get_score (AttentionSelection *self);
void attention_selection_set_sort_by_score (AttentionSelection *self, gboolean sort);
gboolean attention_selection_get_sort_by_score (AttentionSelection *self);

/* "matrix" (read-only, notified when it changes): the n × n matrix of
 * shown-result for layer and head, as aggregate asks; NULL without a
 * result, and while the first aggregate of a new result is computed. While
 * another is computed for the same result, the last one stays. Valid until
 * the next notification. */
const float *attention_selection_get_matrix (AttentionSelection *self);
/* "busy" (read-only): TRUE while an aggregate is computed. */
gboolean attention_selection_get_busy (AttentionSelection *self);
/* TRUE when the matrix is the shown result's head's own (no aggregate). */
gboolean attention_selection_shows_head (AttentionSelection *self);

G_END_DECLS
