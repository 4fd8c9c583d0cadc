/* attention-caption.c: the caption under an exported diagram (the sentence,
 * the layer and head), one line of text per caption line, each shortened
 * with an ellipsis to the diagram's width. */

#include "attention-caption.h"

#include <math.h>
#include <string.h>

static guint
caption_lines (const char *caption)
{
  guint lines = 1;

  for (const char *p = caption; *p; p++)
    if (*p == '\n')
      lines++;
  return lines;
}

/* One line of text per caption line plus half a line of air above and
 * below; 0 without a caption. */
double
attention_caption_height (const char *caption, double size)
{
  if (caption == NULL || caption[0] == '\0')
    return 0;
  return ceil (size * (1.4 * caption_lines (caption) + 1.0));
}

/* Draws text at the current point, shortened with an ellipsis to fit
 * max_width; with align_end the current point is where the text ends. */
void
attention_text_show_fitted (cairo_t *cr, const char *text, double max_width, gboolean align_end)
{
  cairo_text_extents_t ext;
  g_autofree char *buf = NULL;
  gsize len;

  cairo_text_extents (cr, text, &ext);
  if (ext.x_advance > max_width)
    {
      len = strlen (text);
      buf = g_malloc (len + sizeof "…");
      while (len > 0)
        {
          const char *prev = g_utf8_find_prev_char (text, text + len);

          len = prev ? (gsize)(prev - text) : 0;
          memcpy (buf, text, len);
          memcpy (buf + len, "…", sizeof "…");
          cairo_text_extents (cr, buf, &ext);
          if (ext.x_advance <= max_width)
            break;
        }
      text = buf;
    }
  if (align_end)
    cairo_rel_move_to (cr, -ext.x_advance, 0);
  cairo_show_text (cr, text);
}

/* The caption area starts at TOP and is WIDTH wide. */
void
attention_caption_draw (cairo_t *cr,
                        const char *caption,
                        double size,
                        const char *font_family,
                        const double fg[3],
                        double top,
                        double width)
{
  g_auto (GStrv) lines = NULL;
  cairo_font_extents_t fext;

  if (attention_caption_height (caption, size) == 0)
    return;
  cairo_save (cr);
  cairo_select_font_face (cr, font_family ? font_family : "Sans", CAIRO_FONT_SLANT_NORMAL,
                          CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size (cr, size);
  cairo_font_extents (cr, &fext);
  cairo_set_source_rgb (cr, fg[0], fg[1], fg[2]);
  lines = g_strsplit (caption, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      double line_top = top + size * 0.5 + size * 1.4 * i;

      cairo_move_to (cr, size * 0.6, line_top + (size * 1.4 + fext.ascent - fext.descent) / 2);
      attention_text_show_fitted (cr, lines[i], width - size * 1.2, FALSE);
    }
  cairo_restore (cr);
}
