/* fuzz-escape.c: libFuzzer target for attention_escape_bytes, which every
 * message quoting a file or the network goes through (HTTP reason phrases,
 * redirect addresses, model_type, tensor names). Whatever the bytes, the
 * result is valid UTF-8 with no control character a terminal would obey
 * (C0 but the kept newline, DEL, C1), and at most 4 bytes per input byte.
 * The first byte picks keep_newlines. */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "attention-escape.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autofree char *out = NULL;
  gboolean keep_newlines;
  gsize len;

  if (size == 0)
    return 0;
  keep_newlines = data[0] & 1;
  out = attention_escape_bytes ((const char *)data + 1, (gssize)size - 1, keep_newlines);
  len = strlen (out);
  if (!g_utf8_validate (out, len, NULL) || len > 4 * (size - 1))
    abort ();
  for (const char *p = out; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if ((c < 0x20 && !(keep_newlines && c == '\n')) || c == 0x7f || (c >= 0x80 && c < 0xa0))
        abort ();
    }
  return 0;
}
