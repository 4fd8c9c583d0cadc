/* attention-window.h: the main window: sentence entry, predictions, the
 * pages that show the attention, model loading and export. */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define ATTENTION_TYPE_WINDOW (attention_window_get_type ())
G_DECLARE_FINAL_TYPE (AttentionWindow, attention_window, ATTENTION, WINDOW, AdwApplicationWindow)

AttentionWindow *attention_window_new (GtkApplication *application);

/* Loads a model bundle in the background; on failure the previous model stays. */
void attention_window_open_model_file (AttentionWindow *self, GFile *file);

/* TRUE while a model loads, a sentence runs or diagrams are exported. */
gboolean attention_window_get_busy (AttentionWindow *self);
/* The text of the last toast or error shown (NULL before any). */
const char *attention_window_get_last_message (AttentionWindow *self);
/* The path of the model the window shows, or NULL before one is loaded. */
const char *attention_window_get_model_path (AttentionWindow *self);

G_END_DECLS
