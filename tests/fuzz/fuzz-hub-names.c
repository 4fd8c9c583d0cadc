/* fuzz-hub-names.c: libFuzzer target for the names the hub's answers and the
 * models folder hand the app: a folder name under models/ and an ETag or
 * X-Linked-ETag header value (src/hub/attention-hub-names.c). The first byte
 * picks which. Whatever the bytes:
 * - a folder name maps to no id, or to a valid id whose folder name is that
 *   name again (two folders never stand for one id, nor one for two);
 * - an ETag yields no checksum, or exactly 64 (sha256) / 40 (git sha1)
 *   lower-case hex digits, and the same digits whatever the case or the
 *   W/ and quotes around them. */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "attention-hub-names.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
check_digest (const char *digest, gsize len, const char *etag)
{
  g_autofree char *upper = NULL;
  g_autofree char *quoted = NULL;
  g_autofree char *again = NULL;

  if (digest == NULL)
    return;
  if (strlen (digest) != len)
    abort ();
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isxdigit (digest[i]) || g_ascii_isupper (digest[i]))
      abort ();
  /* The bare digits, in upper case and weakly quoted, give the same. */
  upper = g_ascii_strup (digest, -1);
  quoted = g_strdup_printf ("W/\"%s\"", upper);
  again = len == 64 ? attention_hub_etag_sha256 (quoted) : attention_hub_etag_git_sha1 (quoted);
  if (again == NULL || strcmp (again, digest) != 0)
    abort ();
  (void)etag;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autofree char *text = NULL;

  if (size == 0)
    return 0;
  /* Header values and file names are C strings: stop at a NUL. */
  text = g_strndup ((const char *)data + 1, size - 1);
  if (data[0] & 1)
    {
      g_autofree char *id = attention_hub_folder_id (text);
      g_autofree char *name = NULL;

      if (id != NULL)
        {
          if (!attention_hub_model_id_is_valid (id, NULL))
            abort ();
          name = attention_hub_folder_name (id);
          if (strcmp (name, text) != 0)
            abort ();
        }
      /* The text as an id: a valid one comes back from its folder name. */
      if (attention_hub_model_id_is_valid (text, NULL))
        {
          g_autofree char *folder = attention_hub_folder_name (text);
          g_autofree char *back = attention_hub_folder_id (folder);

          if (back == NULL || strcmp (back, text) != 0 || strstr (folder, "/") != NULL)
            abort ();
        }
    }
  else
    {
      g_autofree char *sha256 = attention_hub_etag_sha256 (text);
      g_autofree char *sha1 = attention_hub_etag_git_sha1 (text);

      check_digest (sha256, 64, text);
      check_digest (sha1, 40, text);
      if (sha256 != NULL && sha1 != NULL)
        abort ();
    }
  return 0;
}
