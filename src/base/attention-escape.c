/* attention-escape.c: control characters and stray bytes as \xNN (see the
 * header) */

#include "attention-escape.h"

#include <string.h>

char *
attention_escape_bytes (const char *text, gssize len, gboolean keep_newlines)
{
  GString *out;
  const char *p, *end;

  if (text == NULL)
    return g_strdup ("(null)");
  if (len < 0)
    len = (gssize)strlen (text);
  out = g_string_sized_new ((gsize)len);
  p = text;
  end = text + len;
  while (p < end)
    {
      gunichar c = g_utf8_get_char_validated (p, end - p);

      if (c == (gunichar)-1 || c == (gunichar)-2)
        {
          /* Not UTF-8: the byte itself, visibly. */
          g_string_append_printf (out, "\\x%02X", (guchar)*p);
          p++;
          continue;
        }
      if ((c < 0x20 && !(keep_newlines && c == '\n')) || c == 0x7f || (c >= 0x80 && c < 0xa0))
        g_string_append_printf (out, "\\x%02X", c);
      else
        g_string_append_len (out, p, g_utf8_next_char (p) - p);
      p = g_utf8_next_char (p);
    }
  return g_string_free (out, FALSE);
}

char *
attention_escape_text (const char *text, gboolean keep_newlines)
{
  return attention_escape_bytes (text, -1, keep_newlines);
}
