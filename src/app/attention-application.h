/* attention-application.h: the AdwApplication: app-wide actions, settings,
 * and one AttentionWindow per activation. */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define ATTENTION_TYPE_APPLICATION (attention_application_get_type ())
G_DECLARE_FINAL_TYPE (
    AttentionApplication, attention_application, ATTENTION, APPLICATION, AdwApplication)

AttentionApplication *attention_application_new (void);

/* The app's GSettings, or NULL when the schema is not installed (the app then
 * runs without remembering anything). */
GSettings *attention_application_get_settings (AttentionApplication *self);

/* The model a new window opens: $ATTENTION_MODEL, else the remembered one if
 * it still exists, else the bundled demo model. */
char *attention_application_dup_model_path (AttentionApplication *self);

/* The application starts loading that model at start-up, before the window
 * exists. A window about to load path takes that load over: TRUE when it
 * did, and callback then receives (NULL, the result of
 * attention_model_new_from_file_async, user_data) from the main loop, once. */
gboolean attention_application_claim_preload (AttentionApplication *self,
                                              const char *path,
                                              GAsyncReadyCallback callback,
                                              gpointer user_data);

G_END_DECLS
