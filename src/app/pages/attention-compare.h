/* attention-compare.h: the Compare page: the window's sentence and a second
 * one run through the same model, side by side on the same layer/head (the
 * classic "… because it was too tired" / "… too wide" coreference pair). It
 * holds the second sentence's entry and status line and two linked
 * AttentionViews whose grids line up on one scale; the window passes it its
 * result and binds "layer"/"head". */
#pragma once

#include <gtk/gtk.h>

#include "attention-model.h"
#include "attention-view.h"

G_BEGIN_DECLS

#define ATTENTION_TYPE_COMPARE (attention_compare_get_type ())
G_DECLARE_FINAL_TYPE (AttentionCompare, attention_compare, ATTENTION, COMPARE, GtkWidget)

GtkWidget *attention_compare_new (void);

/* The model to run the second sentence on (NULL: none loaded yet). */
void attention_compare_set_model (AttentionCompare *self, AttentionModel *model);
/* The window's result, shown on the left (NULL clears). */
void attention_compare_set_result (AttentionCompare *self, AttentionResult *result);
/* Properties "layer" and "head" (0-indexed), passed on to both views. */
void attention_compare_set_layer (AttentionCompare *self, guint layer);
void attention_compare_set_head (AttentionCompare *self, guint head);

/* Runs text (also what activating the entry does). "busy" is TRUE until the
 * result or the error is shown. */
void attention_compare_run (AttentionCompare *self, const char *text);
gboolean attention_compare_get_busy (AttentionCompare *self);

GtkEditable *attention_compare_get_entry (AttentionCompare *self);
/* The second sentence's view (right) and the window sentence's (left). */
AttentionView *attention_compare_get_view (AttentionCompare *self);
AttentionView *attention_compare_get_main_view (AttentionCompare *self);
/* The status line: the error of the last run, or "" */
const char *attention_compare_get_status (AttentionCompare *self);

G_END_DECLS
