/* attention-importance-panel.h: "Which heads matter?" under All Heads: a
 * button that switches off each head alone for the shown sentence (in a
 * worker, batched, with progress and Cancel), then colours the overview's
 * bars by the drop of the top prediction's probability and lists the heads
 * ranked by it. */
#pragma once

#include <gtk/gtk.h>

#include "attention-overview.h"
#include "attention-selection.h"

G_BEGIN_DECLS

#define ATTENTION_TYPE_IMPORTANCE_PANEL (attention_importance_panel_get_type ())
G_DECLARE_FINAL_TYPE (
    AttentionImportancePanel, attention_importance_panel, ATTENTION, IMPORTANCE_PANEL, GtkWidget)

/* selection: the result to measure; overview: where the bars go. */
void attention_importance_panel_setup (AttentionImportancePanel *self,
                                       AttentionSelection *selection,
                                       AttentionOverview *overview);

/* Starts the measurement for the shown result (as the button does). */
void attention_importance_panel_start (AttentionImportancePanel *self);
/* Stops it (as Cancel does). */
void attention_importance_panel_cancel (AttentionImportancePanel *self);
gboolean attention_importance_panel_get_busy (AttentionImportancePanel *self);
/* The last measurement ([layer][head] Δp) for the shown result, or NULL. */
const float *attention_importance_panel_get_importance (AttentionImportancePanel *self);
/* The ranked list as shown ("" before a measurement), and the status line. */
const char *attention_importance_panel_get_ranking (AttentionImportancePanel *self);
const char *attention_importance_panel_get_status (AttentionImportancePanel *self);

G_END_DECLS
