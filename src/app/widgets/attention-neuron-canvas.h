/* attention-neuron-canvas.h: the drawing of the neuron page, an
 * AttentionCanvas: one head's query vector for the picked query token above
 * every key vector, their products, scaled dot products and softmax, from
 * attention-neuron-render. The picked query is the canvas' "pinned" token: a
 * click on a query token, the pin keys (T, Shift+T) and Up/Down pick it.
 * The rows scroll under the sticky header and q band. */
#pragma once

#include "attention-canvas.h"
#include "attention-neuron-render.h"

G_BEGIN_DECLS

#define ATTENTION_TYPE_NEURON_CANVAS (attention_neuron_canvas_get_type ())
G_DECLARE_FINAL_TYPE (
    AttentionNeuronCanvas, attention_neuron_canvas, ATTENTION, NEURON_CANVAS, AttentionCanvas)

GtkWidget *attention_neuron_canvas_new (void);

/* 0-indexed head of the canvas' layer. */
void attention_neuron_canvas_set_head (AttentionNeuronCanvas *self, guint head);
guint attention_neuron_canvas_get_head (AttentionNeuronCanvas *self);
/* The query token shown: the pinned one, else the first [MASK], else the
 * first token after [CLS]. */
guint attention_neuron_canvas_get_query (AttentionNeuronCanvas *self);
/* TRUE when the result holds the head's queries and keys to draw. */
gboolean attention_neuron_canvas_has_vectors (AttentionNeuronCanvas *self);
/* Where the part's entry is in the canvas now (scrolled), its centre; FALSE
 * if none (tests and keyboard focus). */
gboolean attention_neuron_canvas_get_center (AttentionNeuronCanvas *self,
                                             AttentionNeuronPart part,
                                             guint row,
                                             guint dim,
                                             double *x,
                                             double *y);
/* The data of what is shown (borrowed from the result), for the export of
 * what the page shows. FALSE without vectors. */
gboolean attention_neuron_canvas_get_data (AttentionNeuronCanvas *self, AttentionNeuronData *data);

G_END_DECLS
