/* special-split.c: see special-split.h. */

#include "special-split.h"

#include <string.h>

typedef struct
{
  char *text;
  gsize len;
  gint id;
  gboolean lstrip;
} Special;

struct _SpecialSplit
{
  GArray *specials; /* Special */
};

static void
special_clear (gpointer data)
{
  g_free (((Special *)data)->text);
}

SpecialSplit *
special_split_new (void)
{
  SpecialSplit *self = g_new0 (SpecialSplit, 1);

  self->specials = g_array_new (FALSE, FALSE, sizeof (Special));
  g_array_set_clear_func (self->specials, special_clear);
  return self;
}

void
special_split_free (SpecialSplit *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->specials, g_array_unref);
  g_free (self);
}

void
special_split_add (SpecialSplit *self, const char *text, gint id, gboolean lstrip)
{
  Special special = { g_strdup (text), strlen (text), id, lstrip };

  g_return_if_fail (text != NULL && text[0] != '\0');
  g_array_append_val (self->specials, special);
}

/* Python's str.rstrip(): the end of text[from, to) without its trailing
 * white space. */
static const char *
strip_end (const char *from, const char *to)
{
  while (to > from)
    {
      const char *prev = g_utf8_find_prev_char (from, to);

      if (prev == NULL || !g_unichar_isspace (g_utf8_get_char (prev)))
        break;
      to = prev;
    }
  return to;
}

gboolean
special_split_next (const SpecialSplit *self,
                    const char *from,
                    const char *end,
                    SpecialMatch *match)
{
  const Special *best = NULL;
  const char *at = end;

  /* Byte comparison, not strstr: the text may hold NUL characters. */
  for (guint i = 0; i < self->specials->len; i++)
    {
      const Special *s = &g_array_index (self->specials, Special, i);

      for (const char *p = from; p + s->len <= end && p <= at; p++)
        if (memcmp (p, s->text, s->len) == 0)
          {
            if (p < at || best == NULL || s->len > best->len)
              {
                at = p;
                best = s;
              }
            break;
          }
    }
  match->at = at;
  if (best == NULL)
    {
      match->plain_end = match->after = end;
      match->id = -1;
      return FALSE;
    }
  match->plain_end = best->lstrip ? strip_end (from, at) : at;
  match->after = at + best->len;
  match->id = best->id;
  return TRUE;
}
