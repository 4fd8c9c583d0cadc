/* attention-model-trust.c: see attention-model-trust.h. */

#include "attention-model-trust.h"

#include <stdlib.h>
#include <string.h>

/* path with symbolic links resolved, or NULL when it does not exist. */
static char *
real_path (const char *path)
{
  char *resolved = realpath (path, NULL);
  char *out = resolved != NULL ? g_strdup (resolved) : NULL;

  free (resolved);
  return out;
}

static gboolean
is_inside (const char *path, const char *dir)
{
  g_autofree char *real_dir = real_path (dir);
  gsize len;

  if (real_dir == NULL)
    return FALSE;
  len = strlen (real_dir);
  return strncmp (path, real_dir, len) == 0 && path[len] == '/';
}

gboolean
attention_model_path_runs_foreign_code (const char *path)
{
  g_autofree char *real = NULL;
  g_autofree char *installed = g_build_filename (PKGDATADIR, "models", NULL);
  g_autofree char *source = g_build_filename (SOURCE_ROOT, "data", "models", NULL);
  g_autofree char *user = g_build_filename (g_get_user_data_dir (), "attention", "models", NULL);

  g_return_val_if_fail (path != NULL, FALSE);

  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    return FALSE;
  real = real_path (path);
  if (real == NULL)
    return FALSE; /* nothing was opened */
  return !is_inside (real, installed) && !is_inside (real, source) && !is_inside (real, user);
}

gboolean
attention_model_path_is_bundled (const char *path)
{
  g_autofree char *real = NULL;
  g_autofree char *installed = g_build_filename (PKGDATADIR, "models", NULL);
  g_autofree char *source = g_build_filename (SOURCE_ROOT, "data", "models", NULL);

  g_return_val_if_fail (path != NULL, FALSE);

  real = real_path (path);
  return real != NULL && (is_inside (real, installed) || is_inside (real, source));
}

GFile *
attention_model_file_for (GFile *file)
{
  static const char *const inside[] = {
    "config.json",           "vocab.txt",  "model.safetensors", "pytorch_model.bin",
    "tokenizer_config.json", "vocab.json", "merges.txt",        "sentencepiece.bpe.model",
    "spiece.model",          NULL
  };
  /* A folder is a model with either kind of weights beside the file. */
  static const char *const weights[] = { "model.safetensors", "pytorch_model.bin" };
  g_autofree char *name = g_file_get_basename (file);
  g_autoptr (GFile) parent = g_file_get_parent (file);

  g_return_val_if_fail (G_IS_FILE (file), NULL);

  if (name == NULL || parent == NULL || !g_strv_contains (inside, name))
    return g_object_ref (file);
  for (guint i = 0; i < G_N_ELEMENTS (weights); i++)
    {
      g_autoptr (GFile) child = g_file_get_child (parent, weights[i]);

      if (g_file_query_file_type (child, G_FILE_QUERY_INFO_NONE, NULL) == G_FILE_TYPE_REGULAR)
        return g_steal_pointer (&parent);
    }
  return g_object_ref (file);
}
