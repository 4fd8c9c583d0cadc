/* attention-models-dialog.h: "Get Models…": Google's BERTs on the Hugging Face
 * hub with their sizes, any other model id, download with progress and
 * Cancel, and the downloaded models to open or remove. Opening goes through
 * the parent window's win.open-model-file action. */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define ATTENTION_TYPE_MODELS_DIALOG (attention_models_dialog_get_type ())
G_DECLARE_FINAL_TYPE (
    AttentionModelsDialog, attention_models_dialog, ATTENTION, MODELS_DIALOG, AdwWindow)

AttentionModelsDialog *attention_models_dialog_new (GtkWindow *parent);

/* What the Download buttons and the model-id entry do: on success the
 * model opens in the parent window and the dialog closes. */
void attention_models_dialog_download (AttentionModelsDialog *self, const char *model_id);
/* What Cancel does; the partial file stays for the next attempt. */
void attention_models_dialog_cancel (AttentionModelsDialog *self);
/* What Open on a downloaded model does. */
void attention_models_dialog_open (AttentionModelsDialog *self, const char *model_id);
/* What Remove does once confirmed. Removing the model the window shows
 * takes the window back to the demo model. */
gboolean attention_models_dialog_remove (AttentionModelsDialog *self, const char *model_id);
/* What a Remove button does: asks first (saying so when it is the model in
 * use); "remove" removes. Returns the question (for tests). */
AdwMessageDialog *attention_models_dialog_ask_remove (AttentionModelsDialog *self,
                                                      const char *model_id);

/* For tests: a download is running; the text of the status bar (progress or
 * the last error), NULL when hidden; the ids listed as downloaded. */
gboolean attention_models_dialog_get_busy (AttentionModelsDialog *self);
const char *attention_models_dialog_get_status (AttentionModelsDialog *self);
/* TRUE when the status bar reports a failure (not a Cancel the user asked
 * for). */
gboolean attention_models_dialog_get_status_is_error (AttentionModelsDialog *self);
GStrv attention_models_dialog_list_installed (AttentionModelsDialog *self);
/* The label of a catalogue entry's Download/Resume button, NULL if it has
 * none (installed, or not in the catalogue). */
const char *attention_models_dialog_get_button_label (AttentionModelsDialog *self,
                                                      const char *model_id);

G_END_DECLS
