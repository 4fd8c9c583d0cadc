/* attention-application.h: the AdwApplication: app-wide actions, the
 * start-up preload of the model, and one AttentionWindow per activation. */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define ATTENTION_TYPE_APPLICATION (attention_application_get_type ())
G_DECLARE_FINAL_TYPE (
    AttentionApplication, attention_application, ATTENTION, APPLICATION, AdwApplication)

AttentionApplication *attention_application_new (void);

G_END_DECLS
