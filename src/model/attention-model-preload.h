/* attention-model-preload.h: the first model of the process starts loading
 * on a worker thread at start-up, before any window exists (loading the
 * bundle, and libtorch with it, takes most of the time to the first
 * diagram), and whoever asks for that model first takes the load over. One
 * preload per process, on the main thread; no GTK. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The model to open at start-up: $ATTENTION_MODEL when set, else
 * remembered (a bundle or a model folder) when it still exists, else the
 * bundled demo model. remembered may be NULL or "". */
char *attention_model_preload_choose_path (const char *remembered);

/* Starts loading path (as attention_model_new_from_file_async would, for a
 * model that lives long) unless a preload was started before. */
void attention_model_preload_start (const char *path);

/* Takes the preload over when it loads path and nobody took it yet: TRUE,
 * and callback later receives (NULL, the result for
 * attention_model_new_from_file_finish, user_data) from the main loop,
 * once, never from inside this call. FALSE otherwise, and nothing is
 * called. */
gboolean
attention_model_preload_claim (const char *path, GAsyncReadyCallback callback, gpointer user_data);

G_END_DECLS
