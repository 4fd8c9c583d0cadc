/* attention-model-preload.c: the start-up model load (see the header). */

#include "attention-model-preload.h"

#include "attention-model.h"

static struct
{
  gboolean started;
  char *path;           /* NULL once claimed */
  GAsyncResult *result; /* the finished load, until handed over */
  GAsyncReadyCallback callback;
  gpointer user_data;
} preload;

char *
attention_model_preload_choose_path (const char *remembered)
{
  /* $ATTENTION_MODEL (inside the default path) wins over the remembered one. */
  if (g_getenv ("ATTENTION_MODEL") == NULL && remembered != NULL && *remembered != '\0' &&
      g_file_test (remembered, G_FILE_TEST_EXISTS))
    return g_strdup (remembered);
  return attention_model_default_path ();
}

static void
hand_over (void)
{
  GAsyncReadyCallback callback = preload.callback;
  g_autoptr (GAsyncResult) result = NULL;

  if (callback == NULL || preload.result == NULL)
    return;
  result = g_steal_pointer (&preload.result);
  preload.callback = NULL;
  callback (NULL, result, g_steal_pointer (&preload.user_data));
}

static gboolean
hand_over_idle (gpointer data)
{
  hand_over ();
  return G_SOURCE_REMOVE;
}

static void
loaded_cb (GObject *source, GAsyncResult *res, gpointer data)
{
  g_set_object (&preload.result, res);
  hand_over ();
}

void
attention_model_preload_start (const char *path)
{
  g_return_if_fail (path != NULL);

  if (preload.started)
    return;
  preload.started = TRUE;
  preload.path = g_strdup (path);
  /* Not cancellable: whoever claims it wants it finished. */
  attention_model_new_from_file_async (path, NULL, loaded_cb, NULL);
}

gboolean
attention_model_preload_claim (const char *path, GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_val_if_fail (path != NULL && callback != NULL, FALSE);

  if (preload.path == NULL || g_strcmp0 (preload.path, path) != 0)
    return FALSE;
  g_clear_pointer (&preload.path, g_free);
  preload.callback = callback;
  preload.user_data = user_data;
  /* Never call back from inside the call: the caller is still setting up. */
  if (preload.result != NULL)
    g_idle_add (hand_over_idle, NULL);
  return TRUE;
}
