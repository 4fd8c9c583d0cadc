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

G_END_DECLS
