/* attention-hub-names.c: model ids, cache folder names and ETag checksums. */

#include "attention-hub-names.h"

#include <glib/gi18n.h>
#include <string.h>

static gboolean
part_is_valid (const char *part, gsize len)
{
  if (len == 0 || len > 96 || part[0] == '.' || part[0] == '-')
    return FALSE;
  /* The hub refuses a trailing '.' or '-' too; and "a-" + "--" + "b"
   * would make the folder name of "a" + "---b". */
  if (part[len - 1] == '.' || part[len - 1] == '-')
    return FALSE;
  for (gsize i = 0; i < len; i++)
    {
      char c = part[i];

      if (!g_ascii_isalnum (c) && c != '.' && c != '_' && c != '-')
        return FALSE;
      if (c == '.' && i + 1 < len && part[i + 1] == '.')
        return FALSE;
      /* "--" stands for the "/" in folder names (models--a--b for a/b), and
       * the hub refuses it in names too. */
      if (c == '-' && i + 1 < len && part[i + 1] == '-')
        return FALSE;
    }
  return TRUE;
}

gboolean
attention_hub_model_id_is_valid (const char *model_id, GError **error)
{
  const char *slash = model_id != NULL ? strchr (model_id, '/') : NULL;
  gboolean valid;

  if (model_id == NULL)
    valid = FALSE;
  else if (slash == NULL)
    valid = part_is_valid (model_id, strlen (model_id));
  else
    valid =
        part_is_valid (model_id, slash - model_id) && part_is_valid (slash + 1, strlen (slash + 1));
  if (!valid)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                 _ ("“%s” is not a Hugging Face model id: use NAME or OWNER/NAME, with "
                    "letters, digits, “.”, “_” and “-”"),
                 model_id != NULL ? model_id : "");
  return valid;
}

/* As huggingface_hub names its cache, so that "ok/sub" is never inside
 * "ok". Ids have no "--" of their own (part_is_valid). */
char *
attention_hub_folder_name (const char *model_id)
{
  g_auto (GStrv) parts = g_strsplit (model_id, "/", 2);
  g_autofree char *joined = g_strjoinv ("--", parts);

  return g_strconcat (ATTENTION_HUB_FOLDER_PREFIX, joined, NULL);
}

char *
attention_hub_folder_id (const char *name)
{
  g_auto (GStrv) parts = NULL;
  g_autofree char *id = NULL;

  /* A folder name is one path component: "models--a/b" is no id's. */
  if (name == NULL || !g_str_has_prefix (name, ATTENTION_HUB_FOLDER_PREFIX) ||
      strchr (name, '/') != NULL)
    return NULL;
  parts = g_strsplit (name + strlen (ATTENTION_HUB_FOLDER_PREFIX), "--", 0);
  if (g_strv_length (parts) > 2)
    return NULL;
  id = g_strjoinv ("/", parts);
  return attention_hub_model_id_is_valid (id, NULL) ? g_steal_pointer (&id) : NULL;
}

char *
attention_hub_etag_value (const char *etag)
{
  char *value;
  gsize len;

  if (etag == NULL)
    return NULL;
  if (g_str_has_prefix (etag, "W/"))
    etag += 2;
  value = g_strstrip (g_strdup (etag));
  len = strlen (value);
  if (len >= 2 && value[0] == '"' && value[len - 1] == '"')
    {
      memmove (value, value + 1, len - 2);
      value[len - 2] = '\0';
    }
  return value;
}

/* VALUE when it is LEN hex digits, in lower case; else NULL. */
static char *
hex_digest (const char *value, gsize len)
{
  if (value == NULL || strlen (value) != len)
    return NULL;
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isxdigit (value[i]))
      return NULL;
  return g_ascii_strdown (value, -1);
}

char *
attention_hub_etag_sha256 (const char *etag)
{
  g_autofree char *value = attention_hub_etag_value (etag);

  return hex_digest (value, 64);
}

char *
attention_hub_etag_git_sha1 (const char *etag)
{
  g_autofree char *value = attention_hub_etag_value (etag);

  return hex_digest (value, 40);
}
