/* attention-lines-render.c: attention as lines between two token columns
 * (see attention-lines-render.h), drawn with Cairo alone so the lines view
 * and the exported files share every pixel rule */

#include "attention-lines-render.h"

#include "attention-caption.h"
#include "attention-combine.h"
#include "attention-hatch.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

/* Room between a label and its column's edge, as a fraction of the font size. */
#define LABEL_PAD 0.5
/* Levels a line's colour or opacity is rounded to: the lines of one level are
 * stroked as one path, so 12 heads cost a few hundred strokes, not 20,000. */
#define N_LEVELS 256
/* Overlaid heads: a line's opacity runs from this (a weight at 0) to 1, so
 * that the weak lines above the threshold stay visible on black. */
#define OVERLAY_MIN_ALPHA 0.25

static double
overlay_alpha (guint level)
{
  return OVERLAY_MIN_ALPHA + (1 - OVERLAY_MIN_ALPHA) * level / (double)(N_LEVELS - 1);
}

/* Outline of the focused token (GNOME blue 3), outside every colour map. */
static const double focus_rgb[3] = { 0.208, 0.518, 0.894 };

void
attention_lines_style_init_export (AttentionLinesStyle *style)
{
  g_return_if_fail (style != NULL);

  memset (style, 0, sizeof *style);
  style->row_height = 32;
  style->label_width = 160;
  style->gap = 320;
  style->header = 44;
  style->font_size = 20;
  style->font_family = "Sans";
  style->line_width = 2;
  style->fg[0] = style->fg[1] = style->fg[2] = 1.0;
  style->draw_background = TRUE;
  style->colormap = ATTENTION_COLORMAP_GRAY;
  style->threshold = 0.01f;
  style->focus_side = ATTENTION_LINES_NONE;
  style->caption_size = 16;
}

static void
select_font (cairo_t *cr, const AttentionLinesStyle *style, double size)
{
  cairo_select_font_face (cr, style->font_family ? style->font_family : "Sans",
                          CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size (cr, size);
}

double
attention_lines_measure_labels (const AttentionLinesStyle *style,
                                const char *const *labels,
                                guint n,
                                double max_width)
{
  cairo_surface_t *surface;
  cairo_t *cr;
  double widest = 0;
  const char *titles[] = { _ ("Query"), _ ("Key") };

  g_return_val_if_fail (style != NULL, 0);

  surface = cairo_image_surface_create (CAIRO_FORMAT_A8, 1, 1);
  cr = cairo_create (surface);
  select_font (cr, style, style->font_size);
  for (guint i = 0; i < n + G_N_ELEMENTS (titles); i++)
    {
      const char *text = i < n ? (labels ? labels[i] : NULL) : titles[i - n];
      cairo_text_extents_t ext;

      if (text == NULL)
        continue;
      /* The header draws the titles bold: measured so, "Consulta" keeps its
       * margin instead of running into the edge. */
      if (i == n)
        cairo_select_font_face (cr, style->font_family ? style->font_family : "Sans",
                                CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
      cairo_text_extents (cr, text, &ext);
      widest = MAX (widest, ext.x_advance);
    }
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
  return MIN (max_width, ceil (widest + 2 * LABEL_PAD * style->font_size));
}

void
attention_lines_get_size (const AttentionLinesStyle *style, guint n, double *width, double *height)
{
  g_return_if_fail (style != NULL);

  if (width)
    *width = 2 * style->label_width + style->gap;
  if (height)
    *height = style->header + style->row_height * n +
              attention_caption_height (style->caption, style->caption_size);
}

void
attention_lines_head_rgb (guint head, guint n_heads, double rgb[3])
{
  /* HSV with full value and 0.7 saturation: distinct hues that all read on
   * black; the first head is orange-red, as bertviz's palette starts warm. */
  double h = fmod (0.02 + (double)head / MAX (n_heads, 1), 1.0) * 6;
  double s = 0.7, f = h - floor (h);
  double p = 1 - s, q = 1 - s * f, t = 1 - s * (1 - f);

  switch ((int)h)
    {
      case 0:
        rgb[0] = 1, rgb[1] = t, rgb[2] = p;
        break;
      case 1:
        rgb[0] = q, rgb[1] = 1, rgb[2] = p;
        break;
      case 2:
        rgb[0] = p, rgb[1] = 1, rgb[2] = t;
        break;
      case 3:
        rgb[0] = p, rgb[1] = q, rgb[2] = 1;
        break;
      case 4:
        rgb[0] = t, rgb[1] = p, rgb[2] = 1;
        break;
      default:
        rgb[0] = 1, rgb[1] = p, rgb[2] = q;
        break;
    }
}

/* A line's end at the group of tokens (AttentionLinesStyle.group) rather
 * than at one token. */
#define GROUP_END G_MAXUINT16

static gboolean
has_group (const AttentionLinesStyle *style)
{
  return style->focus_side != ATTENTION_LINES_NONE && style->n_group >= 2 && style->group != NULL;
}

static double
row_centre (const AttentionLinesStyle *style, guint index)
{
  if (index == GROUP_END && has_group (style))
    {
      double sum = 0;

      /* The group's lines meet at the middle of its tokens. */
      for (guint g = 0; g < style->n_group; g++)
        sum += style->group[g];
      return style->header + style->row_height * (sum / style->n_group + 0.5) - style->scroll;
    }
  return style->header + style->row_height * (index + 0.5) - style->scroll;
}

static gboolean
in_group (const AttentionLinesStyle *style, guint index)
{
  for (guint g = 0; g < style->n_group; g++)
    if (style->group[g] == index)
      return TRUE;
  return FALSE;
}

void
attention_lines_anchor (
    const AttentionLinesStyle *style, AttentionLinesSide side, guint index, double *x, double *y)
{
  g_return_if_fail (style != NULL);

  if (x)
    *x = side == ATTENTION_LINES_KEY ? style->label_width + style->gap : style->label_width;
  if (y)
    *y = row_centre (style, index);
}

gboolean
attention_lines_hit (const AttentionLinesStyle *style,
                     guint n,
                     double x,
                     double y,
                     AttentionLinesSide *side,
                     guint *index)
{
  double k;

  g_return_val_if_fail (style != NULL, FALSE);

  if (y < style->header || x < 0 || x >= 2 * style->label_width + style->gap ||
      style->row_height <= 0)
    return FALSE;
  k = floor ((y + style->scroll - style->header) / style->row_height);
  if (k < 0 || k >= n)
    return FALSE;
  if (x < style->label_width)
    *side = ATTENTION_LINES_QUERY;
  else if (x >= style->label_width + style->gap)
    *side = ATTENTION_LINES_KEY;
  else
    return FALSE;
  *index = (guint)k;
  return TRUE;
}

/* --- lines ------------------------------------------------------------------ */

typedef struct
{
  guint32 key; /* matrix slot × N_LEVELS + level: the stroke the line joins */
  guint16 query;
  guint16 key_token;
} Segment;

/* The colour and opacity of the lines of one stroke key. */
static void
key_colour (const AttentionLinesStyle *style,
            guint32 key,
            const guint *heads,
            gboolean overlay,
            guint n_heads,
            double rgb[3],
            double *alpha)
{
  guint m = key / N_LEVELS, level = key % N_LEVELS;

  if (overlay)
    {
      attention_lines_head_rgb (heads ? heads[m] : m, n_heads, rgb);
      *alpha = overlay_alpha (level);
    }
  else
    {
      guint8 c[3];

      attention_colormap_rgb (style->colormap, level / (double)(N_LEVELS - 1), c);
      for (guint k = 0; k < 3; k++)
        rgb[k] = c[k] / 255.0;
      *alpha = 1;
    }
}

static void
stroke_lines (cairo_t *cr,
              const AttentionLinesStyle *style,
              const Segment *sorted,
              guint count,
              const guint *heads,
              gboolean overlay,
              guint n_heads)
{
  double x0 = style->label_width, x1 = style->label_width + style->gap;

  cairo_set_line_width (cr, style->line_width);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_BUTT);
  for (guint k = 0; k < count;)
    {
      guint32 key = sorted[k].key;
      double rgb[3], alpha;

      key_colour (style, key, heads, overlay, n_heads, rgb, &alpha);
      cairo_set_source_rgba (cr, rgb[0], rgb[1], rgb[2], alpha);
      /* One stroke per line: a path of many crossing segments sends
       * Cairo's tessellator into quadratic work (seconds for 50,000). */
      for (; k < count && sorted[k].key == key; k++)
        {
          cairo_move_to (cr, x0, row_centre (style, sorted[k].query));
          cairo_line_to (cr, x1, row_centre (style, sorted[k].key_token));
          cairo_stroke (cr);
        }
    }
}

/* d = s·a + d·(1 − a) in 0..255, a in 0..255. */
static inline guint
blend (guint s, guint d, guint a)
{
  guint t = s * a + d * (255 - a) + 128;

  return (t + (t >> 8)) >> 8;
}

/* One line in pixel space, from (0, ya) to (width, yb): every line runs the
 * whole gap, so it is a short vertical run per pixel column, the columns
 * [c0, c1) where it meets the image. */
typedef struct
{
  double ya, slope, half;
  int c0, c1;
} Run;

static gboolean
run_init (Run *run, double ya, double yb, double line_width, int width, int height)
{
  run->ya = ya;
  run->slope = (yb - ya) / width;
  /* Half the line's vertical extent: its width over cos θ. */
  run->half = line_width / 2 * sqrt (1 + run->slope * run->slope);
  run->c0 = 0;
  run->c1 = width;
  if (run->slope != 0)
    {
      double ca = (-run->half - ya) / run->slope - 0.5;
      double cb = (height + run->half - ya) / run->slope - 0.5;

      run->c0 = MAX (0, (int)floor (MIN (ca, cb)));
      run->c1 = MIN (width, (int)ceil (MAX (ca, cb)) + 1);
    }
  else if (ya + run->half < 0 || ya - run->half > height)
    return FALSE;
  return run->c0 < run->c1;
}

/* Coverage × a (0..255) of pixel row r by the band [lo, hi]. */
#define COVER(r, lo, hi, a) ((guint)((MIN ((r) + 1.0, (hi)) - MAX ((double)(r), (lo))) * (a) + 0.5))

/* Pixels touched, [x0, x1) × [y0, y1): only they are painted and cleared. */
typedef struct
{
  int x0, x1, y0, y1;
} Box;

/* A8 mask: m = a + m·(1 − a), the OVER of lines of one colour. */
static void
run_mask (const Run *run, guint8 *data, int stride, int height, guint alpha, Box *box)
{
  box->x0 = MIN (box->x0, run->c0);
  box->x1 = MAX (box->x1, run->c1);
  for (int c = run->c0; c < run->c1; c++)
    {
      double y = run->ya + run->slope * (c + 0.5), lo = y - run->half, hi = y + run->half;
      int r0 = MAX (0, (int)floor (lo)), r1 = MIN (height - 1, (int)floor (hi));
      guint8 *p = data + (gsize)r0 * stride + c;

      box->y0 = MIN (box->y0, r0);
      box->y1 = MAX (box->y1, r1 + 1);
      for (int r = r0; r <= r1; r++, p += stride)
        {
          /* Rows inside the band are fully covered: no arithmetic. */
          guint a = (r > lo && r + 1 < hi) ? alpha : COVER (r, lo, hi, alpha);

          *p = (guint8)(a + blend (0, *p, a));
        }
    }
}

/* Premultiplied ARGB32, one colour per line (one head in its colour map). */
static void
run_argb (const Run *run, guint8 *data, int stride, int height, const guint rgb[3], guint alpha)
{
  for (int c = run->c0; c < run->c1; c++)
    {
      double y = run->ya + run->slope * (c + 0.5), lo = y - run->half, hi = y + run->half;
      int r0 = MAX (0, (int)floor (lo)), r1 = MIN (height - 1, (int)floor (hi));

      for (int r = r0; r <= r1; r++)
        {
          guint32 *px = (guint32 *)(gpointer)(data + (gsize)r * stride + (gsize)c * 4);
          guint a = COVER (r, lo, hi, alpha);
          guint32 v = *px;

          if (a == 0)
            continue;
          *px = ((guint32)blend (255, v >> 24, a) << 24) |
                ((guint32)blend (rgb[0], (v >> 16) & 0xff, a) << 16) |
                ((guint32)blend (rgb[1], (v >> 8) & 0xff, a) << 8) | blend (rgb[2], v & 0xff, a);
        }
    }
}

static cairo_surface_t *
image_new (cairo_format_t format, int width, int height)
{
  cairo_surface_t *image = cairo_image_surface_create (format, width, height);

  if (cairo_surface_status (image) != CAIRO_STATUS_SUCCESS)
    {
      cairo_surface_destroy (image);
      return NULL;
    }
  cairo_surface_flush (image);
  return image;
}

/* The lines rasterised by hand and painted as images: Cairo's stroker costs
 * about 0.1 ms a line, this a few µs. Overlaid heads: one A8 mask per head
 * (a byte per pixel touched), painted in the head's colour through it. One
 * head: its lines differ in colour, so straight into one ARGB image. */
static void
raster_lines (cairo_t *cr,
              const AttentionLinesStyle *style,
              const Segment *sorted,
              guint count,
              const guint *heads,
              gboolean overlay,
              guint n_heads)
{
  double s = style->raster_scale, width_px = style->line_width * s;
  double cx1, cy1, cx2, cy2, top, bottom;
  cairo_surface_t *image;
  guint8 *data;
  int width, height, stride;

  cairo_clip_extents (cr, &cx1, &cy1, &cx2, &cy2);
  top = floor (MAX (cy1, style->header));
  bottom = ceil (cy2);
  width = (int)ceil (style->gap * s);
  height = (int)ceil ((bottom - top) * s);
  if (width <= 0 || height <= 0)
    return;
  image = image_new (overlay ? CAIRO_FORMAT_A8 : CAIRO_FORMAT_ARGB32, width, height);
  if (image == NULL)
    return;
  data = cairo_image_surface_get_data (image);
  stride = cairo_image_surface_get_stride (image);

  cairo_translate (cr, style->label_width, top);
  cairo_scale (cr, 1 / s, 1 / s);
  for (guint k = 0; k < count;)
    {
      guint32 key = sorted[k].key;
      guint m = key / N_LEVELS;
      Box box = { width, 0, height, 0 };
      double rgb[3], alpha;
      guint rgb8[3];

      key_colour (style, key, heads, overlay, n_heads, rgb, &alpha);
      for (guint c = 0; c < 3; c++)
        rgb8[c] = (guint)lrint (rgb[c] * 255);
      /* Overlay: every level of head m goes into its mask, the level as the
       * line's opacity; one head: each level is a colour of its own. */
      for (; k < count && (overlay ? sorted[k].key / N_LEVELS == m : sorted[k].key == key); k++)
        {
          Run run;

          if (!run_init (&run, (row_centre (style, sorted[k].query) - top) * s,
                         (row_centre (style, sorted[k].key_token) - top) * s, width_px, width,
                         height))
            continue;
          if (overlay)
            run_mask (&run, data, stride, height,
                      (guint)lrint (255 * overlay_alpha (sorted[k].key % N_LEVELS)), &box);
          else
            run_argb (&run, data, stride, height, rgb8, 255);
        }
      if (overlay && box.x0 < box.x1 && box.y0 < box.y1)
        {
          cairo_surface_mark_dirty (image);
          cairo_save (cr);
          cairo_rectangle (cr, box.x0, box.y0, box.x1 - box.x0, box.y1 - box.y0);
          cairo_clip (cr);
          cairo_set_source_rgb (cr, rgb[0], rgb[1], rgb[2]);
          cairo_mask_surface (cr, image, 0, 0);
          cairo_restore (cr);
          cairo_surface_flush (image);
          for (int y = box.y0; y < box.y1; y++)
            memset (data + (gsize)y * stride + box.x0, 0, box.x1 - box.x0);
        }
    }
  if (!overlay)
    {
      cairo_surface_mark_dirty (image);
      cairo_set_source_surface (cr, image, 0, 0);
      cairo_paint (cr);
    }
  cairo_surface_destroy (image);
}

static guint
level_of (float w)
{
  if (!(w > 0))
    return 0;
  if (w >= 1)
    return N_LEVELS - 1;
  return (guint)(w * (N_LEVELS - 1) + 0.5f);
}

static gboolean
focus_allows (const AttentionLinesStyle *style, guint i, guint j)
{
  switch (style->focus_side)
    {
      case ATTENTION_LINES_QUERY:
        return i == style->focus;
      case ATTENTION_LINES_KEY:
        return j == style->focus;
      case ATTENTION_LINES_NONE:
      default:
        return TRUE;
    }
}

/* Every line at or above the threshold that meets the clip; a line from a
 * row far above can cross the visible band, so all rows are looked at
 * (cheap: the strokes are the cost). */
static void
draw_lines (cairo_t *cr,
            const AttentionLinesStyle *style,
            const float *const *matrices,
            const guint *heads,
            guint n_matrices,
            guint n_heads,
            guint n)
{
  double x0 = style->label_width, x1 = style->label_width + style->gap;
  double cx1, cy1, cx2, cy2;
  float threshold = MAX (style->threshold, 1e-6f);
  gboolean overlay = n_matrices > 1;
  g_autoptr (GArray) segments = g_array_new (FALSE, FALSE, sizeof (Segment));
  g_autofree guint *counts = NULL;
  g_autofree Segment *sorted = NULL;
  guint n_keys = n_matrices * N_LEVELS;
  guint i_first = 0, i_last = n;

  cairo_clip_extents (cr, &cx1, &cy1, &cx2, &cy2);
  if (style->focus_side == ATTENTION_LINES_QUERY)
    {
      i_first = MIN (style->focus, n);
      i_last = MIN (style->focus + 1, n);
    }

  /* Several tokens together: a line from their midpoint to each other
   * token, of their weights combined. */
  if (has_group (style))
    {
      g_autofree float *combined = g_new (float, n);
      gboolean queries = style->focus_side == ATTENTION_LINES_QUERY;
      double yg = row_centre (style, GROUP_END);

      i_first = i_last = 0;
      for (guint m = 0; m < n_matrices; m++)
        {
          attention_combine_tokens (matrices[m], n, style->group, style->n_group, !queries,
                                    style->group_combine, combined);
          for (guint k = 0; k < n; k++)
            {
              double yk = row_centre (style, k);
              Segment s;

              if (!(combined[k] >= threshold) || MAX (yg, yk) < cy1 - style->line_width ||
                  MIN (yg, yk) > cy2 + style->line_width)
                continue;
              s.key = m * N_LEVELS + level_of (combined[k]);
              s.query = (guint16)(queries ? GROUP_END : k);
              s.key_token = (guint16)(queries ? k : GROUP_END);
              g_array_append_val (segments, s);
            }
        }
    }

  /* Gather the lines that are drawn at all and meet the clip. */
  for (guint m = 0; m < n_matrices; m++)
    for (guint i = i_first; i < i_last; i++)
      {
        const float *row = matrices[m] + (gsize)i * n;
        double yi = row_centre (style, i);

        for (guint j = 0; j < n; j++)
          {
            double yj;
            Segment s;

            if (!(row[j] >= threshold) || !focus_allows (style, i, j))
              continue;
            yj = row_centre (style, j);
            if (MAX (yi, yj) < cy1 - style->line_width || MIN (yi, yj) > cy2 + style->line_width)
              continue;
            s.key = m * N_LEVELS + level_of (row[j]);
            s.query = (guint16)i;
            s.key_token = (guint16)j;
            g_array_append_val (segments, s);
          }
      }
  if (segments->len == 0)
    return;

  /* Counting sort by stroke: weakest first, so a strong line is never
   * hidden under a weak one, and each level is one path. */
  counts = g_new0 (guint, n_keys + 1);
  for (guint k = 0; k < segments->len; k++)
    counts[g_array_index (segments, Segment, k).key + 1]++;
  for (guint k = 0; k < n_keys; k++)
    counts[k + 1] += counts[k];
  sorted = g_new (Segment, segments->len);
  for (guint k = 0; k < segments->len; k++)
    {
      const Segment *s = &g_array_index (segments, Segment, k);

      sorted[counts[s->key]++] = *s;
    }

  cairo_save (cr);
  cairo_rectangle (cr, x0, style->header, x1 - x0, MAX (0, cy2 - style->header));
  cairo_clip (cr);
  if (style->raster_scale > 0)
    raster_lines (cr, style, sorted, segments->len, heads, overlay, n_heads);
  else
    stroke_lines (cr, style, sorted, segments->len, heads, overlay, n_heads);
  cairo_restore (cr);
}

/* --- text ------------------------------------------------------------------- */

/* Shows text with its baseline at y, starting at x (or ending there when
 * align_end), cut with an ellipsis to max_width. */
static void
show_fitted (
    cairo_t *cr, const char *text, double x, double y, double max_width, gboolean align_end)
{
  cairo_move_to (cr, x, y);
  attention_text_show_fitted (cr, text, max_width, align_end);
}

static void
draw_labels (cairo_t *cr, const AttentionLinesStyle *style, guint n, const char *const *labels)
{
  cairo_font_extents_t fext;
  double pad = style->font_size * LABEL_PAD;
  double room = style->label_width - 2 * pad;
  double cx1, cy1, cx2, cy2, shift;
  double xk = style->label_width + style->gap;
  int first, last;

  if (labels == NULL || room <= 0 || style->row_height <= 0)
    return;
  cairo_clip_extents (cr, &cx1, &cy1, &cx2, &cy2);
  first =
      (int)floor ((MAX (cy1, style->header) + style->scroll - style->header) / style->row_height) -
      1;
  last = (int)ceil ((cy2 + style->scroll - style->header) / style->row_height) + 1;
  first = MAX (first, 0);
  last = MIN (last, (int)n);

  cairo_save (cr);
  cairo_rectangle (cr, cx1, style->header, cx2 - cx1, MAX (0, cy2 - style->header));
  cairo_clip (cr);
  select_font (cr, style, style->font_size);
  cairo_font_extents (cr, &fext);
  shift = (fext.ascent - fext.descent) / 2;
  if (style->hatch_from > 0 && (int)style->hatch_from < last)
    {
      guint from = MAX ((guint)first, style->hatch_from);
      double top = row_centre (style, from) - style->row_height / 2;
      double height = style->row_height * (last - from);
      double spacing = CLAMP (style->row_height / 3, 3, 12);

      attention_hatch_rectangle (cr, 0, top, style->label_width, height, spacing, 0.55);
      attention_hatch_rectangle (cr, xk, top, style->label_width, height, spacing, 0.55);
    }
  for (int i = first; i < last && labels[i] != NULL; i++)
    {
      double y = row_centre (style, (guint)i) + shift;
      gboolean focused =
          style->focus_side != ATTENTION_LINES_NONE &&
          (has_group (style) ? in_group (style, (guint)i) : style->focus == (guint)i);
      double rgb[3], alpha = 0;

      if (style->label_shade != NULL)
        attention_colormap_signed_tint (style->label_shade[i], style->label_shade_vmax, rgb,
                                        &alpha);
      if (alpha > 0)
        {
          double top = row_centre (style, (guint)i) - style->row_height / 2 + 1;

          cairo_set_source_rgba (cr, rgb[0], rgb[1], rgb[2], 0.9 * alpha);
          cairo_rectangle (cr, pad / 2, top, style->label_width - pad, style->row_height - 2);
          cairo_rectangle (cr, xk + pad / 2, top, style->label_width - pad, style->row_height - 2);
          cairo_fill (cr);
        }

      if (focused && style->focus_side == ATTENTION_LINES_QUERY)
        cairo_set_source_rgb (cr, focus_rgb[0], focus_rgb[1], focus_rgb[2]);
      else
        cairo_set_source_rgb (cr, style->fg[0], style->fg[1], style->fg[2]);
      show_fitted (cr, labels[i], style->label_width - pad, y, room, TRUE);
      if (focused && style->focus_side == ATTENTION_LINES_KEY)
        cairo_set_source_rgb (cr, focus_rgb[0], focus_rgb[1], focus_rgb[2]);
      else
        cairo_set_source_rgb (cr, style->fg[0], style->fg[1], style->fg[2]);
      show_fitted (cr, labels[i], xk + pad, y, room, FALSE);
    }

  /* The focused token gets an outline, so it stays found while its lines fan
   * out; a group, each of its tokens, and a bracket joining them to the
   * point their lines start from. */
  if (style->focus_side != ATTENTION_LINES_NONE && (has_group (style) || style->focus < n))
    {
      double x = style->focus_side == ATTENTION_LINES_QUERY ? 0 : xk;
      double w = MAX (1.0, style->line_width);
      guint count = has_group (style) ? style->n_group : 1;

      cairo_set_source_rgb (cr, focus_rgb[0], focus_rgb[1], focus_rgb[2]);
      cairo_set_line_width (cr, w);
      for (guint g = 0; g < count; g++)
        {
          guint t = has_group (style) ? style->group[g] : style->focus;
          double top = row_centre (style, t) - style->row_height / 2;

          if (t < n)
            cairo_rectangle (cr, x + w / 2, top + w / 2, style->label_width - w,
                             style->row_height - w);
        }
      cairo_stroke (cr);
      if (has_group (style))
        {
          double edge = style->focus_side == ATTENTION_LINES_QUERY ? style->label_width : xk;
          double yg = row_centre (style, GROUP_END);

          for (guint g = 0; g < count; g++)
            if (style->group[g] < n)
              {
                cairo_move_to (cr, edge, row_centre (style, style->group[g]));
                cairo_line_to (cr, edge, yg);
              }
          cairo_set_line_width (cr, 2 * w);
          cairo_stroke (cr);
          cairo_arc (cr, edge, yg, 2 * w, 0, 2 * G_PI);
          cairo_fill (cr);
        }
    }
  cairo_restore (cr);
}

/* With a focus, each line's weight is written at its far end (where the
 * lines fan out), one number per head in the head's colour. */
static void
draw_weights (cairo_t *cr,
              const AttentionLinesStyle *style,
              const float *const *matrices,
              const guint *heads,
              guint n_matrices,
              guint n_heads,
              guint n)
{
  cairo_font_extents_t fext;
  double size = MAX (1.0, style->font_size * 0.8), pad = size * 0.3;
  double cx1, cy1, cx2, cy2;
  gboolean at_key = style->focus_side == ATTENTION_LINES_QUERY;
  float threshold = MAX (style->threshold, 1e-6f);
  g_autofree float *combined = NULL;

  if (style->focus_side == ATTENTION_LINES_NONE || (!has_group (style) && style->focus >= n))
    return;
  /* A group: its combined weights, head after head. */
  if (has_group (style))
    {
      combined = g_new (float, (gsize)MAX (n_matrices, 1) * n);
      for (guint m = 0; m < n_matrices; m++)
        attention_combine_tokens (matrices[m], n, style->group, style->n_group, !at_key,
                                  style->group_combine, combined + (gsize)m * n);
    }
  cairo_clip_extents (cr, &cx1, &cy1, &cx2, &cy2);
  cairo_save (cr);
  cairo_rectangle (cr, style->label_width, style->header, style->gap, MAX (0, cy2 - style->header));
  cairo_clip (cr);
  select_font (cr, style, size);
  cairo_font_extents (cr, &fext);
  for (guint other = 0; other < n; other++)
    {
      double y = row_centre (style, other);
      double x = at_key ? style->label_width + style->gap - pad : style->label_width + pad;

      if (y < style->header - style->row_height || y > cy2 + style->row_height)
        continue;
      for (guint m = 0; m < n_matrices; m++)
        {
          guint i = at_key ? style->focus : other, j = at_key ? other : style->focus;
          float w =
              combined != NULL ? combined[(gsize)m * n + other] : matrices[m][(gsize)i * n + j];
          cairo_text_extents_t ext;
          char text[16];
          double bx;

          if (!(w >= threshold))
            continue;
          g_snprintf (text, sizeof text, "%.2f", w);
          cairo_text_extents (cr, text, &ext);
          bx = at_key ? x - ext.x_advance : x;
          /* A patch of background under the number keeps it legible over
           * the lines. */
          cairo_set_source_rgb (cr, style->bg[0], style->bg[1], style->bg[2]);
          cairo_rectangle (cr, bx - pad / 2, y - fext.ascent / 2 - pad / 2 - fext.descent / 2,
                           ext.x_advance + pad, fext.ascent + fext.descent / 2 + pad);
          cairo_fill (cr);
          if (n_matrices > 1)
            {
              double rgb[3];

              attention_lines_head_rgb (heads ? heads[m] : m, n_heads, rgb);
              cairo_set_source_rgb (cr, rgb[0], rgb[1], rgb[2]);
            }
          else
            cairo_set_source_rgb (cr, style->fg[0], style->fg[1], style->fg[2]);
          cairo_move_to (cr, bx, y + (fext.ascent - fext.descent) / 2);
          cairo_show_text (cr, text);
          x = at_key ? bx - pad * 2 : bx + ext.x_advance + pad * 2;
        }
    }
  cairo_restore (cr);
}

static void
draw_header (cairo_t *cr, const AttentionLinesStyle *style)
{
  cairo_font_extents_t fext;
  double pad = style->font_size * LABEL_PAD;
  double width = 2 * style->label_width + style->gap;
  double y;

  if (style->header <= 0)
    return;
  cairo_save (cr);
  /* Opaque, so rows scrolled under it do not show through. */
  cairo_set_source_rgb (cr, style->bg[0], style->bg[1], style->bg[2]);
  cairo_rectangle (cr, 0, 0, width, style->header);
  cairo_fill (cr);
  cairo_select_font_face (cr, style->font_family ? style->font_family : "Sans",
                          CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
  cairo_set_font_size (cr, style->font_size);
  cairo_font_extents (cr, &fext);
  y = style->header / 2 + (fext.ascent - fext.descent) / 2;
  cairo_set_source_rgb (cr, style->fg[0], style->fg[1], style->fg[2]);
  show_fitted (cr, _ ("Query"), style->label_width - pad, y, style->label_width, TRUE);
  show_fitted (cr, _ ("Key"), style->label_width + style->gap + pad, y, style->label_width, FALSE);
  if (has_group (style))
    {
      g_autofree char *what =
          g_strdup_printf (style->group_combine == ATTENTION_COMBINE_MEAN
                               /* Translators: over the lines of several pinned tokens. */
                               ? ngettext ("Mean of %u token", "Mean of %u tokens", style->n_group)
                               /* Translators: over the lines of several pinned tokens. */
                               : ngettext ("Sum of %u token", "Sum of %u tokens", style->n_group),
                           style->n_group);
      cairo_text_extents_t ext;

      cairo_select_font_face (cr, style->font_family ? style->font_family : "Sans",
                              CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
      cairo_text_extents (cr, what, &ext);
      cairo_set_source_rgb (cr, focus_rgb[0], focus_rgb[1], focus_rgb[2]);
      show_fitted (cr, what, style->label_width + MAX (pad, (style->gap - ext.x_advance) / 2), y,
                   style->gap - 2 * pad, FALSE);
    }
  /* A hairline under the titles marks where the rows scroll away. */
  cairo_set_source_rgba (cr, style->fg[0], style->fg[1], style->fg[2], 0.3);
  cairo_set_line_width (cr, 1);
  cairo_move_to (cr, 0, style->header - 0.5);
  cairo_line_to (cr, width, style->header - 0.5);
  cairo_stroke (cr);
  cairo_restore (cr);
}

void
attention_lines_draw (cairo_t *cr,
                      const AttentionLinesStyle *style,
                      const float *const *matrices,
                      const guint *heads,
                      guint n_matrices,
                      guint n_heads,
                      guint n,
                      const char *const *labels)
{
  g_return_if_fail (cr != NULL);
  g_return_if_fail (style != NULL);
  g_return_if_fail (matrices != NULL || n_matrices == 0);
  g_return_if_fail (n <= G_MAXUINT16);

  cairo_save (cr);
  if (style->draw_background)
    {
      double width, height;

      attention_lines_get_size (style, n, &width, &height);
      cairo_set_source_rgb (cr, style->bg[0], style->bg[1], style->bg[2]);
      cairo_rectangle (cr, 0, 0, width, MAX (height - style->scroll, style->header));
      cairo_fill (cr);
    }
  if (n > 0)
    {
      draw_lines (cr, style, matrices, heads, n_matrices, n_heads, n);
      draw_labels (cr, style, n, labels);
      draw_weights (cr, style, matrices, heads, n_matrices, n_heads, n);
    }
  attention_caption_draw (cr, style->caption, style->caption_size, style->font_family, style->fg,
                          style->header + style->row_height * n - style->scroll,
                          2 * style->label_width + style->gap);
  draw_header (cr, style);
  cairo_restore (cr);
}
