/* attention-head-mask.c: head masks from and to "L:H,…" (see the header) */

#include "attention-head-mask.h"

#include <glib/gi18n.h>
#include <string.h>

#include "attention-model.h"

/* A whole decimal number from 1 to max, nothing else. */
static gboolean
parse_index (const char *s, guint max, guint *out)
{
  guint64 v;

  if (*s == '\0' || !g_ascii_isdigit (*s))
    return FALSE;
  if (!g_ascii_string_to_unsigned (s, 10, 1, G_MAXUINT, &v, NULL))
    return FALSE;
  *out = (guint)v;
  return v <= max;
}

float *
attention_head_mask_parse (const char *spec, guint n_layers, guint n_heads, GError **error)
{
  g_autofree float *mask = NULL;
  g_auto (GStrv) items = NULL;
  gsize n = (gsize)n_layers * n_heads;

  g_return_val_if_fail (spec != NULL, NULL);

  mask = g_new (float, MAX (n, 1));
  for (gsize i = 0; i < n; i++)
    mask[i] = 1;
  items = g_strsplit (spec, ",", -1);
  if (items[0] == NULL)
    {
      g_set_error (error, ATTENTION_MODEL_ERROR, ATTENTION_MODEL_ERROR_INPUT,
                   _ ("--ablate needs at least one LAYER:HEAD."));
      return NULL;
    }
  for (guint i = 0; items[i] != NULL; i++)
    {
      char *item = g_strstrip (items[i]);
      char *colon = strchr (item, ':');
      guint layer = 0, head = 0;
      gboolean whole;

      if (colon == NULL)
        {
          g_set_error (error, ATTENTION_MODEL_ERROR, ATTENTION_MODEL_ERROR_INPUT,
                       _ ("“%s” is not LAYER:HEAD (for example 3:7, or 3:* for a whole layer)."),
                       item);
          return NULL;
        }
      *colon = '\0';
      whole = g_str_equal (colon + 1, "*");
      if (!parse_index (item, n_layers, &layer))
        {
          g_set_error (error, ATTENTION_MODEL_ERROR, ATTENTION_MODEL_ERROR_INPUT,
                       _ ("“%s:%s”: the layer must be a number from 1 to %u."), item, colon + 1,
                       n_layers);
          return NULL;
        }
      if (!whole && !parse_index (colon + 1, n_heads, &head))
        {
          g_set_error (error, ATTENTION_MODEL_ERROR, ATTENTION_MODEL_ERROR_INPUT,
                       _ ("“%s:%s”: the head must be a number from 1 to %u, or *."), item,
                       colon + 1, n_heads);
          return NULL;
        }
      for (guint h = whole ? 1 : head; h <= (whole ? n_heads : head); h++)
        {
          float *cell = &mask[(gsize)(layer - 1) * n_heads + (h - 1)];

          if (*cell == 0)
            {
              g_set_error (error, ATTENTION_MODEL_ERROR, ATTENTION_MODEL_ERROR_INPUT,
                           _ ("Head %u:%u is named twice in --ablate."), layer, h);
              return NULL;
            }
          *cell = 0;
        }
    }
  return g_steal_pointer (&mask);
}

char *
attention_head_mask_format (const float *mask, guint n_layers, guint n_heads)
{
  GString *out = g_string_new (NULL);

  for (guint l = 0; mask != NULL && l < n_layers; l++)
    for (guint h = 0; h < n_heads; h++)
      if (mask[(gsize)l * n_heads + h] == 0)
        g_string_append_printf (out, "%s%u:%u", out->len > 0 ? "," : "", l + 1, h + 1);
  return g_string_free (out, FALSE);
}

guint
attention_head_mask_count_off (const float *mask, guint n_layers, guint n_heads)
{
  guint n = 0;

  for (gsize i = 0; mask != NULL && i < (gsize)n_layers * n_heads; i++)
    n += mask[i] == 0;
  return n;
}
