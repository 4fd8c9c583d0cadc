/* attention-predictions.h: the model's top-k candidates for every [MASK] as a
 * row of pill buttons; activating one asks for it to go into the sentence. */
#pragma once

#include <gtk/gtk.h>

#include "attention-result.h"

G_BEGIN_DECLS

#define ATTENTION_TYPE_PREDICTIONS (attention_predictions_get_type ())
G_DECLARE_FINAL_TYPE (
    AttentionPredictions, attention_predictions, ATTENTION, PREDICTIONS, GtkWidget)

/* Property "result": NULL clears. A result without [MASK] shows a short
 * note instead. */
void attention_predictions_set_result (AttentionPredictions *self, AttentionResult *result);

/* The note shown instead of predictions ("" when there are predictions):
 * no [MASK], or "Did you mean [MASK]?" for a [mask] in another case, with a
 * button that emits ::use-mask. */
const char *attention_predictions_get_note (AttentionPredictions *self);
/* The button of one candidate (both 0-indexed), or NULL. */
GtkWidget *
attention_predictions_get_button (AttentionPredictions *self, guint mask, guint candidate);

/* Number of candidate buttons shown. */
guint attention_predictions_get_n_buttons (AttentionPredictions *self);

G_END_DECLS
