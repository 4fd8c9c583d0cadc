/* attention-window.h: the main window: sentence entry, predictions, the live
 * attention view with layer/head sliders, model loading and export. */
#pragma once

#include <adwaita.h>

#include "attention-application.h"
#include "attention-model.h"
#include "attention-result.h"
#include "attention-view.h"

G_BEGIN_DECLS

#define ATTENTION_TYPE_WINDOW (attention_window_get_type ())
G_DECLARE_FINAL_TYPE (AttentionWindow, attention_window, ATTENTION, WINDOW, AdwApplicationWindow)

AttentionWindow *attention_window_new (AttentionApplication *application);

/* Loads a model bundle in the background; on failure the previous model stays. */
void attention_window_open_model_file (AttentionWindow *self, GFile *file);

/* The sentence entry. */
GtkEditable *attention_window_get_entry (AttentionWindow *self);
AttentionView *attention_window_get_view (AttentionWindow *self);
GtkRange *attention_window_get_layer_scale (AttentionWindow *self);
GtkRange *attention_window_get_head_scale (AttentionWindow *self);
AttentionModel *attention_window_get_model (AttentionWindow *self);
AttentionResult *attention_window_get_result (AttentionWindow *self);
/* TRUE while a model loads, a sentence runs or diagrams are exported. */
gboolean attention_window_get_busy (AttentionWindow *self);
/* The text of the last toast shown (NULL before any). */
const char *attention_window_get_last_message (AttentionWindow *self);

G_END_DECLS
