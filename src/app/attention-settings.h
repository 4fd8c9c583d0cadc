/* attention-settings.h: the application's settings (org.example.Attention),
 * opened by whoever keeps state in them: the application before GTK starts
 * (which model to preload), each window for its own state. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* A new GSettings, or NULL (with a warning, once) when the schema is not
 * installed: the app then runs without remembering anything. */
GSettings *attention_settings_new (void);

G_END_DECLS
