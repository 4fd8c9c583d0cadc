/* attention-neuron-page.h: the Neuron page, bertviz's neuron view done
 * natively: for the selected layer and head and a picked query token, the
 * query vector, every key vector, their elementwise products, the scaled
 * dot products and the softmax (attention-neuron-canvas). A result without
 * the head's vectors shows why instead: they are being computed, or the
 * model does not expose them. */
#pragma once

#include "attention-export.h"
#include "attention-page.h"

G_BEGIN_DECLS

#define ATTENTION_TYPE_NEURON_PAGE (attention_neuron_page_get_type ())
G_DECLARE_FINAL_TYPE (
    AttentionNeuronPage, attention_neuron_page, ATTENTION, NEURON_PAGE, AttentionPage)

/* Why the vectors are missing, for a result without them: NULL while they
 * are being computed, else the reason ("this model does not expose …"). */
void attention_neuron_page_set_missing_reason (AttentionNeuronPage *self, const char *reason);
/* The query token shown (0-indexed). */
guint attention_neuron_page_get_query (AttentionNeuronPage *self);
void attention_neuron_page_set_query (AttentionNeuronPage *self, guint query);
/* TRUE when the page draws vectors (not the reason they are missing). */
gboolean attention_neuron_page_get_shows_vectors (AttentionNeuronPage *self);

/* Writes what the page shows (layer, head, query, colour map; no hover) as
 * format PNG, SVG or PDF to path. */
gboolean attention_neuron_page_export (AttentionNeuronPage *self,
                                       AttentionExportFormat format,
                                       const char *path,
                                       GError **error);

G_END_DECLS
