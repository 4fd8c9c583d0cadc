/* attention-view.c: a focusable widget that draws one layer/head attention
 * matrix of an AttentionResult with the shared renderer, scaled to its size.
 *
 * Cells are whole logical pixels at a whole-pixel origin, so the grid stays
 * sharp at every size and scale factor; the cairo node is rasterised at the
 * surface's scale, so HiDPI screens get full-resolution text. */

#include "attention-view.h"

#include <glib/gi18n.h>
#include <math.h>

#include "attention-render.h"

#define FONT_FAMILY "Sans"
#define PADDING 12.0   /* around the diagram, in logical pixels */
#define MIN_CELL 1.0   /* Fit shows the whole matrix, however small its cells */
#define MAX_CELL 160.0 /* a few tokens fill the room, up to this */
#define MIN_ZOOM_CELL 2.0
#define MAX_ZOOM_CELL 160.0
#define ZOOM_STEP 1.25
#define MIN_FONT 9.0
#define MAX_FONT 15.0
/* The legend beside the grid: a colour bar and its tick labels. */
#define LEGEND_GAP 12.0
#define LEGEND_BAR 12.0
#define LEGEND_WIDTH 52.0
#define LEGEND_FONT 10.0
#define LEGEND_MIN_HEIGHT 96.0
#define LEGEND_MAX_HEIGHT 220.0

typedef enum
{
  HIT_NONE,
  HIT_CELL,
  HIT_ROW_LABEL,
  HIT_COLUMN_LABEL,
} HitKind;

/* Where everything is, in widget coordinates, scrolling included. The row
 * labels stay in a band at bx and the column labels in one at by: when the
 * grid scrolls under them they stick to the edge (issue 13). */
typedef struct
{
  guint n;
  double cell;
  double margin;
  double font_size;
  double dx, dy;     /* top-left corner of the diagram (labels included) */
  double bx, by;     /* left edge of the row labels, top edge of the column labels */
  double lx, ly, lh; /* the legend's bar */
  double content_w, content_h;
} Layout;

struct _AttentionView
{
  GtkWidget parent_instance;

  AttentionResult *result;
  guint layer;
  guint head;
  double zoom_cell; /* 0: fit the widget */
  double last_cell;

  /* Widest label per font size is cached: measuring 512 labels per frame is
   * wasted work. */
  double label_width_font;
  double label_width;

  HitKind hit;
  guint hit_row;
  guint hit_col;
  char *hover_text;

  /* Analysis views (issue 6) */
  float *matrix_override; /* n × n shown instead of layer/head; NULL for none */
  AttentionColormap colormap;
  AttentionScale scale;
  int pinned; /* token whose row and column stay outlined; -1 for none */

  /* GtkScrollable: the view draws its own scrolled content, so that the
   * labels can stay put while the cells move. */
  GtkAdjustment *hadjustment;
  GtkAdjustment *vadjustment;
  GtkScrollablePolicy hscroll_policy;
  GtkScrollablePolicy vscroll_policy;
  /* Zooming keeps this point of the content (fractions) at the centre. */
  gboolean zoom_anchor;
  double anchor_x, anchor_y;

  AttentionView *partner; /* compare: same cells, margin and colours; weak */

  gboolean drew_matrix; /* a snapshot has drawn a matrix (start-up benchmark) */
};

G_DEFINE_FINAL_TYPE_WITH_CODE (AttentionView,
                               attention_view,
                               GTK_TYPE_WIDGET,
                               G_IMPLEMENT_INTERFACE (GTK_TYPE_SCROLLABLE, NULL))

enum
{
  PROP_0,
  PROP_RESULT,
  PROP_LAYER,
  PROP_HEAD,
  PROP_N_LAYERS,
  PROP_N_HEADS,
  PROP_HOVER_TEXT,
  PROP_PINNED,
  N_PROPS,
  /* GtkScrollable's, overridden */
  PROP_HADJUSTMENT = N_PROPS,
  PROP_VADJUSTMENT,
  PROP_HSCROLL_POLICY,
  PROP_VSCROLL_POLICY,
};

static GParamSpec *properties[N_PROPS];

static guint
n_tokens (AttentionView *self)
{
  return self->result != NULL ? attention_result_get_n_tokens (self->result) : 0;
}

/* Linked views lay out for the longer of the two sentences. */
static guint
n_layout (AttentionView *self)
{
  guint n = n_tokens (self);

  if (self->partner != NULL && n > 0)
    n = MAX (n, n_tokens (self->partner));
  return n;
}

static double
font_for_cell (double cell)
{
  return CLAMP (floor (cell * 0.6), MIN_FONT, MAX_FONT);
}

/* Widest label at font_size, measured the way the renderer draws text. */
static double
widest_label (AttentionView *self, double font_size)
{
  cairo_surface_t *surface;
  cairo_t *cr;
  guint n = n_tokens (self);
  double widest = 0;

  if (self->label_width_font == font_size)
    return self->label_width;

  surface = cairo_image_surface_create (CAIRO_FORMAT_A8, 1, 1);
  cr = cairo_create (surface);
  cairo_select_font_face (cr, FONT_FAMILY, CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size (cr, font_size);
  for (guint i = 0; i < n; i++)
    {
      cairo_text_extents_t extents;

      cairo_text_extents (cr, attention_result_get_token (self->result, i), &extents);
      widest = MAX (widest, extents.x_advance);
    }
  cairo_destroy (cr);
  cairo_surface_destroy (surface);

  self->label_width_font = font_size;
  self->label_width = widest;
  return widest;
}

static double
margin_for_font (AttentionView *self, double font_size)
{
  double widest = widest_label (self, font_size);

  /* Linked views share the margin, so their grids start at the same place. */
  if (self->partner != NULL && self->partner->result != NULL)
    widest = MAX (widest, widest_label (self->partner, font_size));
  return ceil (widest + font_size * 0.75);
}

/* The cell size that fits width × height; margins depend on the font, which
 * depends on the cell, so settle it in two passes. */
static double
fit_cell (AttentionView *self, double width, double height)
{
  guint n = n_layout (self);
  double cell = MAX_CELL;

  for (int pass = 0; pass < 2; pass++)
    {
      double margin = margin_for_font (self, font_for_cell (cell));
      double room = MIN (width, height) - margin - 2 * PADDING;

      cell = CLAMP (floor (room / n), MIN_CELL, MAX_CELL);
    }
  return cell;
}

static double
adjustment_value (GtkAdjustment *adjustment)
{
  return adjustment != NULL ? gtk_adjustment_get_value (adjustment) : 0;
}

static void
compute_layout (AttentionView *self, double width, double height, Layout *layout)
{
  double size, grid;

  layout->n = n_layout (self);
  if (n_tokens (self) == 0 || layout->n == 0)
    {
      *layout = (Layout){ 0 };
      return;
    }
  layout->cell = self->zoom_cell > 0 ? self->zoom_cell
                                     : fit_cell (self, width - LEGEND_GAP - LEGEND_WIDTH, height);
  /* Linked views fit the smaller of the two, so both show the same cells. */
  if (self->zoom_cell == 0 && self->partner != NULL &&
      gtk_widget_get_width (GTK_WIDGET (self->partner)) > 0)
    layout->cell =
        MIN (layout->cell, fit_cell (self,
                                     gtk_widget_get_width (GTK_WIDGET (self->partner)) -
                                         LEGEND_GAP - LEGEND_WIDTH,
                                     gtk_widget_get_height (GTK_WIDGET (self->partner))));
  layout->font_size = font_for_cell (layout->cell);
  layout->margin = margin_for_font (self, layout->font_size);
  grid = layout->n * layout->cell;
  size = layout->margin + grid;
  layout->content_w = size + 2 * PADDING + LEGEND_GAP + LEGEND_WIDTH;
  layout->content_h = size + 2 * PADDING;
  /* Centred when there is room, scrolled when not; whole pixels so cell
   * edges stay sharp. */
  if (layout->content_w <= width)
    layout->dx = floor ((width - layout->content_w) / 2) + PADDING;
  else
    layout->dx = PADDING - round (adjustment_value (self->hadjustment));
  if (layout->content_h <= height)
    layout->dy = floor ((height - layout->content_h) / 2) + PADDING;
  else
    layout->dy = PADDING - round (adjustment_value (self->vadjustment));
  layout->bx = MAX (layout->dx, 0);
  layout->by = MAX (layout->dy, 0);

  layout->lx = MIN (layout->dx + size + LEGEND_GAP, width - LEGEND_WIDTH);
  layout->ly = layout->by + layout->margin;
  layout->lh = CLAMP (grid, LEGEND_MIN_HEIGHT, LEGEND_MAX_HEIGHT);
  layout->lh = MIN (layout->lh, height - layout->ly - PADDING);
}

static void
current_layout (AttentionView *self, Layout *layout)
{
  compute_layout (self, gtk_widget_get_width (GTK_WIDGET (self)),
                  gtk_widget_get_height (GTK_WIDGET (self)), layout);
}

static const float *
view_matrix (AttentionView *self)
{
  if (self->result == NULL)
    return NULL;
  if (self->matrix_override != NULL)
    return self->matrix_override;
  return attention_result_get_matrix (self->result, self->layer, self->head);
}

static const float *
current_matrix (AttentionView *self)
{
  return view_matrix (self);
}

/* The top of the colour scale: the largest weight shown, of both linked
 * views, so that equal colours mean equal weights side by side. */
static float
shown_vmax (AttentionView *self)
{
  const float *matrix = view_matrix (self);
  guint n = n_tokens (self);
  float vmax = matrix != NULL ? attention_colormap_max (matrix, (gsize)n * n) : 1;

  if (self->partner != NULL && view_matrix (self->partner) != NULL)
    {
      guint m = n_tokens (self->partner);

      vmax = MAX (vmax, attention_colormap_max (view_matrix (self->partner), (gsize)m * m));
    }
  return vmax > 0 ? vmax : 1;
}

static HitKind
hit_test (AttentionView *self, double x, double y, guint *row, guint *col)
{
  Layout l;
  double grid_x, grid_y;
  guint n = n_tokens (self);
  double grid;
  gboolean in_rows, in_cols;

  current_layout (self, &l);
  if (n == 0)
    return HIT_NONE;
  grid_x = x - l.dx - l.margin;
  grid_y = y - l.dy - l.margin;
  grid = n * l.cell;
  /* The label bands cover the cells scrolled under them. */
  in_cols = x >= l.bx + l.margin && grid_x >= 0 && grid_x < grid;
  in_rows = y >= l.by + l.margin && grid_y >= 0 && grid_y < grid;

  if (in_cols && in_rows)
    {
      *row = (guint)(grid_y / l.cell);
      *col = (guint)(grid_x / l.cell);
      return HIT_CELL;
    }
  if (in_rows && x >= l.bx && x < l.bx + l.margin)
    {
      *row = *col = (guint)(grid_y / l.cell);
      return HIT_ROW_LABEL;
    }
  if (in_cols && y >= l.by && y < l.by + l.margin)
    {
      *row = *col = (guint)(grid_x / l.cell);
      return HIT_COLUMN_LABEL;
    }
  return HIT_NONE;
}

static char *
describe_hit (AttentionView *self, HitKind hit, guint row, guint col)
{
  const float *matrix = current_matrix (self);
  guint n = n_tokens (self);

  switch (hit)
    {
      case HIT_CELL:
        /* Translators: query token → key token: attention weight. */
        return g_strdup_printf (_ ("%s → %s: %.4f"), attention_result_get_token (self->result, row),
                                attention_result_get_token (self->result, col),
                                matrix[(gsize)row * n + col]);
      case HIT_ROW_LABEL:
      case HIT_COLUMN_LABEL:
        return g_strdup_printf (_ ("“%s” (token %u): row and column highlighted"),
                                attention_result_get_token (self->result, row), row + 1);
      case HIT_NONE:
      default:
        return g_strdup ("");
    }
}

static void
set_hit (AttentionView *self, HitKind hit, guint row, guint col)
{
  g_autofree char *text = NULL;

  if (hit == self->hit && row == self->hit_row && col == self->hit_col)
    return;
  self->hit = hit;
  self->hit_row = row;
  self->hit_col = col;
  text = describe_hit (self, hit, row, col);
  g_free (self->hover_text);
  self->hover_text = g_steal_pointer (&text);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HOVER_TEXT]);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* The hovered cell's weight changes with layer/head: refresh the read-out. */
static void
refresh_hover (AttentionView *self)
{
  HitKind hit = self->hit;

  self->hit = HIT_NONE;
  if (self->result != NULL && self->hit_row < n_tokens (self) && self->hit_col < n_tokens (self))
    set_hit (self, hit, self->hit_row, self->hit_col);
  else
    set_hit (self, HIT_NONE, 0, 0);
}

static void
update_accessible (AttentionView *self)
{
  const float *matrix = current_matrix (self);
  g_autofree char *description = NULL;
  guint n = n_tokens (self);

  if (matrix == NULL || n == 0)
    {
      description = g_strdup (_ ("No sentence has been run yet."));
    }
  else
    {
      gsize best = 0;

      for (gsize k = 1; k < (gsize)n * n; k++)
        if (matrix[k] > matrix[best])
          best = k;
      description = g_strdup_printf (
          _ ("Layer %u, head %u, %u tokens. Lighter cells mean more attention. Strongest: "
             "%s → %s (%.2f)."),
          self->layer + 1, self->head + 1, n, attention_result_get_token (self->result, best / n),
          attention_result_get_token (self->result, best % n), matrix[best]);
    }
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  description, -1);
}

/* A vertical colour bar, 1 (or the top weight) at the top, with three ticks. */
static void
draw_legend (AttentionView *self, cairo_t *cr, const Layout *l, const GdkRGBA *fg, float vmax)
{
  double ticks[3];
  int steps;

  if (l->lh < LEGEND_MIN_HEIGHT / 2)
    return;
  switch (self->scale)
    {
      case ATTENTION_SCALE_LOG:
        ticks[0] = 0.01, ticks[1] = 0.1, ticks[2] = 1;
        break;
      case ATTENTION_SCALE_CONTRAST:
        ticks[0] = 0, ticks[1] = vmax / 2, ticks[2] = vmax;
        break;
      case ATTENTION_SCALE_LINEAR:
      case ATTENTION_N_SCALES:
      default:
        ticks[0] = 0, ticks[1] = 0.5, ticks[2] = 1;
        break;
    }

  cairo_save (cr);
  cairo_translate (cr, l->lx, l->ly);
  steps = (int)l->lh;
  for (int i = 0; i < steps; i++)
    {
      guint8 rgb[3];

      attention_colormap_rgb (self->colormap, 1.0 - (i + 0.5) / steps, rgb);
      cairo_set_source_rgb (cr, rgb[0] / 255.0, rgb[1] / 255.0, rgb[2] / 255.0);
      cairo_rectangle (cr, 0, i, LEGEND_BAR, 1);
      cairo_fill (cr);
    }
  cairo_set_source_rgba (cr, fg->red, fg->green, fg->blue, 0.5);
  cairo_set_line_width (cr, 1);
  cairo_rectangle (cr, 0.5, 0.5, LEGEND_BAR - 1, steps - 1);
  cairo_stroke (cr);

  cairo_set_source_rgba (cr, fg->red, fg->green, fg->blue, fg->alpha);
  cairo_select_font_face (cr, FONT_FAMILY, CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size (cr, LEGEND_FONT);
  for (int t = 0; t < 3; t++)
    {
      double y = (1.0 - attention_colormap_scale (self->scale, (float)ticks[t], vmax)) * steps;
      char text[32];

      g_snprintf (text, sizeof text, "%.3g", ticks[t]);
      y = CLAMP (y, 0.5, steps - 0.5);
      cairo_move_to (cr, LEGEND_BAR, y);
      cairo_line_to (cr, LEGEND_BAR + 4, y);
      cairo_stroke (cr);
      cairo_move_to (cr, LEGEND_BAR + 6, CLAMP (y + LEGEND_FONT * 0.35, LEGEND_FONT * 0.8, steps));
      cairo_show_text (cr, text);
    }
  cairo_restore (cr);
}

static void
render_clipped (cairo_t *cr,
                const AttentionRenderStyle *style,
                const float *matrix,
                guint n,
                const char *const *labels,
                double x,
                double y,
                double clip_x,
                double clip_y,
                double clip_w,
                double clip_h)
{
  if (clip_w <= 0 || clip_h <= 0)
    return;
  cairo_save (cr);
  cairo_rectangle (cr, clip_x, clip_y, clip_w, clip_h);
  cairo_clip (cr);
  cairo_translate (cr, x, y);
  attention_render_matrix (cr, style, matrix, n, labels);
  cairo_restore (cr);
}

static void
attention_view_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  AttentionView *self = ATTENTION_VIEW (widget);
  const float *matrix = current_matrix (self);
  const char *const *labels;
  AttentionRenderStyle style = { 0 };
  GdkRGBA fg;
  Layout l;
  cairo_t *cr;
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  guint n = n_tokens (self);

  current_layout (self, &l);
  self->last_cell = l.cell;
  if (matrix == NULL || n == 0)
    return;

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
  G_GNUC_END_IGNORE_DEPRECATIONS

  style.cell = l.cell;
  style.margin = l.margin;
  style.font_size = l.font_size;
  style.font_family = FONT_FAMILY;
  /* Labels follow the theme (light or dark); the cells stay grayscale. */
  style.fg[0] = fg.red;
  style.fg[1] = fg.green;
  style.fg[2] = fg.blue;
  style.draw_background = FALSE;
  style.highlight_row = self->hit != HIT_NONE ? (int)self->hit_row : -1;
  style.highlight_col = self->hit != HIT_NONE ? (int)self->hit_col : -1;
  /* A pinned token keeps its row (what it attends to) and column (what
   * attends to it) outlined whatever the pointer does. */
  if (self->pinned >= 0 && (guint)self->pinned < n)
    style.highlight_row = style.highlight_col = self->pinned;
  style.colormap = self->colormap;
  style.scale = self->scale;
  style.vmax = shown_vmax (self);
  labels = attention_result_get_tokens (self->result);

  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  /* Three passes of the same drawing, each clipped to its part: the cells
   * (scrolled both ways), the row labels (scrolled up and down only) and the
   * column labels (left and right only). The renderer draws only what meets
   * the clip, so this costs little more than one pass. */
  render_clipped (cr, &style, matrix, n, labels, l.dx, l.dy, l.bx + l.margin, l.by + l.margin,
                  width - l.bx - l.margin, height - l.by - l.margin);
  render_clipped (cr, &style, matrix, n, labels, l.bx, l.dy, l.bx, l.by + l.margin, l.margin,
                  height - l.by - l.margin);
  render_clipped (cr, &style, matrix, n, labels, l.dx, l.by, l.bx + l.margin, l.by,
                  width - l.bx - l.margin, l.margin);
  draw_legend (self, cr, &l, &fg, style.vmax);
  cairo_destroy (cr);
  self->drew_matrix = TRUE;
}

static void
configure_adjustment (GtkAdjustment *adjustment, double page, double content, double anchor)
{
  double upper = MAX (page, content);
  double value;

  if (adjustment == NULL)
    return;
  value = anchor >= 0 ? anchor * upper - page / 2 : gtk_adjustment_get_value (adjustment);
  value = CLAMP (value, 0, upper - page);
  gtk_adjustment_configure (adjustment, value, 0, upper, MAX (page * 0.1, 1), page * 0.9, page);
}

static void
attention_view_size_allocate (GtkWidget *widget, int width, int height, int baseline)
{
  AttentionView *self = ATTENTION_VIEW (widget);
  Layout l;

  compute_layout (self, width, height, &l);
  configure_adjustment (self->hadjustment, width, l.content_w,
                        self->zoom_anchor ? self->anchor_x : -1);
  configure_adjustment (self->vadjustment, height, l.content_h,
                        self->zoom_anchor ? self->anchor_y : -1);
  self->zoom_anchor = FALSE;
}

static void
attention_view_measure (GtkWidget *widget,
                        GtkOrientation orientation,
                        int for_size,
                        int *minimum,
                        int *natural,
                        int *minimum_baseline,
                        int *natural_baseline)
{
  AttentionView *self = ATTENTION_VIEW (widget);

  /* Any size will do: Fit shrinks the cells and zoom scrolls. Content never
   * asks for more room, so it never grows the window (issue 13). */
  *minimum = 0;
  *natural = n_tokens (self) > 0 ? 320 : 0;
}

static void
adjustment_value_cb (GtkAdjustment *adjustment, AttentionView *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
set_adjustment (AttentionView *self, GtkAdjustment **field, GtkAdjustment *adjustment)
{
  if (adjustment != NULL && *field == adjustment)
    return;
  if (*field != NULL)
    {
      g_signal_handlers_disconnect_by_func (*field, adjustment_value_cb, self);
      g_object_unref (*field);
    }
  if (adjustment == NULL)
    adjustment = gtk_adjustment_new (0, 0, 0, 0, 0, 0);
  *field = g_object_ref_sink (adjustment);
  g_signal_connect (adjustment, "value-changed", G_CALLBACK (adjustment_value_cb), self);
  gtk_widget_queue_allocate (GTK_WIDGET (self));
}

static void
motion_cb (GtkEventControllerMotion *controller, double x, double y, AttentionView *self)
{
  attention_view_hover_at (self, x, y);
}

static void
leave_cb (GtkEventControllerMotion *controller, AttentionView *self)
{
  set_hit (self, HIT_NONE, 0, 0);
}

static gboolean
query_tooltip_cb (GtkWidget *widget,
                  int x,
                  int y,
                  gboolean keyboard_mode,
                  GtkTooltip *tooltip,
                  AttentionView *self)
{
  g_autofree char *text = NULL;
  guint row = 0, col = 0;
  HitKind hit = hit_test (self, x, y, &row, &col);

  if (hit != HIT_CELL)
    return FALSE;
  text = describe_hit (self, hit, row, col);
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

static gboolean
key_pressed_cb (GtkEventControllerKey *controller,
                guint keyval,
                guint keycode,
                GdkModifierType state,
                AttentionView *self)
{
  guint n_layers, n_heads;

  /* T pins the next token, Shift+T the previous one, Escape unpins. */
  if (self->result != NULL && (state & (GDK_CONTROL_MASK | GDK_ALT_MASK | GDK_SUPER_MASK)) == 0)
    {
      int n = (int)n_tokens (self);

      if (keyval == GDK_KEY_t)
        {
          attention_view_set_pinned (self, self->pinned + 1 < n ? self->pinned + 1 : -1);
          return TRUE;
        }
      if (keyval == GDK_KEY_T)
        {
          attention_view_set_pinned (self, self->pinned < 0 ? n - 1 : self->pinned - 1);
          return TRUE;
        }
      if (keyval == GDK_KEY_Escape && self->pinned >= 0)
        {
          attention_view_set_pinned (self, -1);
          return TRUE;
        }
    }

  if (self->result == NULL ||
      (state & (GDK_CONTROL_MASK | GDK_ALT_MASK | GDK_SHIFT_MASK | GDK_SUPER_MASK)) != 0)
    return FALSE;
  n_layers = attention_result_get_n_layers (self->result);
  n_heads = attention_result_get_n_heads (self->result);

  switch (keyval)
    {
      case GDK_KEY_Left:
      case GDK_KEY_KP_Left:
        attention_view_set_head (self, self->head > 0 ? self->head - 1 : 0);
        return TRUE;
      case GDK_KEY_Right:
      case GDK_KEY_KP_Right:
        attention_view_set_head (self, self->head + 1);
        return TRUE;
      case GDK_KEY_Up:
      case GDK_KEY_KP_Up:
      case GDK_KEY_Page_Up:
      case GDK_KEY_KP_Page_Up:
        attention_view_set_layer (self, self->layer > 0 ? self->layer - 1 : 0);
        return TRUE;
      case GDK_KEY_Down:
      case GDK_KEY_KP_Down:
      case GDK_KEY_Page_Down:
      case GDK_KEY_KP_Page_Down:
        attention_view_set_layer (self, self->layer + 1);
        return TRUE;
      case GDK_KEY_Home:
      case GDK_KEY_KP_Home:
        attention_view_set_layer (self, 0);
        attention_view_set_head (self, 0);
        return TRUE;
      case GDK_KEY_End:
      case GDK_KEY_KP_End:
        attention_view_set_layer (self, n_layers - 1);
        attention_view_set_head (self, n_heads - 1);
        return TRUE;
      default:
        return FALSE;
    }
}

/* Ctrl + wheel zooms; the plain wheel scrolls the surrounding window. */
static gboolean
scroll_cb (GtkEventControllerScroll *controller, double dx, double dy, AttentionView *self)
{
  GdkModifierType state =
      gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (controller));

  if ((state & GDK_CONTROL_MASK) == 0 || dy == 0)
    return FALSE;
  if (dy < 0)
    attention_view_zoom_in (self);
  else
    attention_view_zoom_out (self);
  return TRUE;
}

static void
click_cb (GtkGestureClick *gesture, int n_press, double x, double y, AttentionView *self)
{
  guint row = 0, col = 0;
  HitKind hit;

  gtk_widget_grab_focus (GTK_WIDGET (self));
  hit = hit_test (self, x, y, &row, &col);
  /* A click on a token's label pins it; a second click unpins. */
  if (hit == HIT_ROW_LABEL || hit == HIT_COLUMN_LABEL)
    attention_view_set_pinned (self, self->pinned == (int)row ? -1 : (int)row);
}

static void
attention_view_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  AttentionView *self = ATTENTION_VIEW (object);

  switch (prop_id)
    {
      case PROP_RESULT:
        g_value_set_object (value, self->result);
        break;
      case PROP_LAYER:
        g_value_set_uint (value, self->layer);
        break;
      case PROP_HEAD:
        g_value_set_uint (value, self->head);
        break;
      case PROP_N_LAYERS:
        g_value_set_uint (value, self->result ? attention_result_get_n_layers (self->result) : 0);
        break;
      case PROP_N_HEADS:
        g_value_set_uint (value, self->result ? attention_result_get_n_heads (self->result) : 0);
        break;
      case PROP_HOVER_TEXT:
        g_value_set_string (value, self->hover_text);
        break;
      case PROP_PINNED:
        g_value_set_int (value, self->pinned);
        break;
      case PROP_HADJUSTMENT:
        g_value_set_object (value, self->hadjustment);
        break;
      case PROP_VADJUSTMENT:
        g_value_set_object (value, self->vadjustment);
        break;
      case PROP_HSCROLL_POLICY:
        g_value_set_enum (value, self->hscroll_policy);
        break;
      case PROP_VSCROLL_POLICY:
        g_value_set_enum (value, self->vscroll_policy);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
attention_view_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  AttentionView *self = ATTENTION_VIEW (object);

  switch (prop_id)
    {
      case PROP_RESULT:
        attention_view_set_result (self, g_value_get_object (value));
        break;
      case PROP_LAYER:
        attention_view_set_layer (self, g_value_get_uint (value));
        break;
      case PROP_HEAD:
        attention_view_set_head (self, g_value_get_uint (value));
        break;
      case PROP_PINNED:
        attention_view_set_pinned (self, g_value_get_int (value));
        break;
      case PROP_HADJUSTMENT:
        set_adjustment (self, &self->hadjustment, g_value_get_object (value));
        break;
      case PROP_VADJUSTMENT:
        set_adjustment (self, &self->vadjustment, g_value_get_object (value));
        break;
      case PROP_HSCROLL_POLICY:
        self->hscroll_policy = g_value_get_enum (value);
        break;
      case PROP_VSCROLL_POLICY:
        self->vscroll_policy = g_value_get_enum (value);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
attention_view_dispose (GObject *object)
{
  AttentionView *self = ATTENTION_VIEW (object);

  attention_view_set_partner (self, NULL);
  if (self->hadjustment != NULL)
    g_signal_handlers_disconnect_by_func (self->hadjustment, adjustment_value_cb, self);
  if (self->vadjustment != NULL)
    g_signal_handlers_disconnect_by_func (self->vadjustment, adjustment_value_cb, self);
  g_clear_object (&self->hadjustment);
  g_clear_object (&self->vadjustment);
  G_OBJECT_CLASS (attention_view_parent_class)->dispose (object);
}

static void
attention_view_finalize (GObject *object)
{
  AttentionView *self = ATTENTION_VIEW (object);

  g_clear_object (&self->result);
  g_free (self->hover_text);
  g_free (self->matrix_override);
  G_OBJECT_CLASS (attention_view_parent_class)->finalize (object);
}

static void
attention_view_class_init (AttentionViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = attention_view_get_property;
  object_class->set_property = attention_view_set_property;
  object_class->dispose = attention_view_dispose;
  object_class->finalize = attention_view_finalize;
  widget_class->snapshot = attention_view_snapshot;
  widget_class->measure = attention_view_measure;
  widget_class->size_allocate = attention_view_size_allocate;

  properties[PROP_RESULT] =
      g_param_spec_object ("result", NULL, NULL, ATTENTION_TYPE_RESULT,
                           G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LAYER] =
      g_param_spec_uint ("layer", NULL, NULL, 0, G_MAXUINT, 0,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_HEAD] =
      g_param_spec_uint ("head", NULL, NULL, 0, G_MAXUINT, 0,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_LAYERS] = g_param_spec_uint ("n-layers", NULL, NULL, 0, G_MAXUINT, 0,
                                                 G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_HEADS] = g_param_spec_uint ("n-heads", NULL, NULL, 0, G_MAXUINT, 0,
                                                G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_HOVER_TEXT] =
      g_param_spec_string ("hover-text", NULL, NULL, "", G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_PINNED] =
      g_param_spec_int ("pinned", NULL, NULL, -1, G_MAXINT, -1,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
  g_object_class_override_property (object_class, PROP_HADJUSTMENT, "hadjustment");
  g_object_class_override_property (object_class, PROP_VADJUSTMENT, "vadjustment");
  g_object_class_override_property (object_class, PROP_HSCROLL_POLICY, "hscroll-policy");
  g_object_class_override_property (object_class, PROP_VSCROLL_POLICY, "vscroll-policy");

  gtk_widget_class_set_css_name (widget_class, "attentionview");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
attention_view_init (AttentionView *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  GtkEventController *controller;
  GtkGesture *click;

  self->hover_text = g_strdup ("");
  self->pinned = -1;
  self->label_width_font = -1;

  gtk_widget_set_focusable (widget, TRUE);
  gtk_widget_set_has_tooltip (widget, TRUE);
  g_signal_connect (widget, "query-tooltip", G_CALLBACK (query_tooltip_cb), self);

  controller = gtk_event_controller_motion_new ();
  g_signal_connect (controller, "motion", G_CALLBACK (motion_cb), self);
  g_signal_connect (controller, "leave", G_CALLBACK (leave_cb), self);
  gtk_widget_add_controller (widget, controller);

  controller = gtk_event_controller_key_new ();
  g_signal_connect (controller, "key-pressed", G_CALLBACK (key_pressed_cb), self);
  gtk_widget_add_controller (widget, controller);

  controller = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_VERTICAL);
  g_signal_connect (controller, "scroll", G_CALLBACK (scroll_cb), self);
  gtk_widget_add_controller (widget, controller);

  click = gtk_gesture_click_new ();
  g_signal_connect (click, "pressed", G_CALLBACK (click_cb), self);
  gtk_widget_add_controller (widget, GTK_EVENT_CONTROLLER (click));

  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _ ("Attention matrix"), -1);
  update_accessible (self);
}

GtkWidget *
attention_view_new (void)
{
  return g_object_new (ATTENTION_TYPE_VIEW, NULL);
}

void
attention_view_set_result (AttentionView *self, AttentionResult *result)
{
  g_return_if_fail (ATTENTION_IS_VIEW (self));
  g_return_if_fail (result == NULL || ATTENTION_IS_RESULT (result));

  if (!g_set_object (&self->result, result))
    return;

  /* An override and a pin belong to the old tokens. */
  g_clear_pointer (&self->matrix_override, g_free);
  attention_view_set_pinned (self, -1);
  self->label_width_font = -1;
  g_object_freeze_notify (G_OBJECT (self));
  if (result != NULL)
    {
      /* Keep layer and head when the new result has them. */
      attention_view_set_layer (self, self->layer);
      attention_view_set_head (self, self->head);
    }
  set_hit (self, HIT_NONE, 0, 0);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RESULT]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_LAYERS]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_HEADS]);
  g_object_thaw_notify (G_OBJECT (self));
  update_accessible (self);
  gtk_widget_queue_resize (GTK_WIDGET (self));
  /* A longer sentence here changes the partner's shared layout. */
  if (self->partner != NULL)
    gtk_widget_queue_resize (GTK_WIDGET (self->partner));
}

gboolean
attention_view_get_drew_matrix (AttentionView *self)
{
  g_return_val_if_fail (ATTENTION_IS_VIEW (self), FALSE);

  return self->drew_matrix;
}

AttentionResult *
attention_view_get_result (AttentionView *self)
{
  g_return_val_if_fail (ATTENTION_IS_VIEW (self), NULL);

  return self->result;
}

static void
set_index (AttentionView *self, guint *field, guint value, guint count, GParamSpec *pspec)
{
  if (count > 0)
    value = MIN (value, count - 1);
  if (*field == value)
    return;
  *field = value;
  g_object_notify_by_pspec (G_OBJECT (self), pspec);
  refresh_hover (self);
  update_accessible (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  if (self->partner != NULL)
    gtk_widget_queue_draw (GTK_WIDGET (self->partner));
}

void
attention_view_set_layer (AttentionView *self, guint layer)
{
  g_return_if_fail (ATTENTION_IS_VIEW (self));

  set_index (self, &self->layer, layer,
             self->result ? attention_result_get_n_layers (self->result) : 0,
             properties[PROP_LAYER]);
}

guint
attention_view_get_layer (AttentionView *self)
{
  g_return_val_if_fail (ATTENTION_IS_VIEW (self), 0);

  return self->layer;
}

void
attention_view_set_head (AttentionView *self, guint head)
{
  g_return_if_fail (ATTENTION_IS_VIEW (self));

  set_index (self, &self->head, head,
             self->result ? attention_result_get_n_heads (self->result) : 0, properties[PROP_HEAD]);
}

guint
attention_view_get_head (AttentionView *self)
{
  g_return_val_if_fail (ATTENTION_IS_VIEW (self), 0);

  return self->head;
}

static void
set_zoom_cell_one (AttentionView *self, double cell)
{
  Layout l;
  double width = gtk_widget_get_width (GTK_WIDGET (self));
  double height = gtk_widget_get_height (GTK_WIDGET (self));

  if (self->zoom_cell == cell)
    return;
  /* Keep the content point at the centre of the view where it is. */
  current_layout (self, &l);
  if (l.content_w > 0 && l.content_h > 0)
    {
      self->zoom_anchor = TRUE;
      self->anchor_x =
          (adjustment_value (self->hadjustment) + width / 2) / MAX (l.content_w, width);
      self->anchor_y =
          (adjustment_value (self->vadjustment) + height / 2) / MAX (l.content_h, height);
    }
  self->zoom_cell = cell;
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

/* Linked views zoom together, so they stay lined up. */
static void
set_zoom_cell (AttentionView *self, double cell)
{
  set_zoom_cell_one (self, cell);
  if (self->partner != NULL)
    set_zoom_cell_one (self->partner, cell);
}

static double
shown_cell (AttentionView *self)
{
  Layout l;

  if (self->zoom_cell > 0)
    return self->zoom_cell;
  current_layout (self, &l);
  return l.cell > 0 ? l.cell : MIN_ZOOM_CELL;
}

void
attention_view_zoom_in (AttentionView *self)
{
  g_return_if_fail (ATTENTION_IS_VIEW (self));

  set_zoom_cell (self, MIN (MAX_ZOOM_CELL, ceil (shown_cell (self) * ZOOM_STEP)));
}

void
attention_view_zoom_out (AttentionView *self)
{
  g_return_if_fail (ATTENTION_IS_VIEW (self));

  set_zoom_cell (self, MAX (MIN_ZOOM_CELL, floor (shown_cell (self) / ZOOM_STEP)));
}

void
attention_view_zoom_reset (AttentionView *self)
{
  g_return_if_fail (ATTENTION_IS_VIEW (self));

  set_zoom_cell (self, 0);
}

double
attention_view_get_cell_size (AttentionView *self)
{
  g_return_val_if_fail (ATTENTION_IS_VIEW (self), 0);

  return self->last_cell;
}

gboolean
attention_view_get_cell_center (AttentionView *self, guint row, guint col, double *x, double *y)
{
  Layout l;

  g_return_val_if_fail (ATTENTION_IS_VIEW (self), FALSE);

  current_layout (self, &l);
  if (l.n == 0 || row >= n_tokens (self) || col >= n_tokens (self))
    return FALSE;
  *x = l.dx + l.margin + (col + 0.5) * l.cell;
  *y = l.dy + l.margin + (row + 0.5) * l.cell;
  return TRUE;
}

gboolean
attention_view_get_matrix_bounds (AttentionView *self, graphene_rect_t *bounds)
{
  Layout l;
  guint n;

  g_return_val_if_fail (ATTENTION_IS_VIEW (self), FALSE);

  current_layout (self, &l);
  n = n_tokens (self);
  if (n == 0)
    return FALSE;
  graphene_rect_init (bounds, l.dx + l.margin, l.dy + l.margin, n * l.cell, n * l.cell);
  return TRUE;
}

static void
partner_gone (gpointer data, GObject *where_the_object_was)
{
  AttentionView *self = data;

  self->partner = NULL;
  self->label_width_font = -1;
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

void
attention_view_set_partner (AttentionView *self, AttentionView *partner)
{
  g_return_if_fail (ATTENTION_IS_VIEW (self));
  g_return_if_fail (partner == NULL || ATTENTION_IS_VIEW (partner));

  if (self->partner == partner)
    return;
  if (self->partner != NULL)
    {
      AttentionView *old = self->partner;

      g_object_weak_unref (G_OBJECT (old), partner_gone, self);
      self->partner = NULL;
      attention_view_set_partner (old, NULL);
    }
  self->partner = partner;
  if (partner != NULL)
    {
      g_object_weak_ref (G_OBJECT (partner), partner_gone, self);
      partner->zoom_cell = self->zoom_cell;
      attention_view_set_partner (partner, self);
    }
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

const char *
attention_view_get_hover_text (AttentionView *self)
{
  g_return_val_if_fail (ATTENTION_IS_VIEW (self), NULL);

  return self->hover_text;
}

gboolean
attention_view_hover_at (AttentionView *self, double x, double y)
{
  guint row = 0, col = 0;
  HitKind hit = HIT_NONE;

  g_return_val_if_fail (ATTENTION_IS_VIEW (self), FALSE);

  if (x >= 0 && y >= 0)
    hit = hit_test (self, x, y, &row, &col);
  set_hit (self, hit, row, col);
  return hit != HIT_NONE;
}

void
attention_view_set_matrix_override (AttentionView *self, const float *matrix)
{
  guint n;

  g_return_if_fail (ATTENTION_IS_VIEW (self));

  n = n_tokens (self);
  g_clear_pointer (&self->matrix_override, g_free);
  if (matrix != NULL && n > 0)
    self->matrix_override = g_memdup2 (matrix, (gsize)n * n * sizeof (float));
  refresh_hover (self);
  update_accessible (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  if (self->partner != NULL)
    gtk_widget_queue_draw (GTK_WIDGET (self->partner));
}

void
attention_view_set_colormap (AttentionView *self, AttentionColormap colormap, AttentionScale scale)
{
  g_return_if_fail (ATTENTION_IS_VIEW (self));

  self->colormap = colormap;
  self->scale = scale;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  if (self->partner != NULL)
    gtk_widget_queue_draw (GTK_WIDGET (self->partner));
}

void
attention_view_set_pinned (AttentionView *self, int token)
{
  g_return_if_fail (ATTENTION_IS_VIEW (self));

  if (token < 0 || (guint)token >= n_tokens (self))
    token = -1;
  if (self->pinned == token)
    return;
  self->pinned = token;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PINNED]);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

int
attention_view_get_pinned (AttentionView *self)
{
  g_return_val_if_fail (ATTENTION_IS_VIEW (self), -1);

  return self->pinned;
}
