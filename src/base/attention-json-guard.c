/* attention-json-guard.c: a non-recursive nesting check for untrusted JSON */

#include "attention-json-guard.h"

#include <string.h>

gboolean
attention_json_depth_ok (const char *data, gssize len, guint max_depth, guint *depth_out)
{
  gsize n = len < 0 ? strlen (data) : (gsize)len;
  gboolean in_string = FALSE;
  guint depth = 0;

  g_return_val_if_fail (data != NULL || n == 0, FALSE);

  for (gsize i = 0; i < n; i++)
    {
      char c = data[i];

      if (in_string)
        {
          if (c == '\\')
            i++; /* the escaped character, whatever it is, ends nothing */
          else if (c == '"')
            in_string = FALSE;
          continue;
        }
      switch (c)
        {
          case '"':
            in_string = TRUE;
            break;
          case '[':
          case '{':
            if (++depth > max_depth)
              {
                if (depth_out != NULL)
                  *depth_out = depth;
                return FALSE;
              }
            break;
          case ']':
          case '}':
            /* Unbalanced closers are the parser's to report. */
            if (depth > 0)
              depth--;
            break;
          default:
            break;
        }
    }
  return TRUE;
}
