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

/* "Mask this token" replaced word (n_pieces word pieces from token first)
 * by [MASK]s: the [MASK]s at those positions have headings that name the
 * word and its piece. Words add up until cleared. */
void attention_predictions_add_masked_word (AttentionPredictions *self,
                                            guint first,
                                            guint n_pieces,
                                            const char *word);
void attention_predictions_clear_masked_words (AttentionPredictions *self);
/* The same sentence run with every head on: while the result ran with heads
 * switched off, each candidate shows its probability before and now
 * ("61.0% → 34.0%"). NULL for none. */
void attention_predictions_set_baseline (AttentionPredictions *self, AttentionResult *baseline);

/* "3 heads are switched off: …" above the predictions (with "Turn All Back
 * On", win.heads-all-on) while the result ran with heads off; else NULL. */
const char *attention_predictions_get_heads_off_text (AttentionPredictions *self);

/* The heading of the i-th [MASK]'s row, or NULL. */
const char *attention_predictions_get_heading (AttentionPredictions *self, guint mask);

/* "+2 more" after the i-th [MASK]'s candidates when the window is too
 * narrow for all of them; NULL when all show. */
const char *attention_predictions_get_more (AttentionPredictions *self, guint mask);

/* Number of candidate buttons shown. */
guint attention_predictions_get_n_buttons (AttentionPredictions *self);

G_END_DECLS
