/* attention-model-hash.c: the digest of a model's files, streamed */

#include "attention-model-hash.h"

#include <string.h>

static gboolean
hash_file (GChecksum *checksum, const char *path, GCancellable *cancellable, GError **error)
{
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autoptr (GFileInputStream) in = g_file_read (file, cancellable, error);
  g_autofree guchar *buffer = NULL;
  gssize got;

  if (in == NULL)
    return FALSE;
  buffer = g_malloc (1 << 20);
  while ((got = g_input_stream_read (G_INPUT_STREAM (in), buffer, 1 << 20, cancellable, error)) > 0)
    g_checksum_update (checksum, buffer, got);
  return got == 0;
}

static gboolean
is_weights_name (const char *name)
{
  return strcmp (name, "config.json") == 0 || g_str_has_suffix (name, ".safetensors") ||
         g_str_has_suffix (name, ".bin") || g_str_has_suffix (name, ".pt") ||
         g_str_has_suffix (name, ".pth");
}

static int
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char *const *)a, *(char *const *)b);
}

char *
attention_model_hash_path (const char *path, GCancellable *cancellable, GError **error)
{
  g_autoptr (GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);

  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_autoptr (GDir) dir = g_dir_open (path, 0, error);
      g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
      const char *name;

      if (dir == NULL)
        return NULL;
      while ((name = g_dir_read_name (dir)) != NULL)
        if (is_weights_name (name))
          g_ptr_array_add (names, g_strdup (name));
      g_ptr_array_sort (names, compare_names);
      for (guint i = 0; i < names->len; i++)
        {
          const char *n = g_ptr_array_index (names, i);
          g_autofree char *file = g_build_filename (path, n, NULL);

          /* The name too, so that renaming a weight file is a change. */
          g_checksum_update (checksum, (const guchar *)n, strlen (n) + 1);
          if (!hash_file (checksum, file, cancellable, error))
            return NULL;
        }
    }
  else if (!hash_file (checksum, path, cancellable, error))
    return NULL;
  return g_strconcat ("sha256:", g_checksum_get_string (checksum), NULL);
}
