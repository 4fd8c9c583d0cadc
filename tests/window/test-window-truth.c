/* test-window-truth.c: the window tells the truth about what it shows. A
 * model trained on shorter texts than the sentence: the banner with both
 * numbers, and the tokens past the limit hatched in the matrix and the
 * lines, checked on the pixels drawn. The model is the test model with
 * "trained_length" set (fixtures/set_bundle_config.py, run here), kept in
 * the app's own model folder. Needs $ATTENTION_TEST_MODEL and
 * $ATTENTION_PYTHON. The prediction chips and the matrix's guesses at every
 * position skip special tokens, on folders made by
 * fixtures/boost_tokens.py (BERT's, and an ALBERT's from
 * fixtures/make_family_folders.py). Usage: test-window-truth
 * SET_BUNDLE_CONFIG BOOST_TOKENS FAMILY_FOLDERS. */

#include <glib/gstdio.h>
#include <gtk/gtk.h>
#include <string.h>

#include "attention-application.h"
#include "attention-compare-page.h"
#include "attention-limit-banner.h"
#include "attention-lines-canvas.h"
#include "attention-lines-page.h"
#include "attention-overview-page.h"
#include "attention-overview.h"
#include "attention-single-page.h"
#include "attention-window-private.h"
#include "test-private-home.h"
#include "test-window-common.h"

#define LIMIT 8
/* 8 tokens with [CLS] and [SEP]: within the limit. */
#define SHORT_SENTENCE "the cat sat on the [MASK]"
/* Past the limit by a few tokens. */
#define LONG_SENTENCE "the cat sat on the [MASK] and the dog lay by the door"

static AttentionApplication *app;
static AttentionWindow *window;
static const char *set_config_script;
static const char *boost_script;
static const char *family_folders;
static char *limited_path; /* the test model with trained_length, in the app's own folder */

static gboolean
idle (void)
{
  return !attention_window_get_busy (window) && !attention_selection_get_busy (window->selection) &&
         !attention_compare_page_get_busy (ATTENTION_COMPARE_PAGE (
             adw_view_stack_get_child_by_name (window->view_stack, "compare")));
}

static gboolean
view_allocated (void)
{
  AttentionView *view = test_window_view (window);

  return gtk_widget_get_mapped (GTK_WIDGET (view)) && attention_view_get_cell_size (view) > 0;
}

static AttentionLimitBanner *
banner (void)
{
  return window->limit_banner;
}

static AttentionLinesCanvas *
lines_canvas (void)
{
  return template_child (adw_view_stack_get_child_by_name (window->view_stack, "lines"),
                         ATTENTION_TYPE_LINES_PAGE, "canvas");
}

static gboolean
lines_allocated (void)
{
  GtkWidget *widget = GTK_WIDGET (lines_canvas ());

  return gtk_widget_get_mapped (widget) && gtk_widget_get_height (widget) > 0;
}

static void
run_sentence (const char *text)
{
  wait_for (idle);
  gtk_editable_set_text (GTK_EDITABLE (window->entry), text);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.run", NULL));
  wait_for (idle);
  g_assert_nonnull (test_window_result (window));
  g_assert_cmpstr (attention_result_get_text (test_window_result (window)), ==, text);
}

/* One widget as drawn, its pixels as RGBA rows of width × 4 bytes. */
typedef struct
{
  guchar *pixels;
  int width, height;
} Picture;

static void
picture_of (GtkWidget *widget, Picture *picture)
{
  g_autoptr (GdkTexture) texture = NULL;
  double ox, oy;
  graphene_rect_t bounds;
  guchar *all;
  int w, h;

  texture = attention_test_render_window (GTK_WINDOW (window), window->stack,
                                          g_getenv ("ATTENTION_SCREENSHOT_TRUTH"));
  w = gdk_texture_get_width (texture);
  h = gdk_texture_get_height (texture);
  all = g_malloc ((gsize)w * h * 4);
  gdk_texture_download (texture, all, (gsize)w * 4);
  gtk_native_get_surface_transform (GTK_NATIVE (window), &ox, &oy);
  g_assert_true (gtk_widget_compute_bounds (widget, GTK_WIDGET (window), &bounds));
  picture->width = (int)bounds.size.width;
  picture->height = (int)bounds.size.height;
  picture->pixels = g_malloc0 ((gsize)picture->width * picture->height * 4);
  for (int y = 0; y < picture->height; y++)
    {
      int sy = (int)(oy + bounds.origin.y) + y, sx = (int)(ox + bounds.origin.x);

      g_assert_true (sy >= 0 && sy < h && sx >= 0 && sx + picture->width <= w);
      memcpy (picture->pixels + (gsize)y * picture->width * 4, all + ((gsize)sy * w + sx) * 4,
              (gsize)picture->width * 4);
    }
  g_free (all);
}

/* The number of distinct colours in the rectangle [x0, x1) × [y0, y1). */
static guint
colours_in (const Picture *p, int x0, int y0, int x1, int y1)
{
  g_autoptr (GHashTable) seen = g_hash_table_new (NULL, NULL);

  if (!(x0 >= 0 && y0 >= 0 && x1 <= p->width && y1 <= p->height && x0 < x1 && y0 < y1))
    g_error ("[%d, %d) × [%d, %d) is not inside %d × %d", x0, x1, y0, y1, p->width, p->height);
  for (int y = y0; y < y1; y++)
    for (int x = x0; x < x1; x++)
      {
        const guchar *px = p->pixels + ((gsize)y * p->width + x) * 4;
        guint rgb = px[0] << 16 | px[1] << 8 | px[2];

        g_hash_table_add (seen, GUINT_TO_POINTER (rgb + 1));
      }
  return g_hash_table_size (seen);
}

/* The inside of one matrix cell (2 px in from its edges). */
static guint
cell_colours (const Picture *p, AttentionView *view, guint row, guint col)
{
  double x, y, half = attention_view_get_cell_size (view) / 2 - 2;

  g_assert_true (attention_view_get_cell_center (view, row, col, &x, &y));
  return colours_in (p, (int)(x - half), (int)(y - half), (int)(x + half), (int)(y + half));
}

static void
test_banner (void)
{
  AttentionResult *result;
  g_autofree char *expected = NULL;
  guint n;

  /* Within the limit: nothing to say. */
  run_sentence (SHORT_SENTENCE);
  result = test_window_result (window);
  g_assert_cmpuint (attention_result_get_n_tokens (result), ==, LIMIT);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (banner ())));

  /* Past it: both numbers, and what the hatching means. */
  run_sentence (LONG_SENTENCE);
  result = test_window_result (window);
  n = attention_result_get_n_tokens (result);
  g_assert_cmpuint (n, >=, LIMIT + 4);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (banner ())));
  expected = g_strdup_printf ("This model was trained on at most 8 tokens; the text has %u. Tokens "
                              "after 8 are drawn hatched, and their attention is not meaningful.",
                              n);
  g_assert_cmpstr (attention_limit_banner_get_text (banner ()), ==, expected);
  wait_for (view_allocated);
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (banner ())));
}

/* A cell is one flat colour; past the limit, stripes cross it. */
static void
test_matrix_hatched (void)
{
  AttentionView *view = test_window_view (window);
  guint n = attention_result_get_n_tokens (test_window_result (window));
  Picture p;

  wait_for (view_allocated);
  g_assert_cmpfloat (attention_view_get_cell_size (view), >=, 12);
  picture_of (GTK_WIDGET (view), &p);
  for (guint row = 0; row < n; row++)
    for (guint col = 0; col < n; col++)
      {
        guint colours = cell_colours (&p, view, row, col);

        if (row < LIMIT && col < LIMIT)
          g_assert_cmpuint (colours, ==, 1);
        else
          g_assert_cmpuint (colours, >, 1);
      }
  g_free (p.pixels);
}

/* In the lines, the labels past the limit are hatched in both columns: the
 * padding left of the query labels (right-aligned, so no text reaches it) is
 * flat for the others. */
static void
test_lines_hatched (void)
{
  AttentionLinesCanvas *canvas = lines_canvas ();
  AttentionLinesStyle style;
  guint n = attention_result_get_n_tokens (test_window_result (window));
  Picture p;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.lines", NULL));
  wait_for (lines_allocated);
  attention_test_wait_frames (GTK_WIDGET (canvas), 2, TRUE);
  attention_lines_canvas_get_style (canvas, &style);
  g_assert_cmpuint (style.hatch_from, ==, LIMIT);
  picture_of (GTK_WIDGET (canvas), &p);
  for (guint i = 0; i < n; i++)
    {
      double x, y;
      int left, top = 0, bottom = 0;
      guint colours;

      g_assert_true (
          attention_lines_canvas_get_token_center (canvas, ATTENTION_LINES_QUERY, i, &x, &y));
      left = (int)(x - style.label_width / 2);
      top = (int)(y - style.row_height / 2) + 2;
      bottom = (int)(y + style.row_height / 2) - 2;
      if (bottom > p.height)
        break;
      colours = colours_in (&p, left + 1, top, left + (int)(style.font_size * 0.4), bottom);
      if (i < LIMIT)
        g_assert_cmpuint (colours, ==, 1);
      else
        g_assert_cmpuint (colours, >, 1);
    }
  g_free (p.pixels);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.lines", NULL));
}

static const guchar *
pixel (const Picture *p, int x, int y)
{
  g_assert_true (x >= 0 && y >= 0 && x < p->width && y < p->height);
  return p->pixels + ((gsize)y * p->width + x) * 4;
}

/* Text in the corner above the row labels and left of the column labels. */
static guint
corner_colours (AttentionView *view)
{
  graphene_rect_t grid;
  Picture p;
  guint colours;
  int x, y;

  g_assert_true (attention_view_get_matrix_bounds (view, &grid));
  picture_of (GTK_WIDGET (view), &p);
  x = (int)grid.origin.x;
  y = (int)grid.origin.y;
  colours = colours_in (&p, x - 60, y - 34, x - 2, y - 2);
  g_free (p.pixels);
  return colours;
}

/* The single head and Compare say which axis is which, in the corner the
 * label bands leave. */
static void
test_axis_titles (void)
{
  AttentionView *main_view;

  wait_for (view_allocated);
  g_assert_cmpuint (corner_colours (test_window_view (window)), >, 4);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.compare", NULL));
  main_view = template_child (adw_view_stack_get_child_by_name (window->view_stack, "compare"),
                              ATTENTION_TYPE_COMPARE_PAGE, "main_view");
  while (!gtk_widget_get_mapped (GTK_WIDGET (main_view)) ||
         attention_view_get_cell_size (main_view) <= 0)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (corner_colours (main_view), >, 4);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.compare", NULL));
  wait_for (view_allocated);
}

/* A pinned token's outline is not a hovered one's. */
static void
test_pin_look (void)
{
  AttentionView *view = test_window_view (window);
  graphene_rect_t grid;
  double x, y, pin_y, hover_y;
  const guchar *pin, *hover, *cell;
  Picture p;

  attention_selection_set_pinned (window->selection, 2);
  g_assert_true (attention_view_get_cell_center (view, 6, 9, &x, &y));
  g_assert_true (attention_canvas_hover_at (ATTENTION_CANVAS (view), x, y));
  g_assert_true (attention_view_get_matrix_bounds (view, &grid));
  g_assert_true (attention_view_get_cell_center (view, 2, 0, &x, &pin_y));
  g_assert_true (attention_view_get_cell_center (view, 6, 0, &x, &hover_y));
  picture_of (GTK_WIDGET (view), &p);
  /* The left edge of each outlined row, and a cell inside the pinned one. */
  pin = pixel (&p, (int)grid.origin.x, (int)pin_y);
  hover = pixel (&p, (int)grid.origin.x, (int)hover_y);
  cell = pixel (&p, (int)x, (int)pin_y);
  g_assert_true (memcmp (pin, cell, 3) != 0);
  g_assert_true (memcmp (hover, cell, 3) != 0);
  g_assert_true (memcmp (pin, hover, 3) != 0);
  g_free (p.pixels);
  attention_canvas_hover_at (ATTENTION_CANVAS (view), -1, -1);
  attention_selection_set_pinned (window->selection, -1);
}

/* Zoomed in, the matrix scrolls sideways behind the legend's own column:
 * nothing there is a cell, to the pointer or to the eye. */
static void
test_legend_column (void)
{
  AttentionView *view = test_window_view (window);
  int width = gtk_widget_get_width (GTK_WIDGET (view));
  double x, y;
  Picture p;

  for (int i = 0; i < 8; i++)
    attention_view_zoom_in (view);
  attention_test_wait_frames (GTK_WIDGET (view), 2, TRUE);
  g_assert_cmpfloat (attention_view_get_cell_size (view) * 15, >, width);
  /* Below the column labels, in the grid's rows. */
  y = gtk_widget_get_height (GTK_WIDGET (view)) * 0.75;
  x = width / 2.0;
  g_assert_true (attention_canvas_hover_at (ATTENTION_CANVAS (view), x, y));
  /* The legend's column: its bar (the last 52 px) and the 12 px gap before. */
  g_assert_false (attention_canvas_hover_at (ATTENTION_CANVAS (view), width - 58, y));
  g_assert_false (attention_canvas_hover_at (ATTENTION_CANVAS (view), width - 30, y));
  picture_of (GTK_WIDGET (view), &p);
  g_assert_cmpuint (colours_in (&p, width - 63, (int)y - 20, width - 53, (int)y + 20), ==, 1);
  g_free (p.pixels);
  attention_canvas_hover_at (ATTENTION_CANVAS (view), -1, -1);
  attention_view_zoom_reset (view);
  attention_test_wait_frames (GTK_WIDGET (view), 2, TRUE);
}

/* The hover read-out has a row of its own under the matrix: it covers no
 * row label, however far down the pointer is. */
static void
test_hover_readout (void)
{
  AttentionView *view = test_window_view (window);
  GtkWidget *label =
      template_child (window->single_page, ATTENTION_TYPE_SINGLE_PAGE, "hover_label");
  guint n = attention_result_get_n_tokens (test_window_result (window));
  graphene_rect_t view_bounds, label_bounds;
  double x, y;

  wait_for (view_allocated);
  g_assert_true (attention_view_get_cell_center (view, n - 1, 0, &x, &y));
  g_assert_true (attention_canvas_hover_at (ATTENTION_CANVAS (view), x, y));
  attention_test_wait_frames (GTK_WIDGET (window), 2, TRUE);
  g_assert_true (gtk_widget_get_mapped (label));
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (label)), !=, "");
  g_assert_true (gtk_widget_compute_bounds (GTK_WIDGET (view), GTK_WIDGET (window), &view_bounds));
  g_assert_true (gtk_widget_compute_bounds (label, GTK_WIDGET (window), &label_bounds));
  g_assert_cmpfloat (label_bounds.origin.y, >=, view_bounds.origin.y + view_bounds.size.height);
  attention_canvas_hover_at (ATTENTION_CANVAS (view), -1, -1);
}

static gboolean
switcher_title_visible (void)
{
  return adw_view_switcher_title_get_title_visible (window->switcher_title);
}

static gboolean
switcher_title_hidden (void)
{
  return !switcher_title_visible ();
}

static gboolean
model_label_hidden (void)
{
  return !gtk_widget_get_visible (GTK_WIDGET (window->model_label));
}

static gboolean
model_label_mapped (void)
{
  return gtk_widget_get_mapped (GTK_WIDGET (window->model_label));
}

/* The model's name is in the header bar at every width: beside the switcher
 * when it is wide, as the title's subtitle when it gives way. */
static void
test_model_name (void)
{
  const char *name =
      attention_model_get_info (attention_selection_get_model (window->selection))->name;

  g_assert_cmpstr (name, ==, "Attention test model");
  wait_for (switcher_title_hidden);
  wait_for (model_label_mapped);
  g_assert_cmpstr (gtk_label_get_label (window->model_label), ==, name);

  gtk_window_set_default_size (GTK_WINDOW (window), 500, 600);
  wait_for (switcher_title_visible);
  attention_test_wait_frames (GTK_WIDGET (window), 2, FALSE);
  g_assert_cmpstr (adw_view_switcher_title_get_subtitle (window->switcher_title), ==, name);
  wait_for (model_label_hidden);

  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 780);
  wait_for (switcher_title_hidden);
  wait_for (model_label_mapped);
}

/* Opening another model says so in the window. */
static void
test_switch_model (void)
{
  const char *message;

  g_autofree char *folder =
      g_build_filename (g_getenv ("ATTENTION_TEST_MODEL_DIR"), "hf-safetensors", NULL);

  wait_for (idle);
  attention_window_load_model (window, folder, FALSE);
  wait_for (idle);
  message = attention_window_get_last_message (window);
  g_assert_nonnull (message);
  g_assert_cmpstr (message, ==, "Switched to the model “hf-safetensors”");
  g_assert_cmpstr (gtk_label_get_label (window->model_label), ==, "hf-safetensors");
}

static const char *
model_path (void)
{
  return attention_model_get_path (attention_selection_get_model (window->selection));
}

/* A bundle from outside the app's folders is asked about before anything of
 * it loads; Hugging Face folders and the app's own bundles never are. */
static void
test_trust (void)
{
  g_autofree char *folder =
      g_build_filename (g_getenv ("ATTENTION_TEST_MODEL_DIR"), "hf-safetensors", NULL);
  AttentionModel *before;

  wait_for (idle);
  before = attention_selection_get_model (window->selection);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.open-model-file", "s",
                                             g_getenv ("ATTENTION_TEST_MODEL")));
  g_assert_nonnull (window->trust_dialog);
  g_assert_cmpstr (adw_message_dialog_get_heading (window->trust_dialog), ==,
                   "Open a Bundle That Runs Code?");
  /* Nothing of it is loading while the question is open. */
  g_assert_false (attention_window_get_busy (window));
  attention_test_answer_trust (window, "cancel");
  wait_for (idle);
  g_assert_true (attention_selection_get_model (window->selection) == before);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.open-model-file", "s",
                                             g_getenv ("ATTENTION_TEST_MODEL")));
  attention_test_answer_trust (window, "open");
  wait_for (idle);
  g_assert_cmpstr (model_path (), ==, g_getenv ("ATTENTION_TEST_MODEL"));

  /* A folder is data: no question. */
  g_assert_true (
      gtk_widget_activate_action (GTK_WIDGET (window), "win.open-model-file", "s", folder));
  g_assert_null (window->trust_dialog);
  wait_for (idle);
  g_assert_cmpstr (model_path (), ==, folder);

  /* Nor a bundle in the app's own model folder. */
  g_assert_true (
      gtk_widget_activate_action (GTK_WIDGET (window), "win.open-model-file", "s", limited_path));
  g_assert_null (window->trust_dialog);
  wait_for (idle);
  g_assert_cmpstr (model_path (), ==, limited_path);
}

static gboolean
is_special (const char *token)
{
  return strcmp (token, "[CLS]") == 0 || strcmp (token, "[SEP]") == 0;
}

/* Hidden [CLS] and [SEP] leave every view and export: n − 2 rows and
 * columns, each row the head's weights over the other tokens divided by
 * their sum (computed here from the full result). */
static void
test_hide_special (void)
{
  AttentionResult *full = test_window_result (window);
  AttentionView *view = test_window_view (window);
  guint n = attention_result_get_n_tokens (full), m;
  guint layer = 1, head = 2;
  AttentionResult *shown;
  const float *a, *b;
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("attention-truth-XXXXXX", &error);
  g_autofree char *png = NULL;
  g_autoptr (GdkTexture) texture = NULL;
  guint kept[64], n_kept = 0;

  g_assert_no_error (error);
  g_object_ref (full);
  g_assert_true (n <= G_N_ELEMENTS (kept));
  for (guint i = 0; i < n; i++)
    if (!is_special (attention_result_get_token (full, i)))
      kept[n_kept++] = i;
  g_assert_cmpuint (n_kept, ==, n - 2);

  attention_selection_set_layer (window->selection, layer);
  attention_selection_set_head (window->selection, head);
  attention_selection_set_hide_special (window->selection, TRUE);
  wait_for (idle);
  wait_for (view_allocated);

  /* The single head: its result, matrix and hover read-out. */
  shown = attention_view_get_result (view);
  g_assert_true (shown != full);
  m = attention_result_get_n_tokens (shown);
  g_assert_cmpuint (m, ==, n_kept);
  for (guint i = 0; i < m; i++)
    g_assert_cmpstr (attention_result_get_token (shown, i), ==,
                     attention_result_get_token (full, kept[i]));
  a = attention_result_get_matrix (full, layer, head);
  b = attention_selection_get_matrix (window->selection);
  g_assert_nonnull (b);
  for (guint i = 0; i < m; i++)
    {
      double sum = 0;

      for (guint j = 0; j < m; j++)
        sum += a[kept[i] * n + kept[j]];
      for (guint j = 0; j < m; j++)
        g_assert_cmpfloat_with_epsilon (b[i * m + j], a[kept[i] * n + kept[j]] / sum, 1e-6);
    }
  /* The trained length counts kept tokens: 7 of the first 8 are kept. */
  g_assert_cmpuint (attention_result_get_hatch_from (shown), ==, LIMIT - 1);

  /* All Heads, Lines and Compare show the same tokens. */
  g_assert_true (attention_overview_get_result (template_child (
                     adw_view_stack_get_child_by_name (window->view_stack, "overview"),
                     ATTENTION_TYPE_OVERVIEW_PAGE, "overview")) == shown);
  g_assert_cmpuint (attention_canvas_get_n_tokens (ATTENTION_CANVAS (lines_canvas ())), ==, m);
  g_assert_true (attention_view_get_result (template_child (
                     adw_view_stack_get_child_by_name (window->view_stack, "compare"),
                     ATTENTION_TYPE_COMPARE_PAGE, "main_view")) == shown);

  /* An export of this head: the original look, 200 px of labels and 40 px
   * a token, for m tokens. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.export-to", "s", dir));
  wait_for (idle);
  png = g_build_filename (dir, "Attention_Layer2_Head3.png", NULL);
  texture = gdk_texture_new_from_filename (png, &error);
  g_assert_no_error (error);
  g_assert_cmpint (gdk_texture_get_width (texture), ==, 200 + 40 * m);
  attention_test_remove_tree (dir);

  /* Shown again: the full matrix. */
  attention_selection_set_hide_special (window->selection, FALSE);
  wait_for (idle);
  g_assert_true (attention_view_get_result (view) == full);
  g_object_unref (full);
}

/* The label of a prediction chip: its token. */
static const char *
chip_token (guint c)
{
  GtkWidget *button = attention_predictions_get_button (window->predictions, 0, c);
  GtkWidget *box = gtk_button_get_child (GTK_BUTTON (button));

  return gtk_label_get_text (GTK_LABEL (gtk_widget_get_first_child (box)));
}

/* Four specials and four words, in the order the model ranks them. */
#define N_RANKED 4

/* Writes a copy of the folder SOURCE whose masked-LM bias is raised as
 * BOOSTS ("TOKEN=LOGIT", NULL-terminated) say (fixtures/boost_tokens.py)
 * into the cache as NAME, opens it and runs the test sentence. */
static void
open_boosted (const char *source, const char *name, const char *const *boosts)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *boosted = g_build_filename (g_get_user_cache_dir (), name, NULL);
  g_autoptr (GPtrArray) args = g_ptr_array_new ();
  int wait_status = 0;

  g_ptr_array_add (args, (gpointer)g_getenv ("ATTENTION_PYTHON"));
  g_ptr_array_add (args, (gpointer)boost_script);
  g_ptr_array_add (args, (gpointer)source);
  g_ptr_array_add (args, boosted);
  for (guint i = 0; boosts[i] != NULL; i++)
    g_ptr_array_add (args, (gpointer)boosts[i]);
  g_ptr_array_add (args, NULL);
  g_assert_cmpint (g_mkdir_with_parents (g_get_user_cache_dir (), 0700), ==, 0);
  g_assert_true (g_spawn_sync (NULL, (char **)args->pdata, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL,
                               NULL, NULL, NULL, &wait_status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (wait_status, NULL));

  wait_for (idle);
  g_assert_true (
      gtk_widget_activate_action (GTK_WIDGET (window), "win.open-model-file", "s", boosted));
  wait_for (idle);
  g_assert_cmpstr (model_path (), ==, boosted);
  run_sentence ("the cat sat on the [MASK] .");
}

/* The raw top-k (--dump's "candidates") starts with the specials. */
static void
assert_raw_specials (const AttentionCandidate *raw, guint n_raw, const char *const *specials)
{
  g_assert_cmpuint (n_raw, >=, N_RANKED);
  for (guint c = 0; c < N_RANKED; c++)
    g_assert_cmpstr (raw[c].token, ==, specials[c]);
}

/* Every Position: the matrix's guesses at token T (spelled TOKEN) skip the
 * specials and start with the words, while the result's raw top-k there
 * keeps them. */
static void
assert_position_guesses (guint t,
                         const char *token,
                         const char *const *specials,
                         const char *const *words)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.all-positions", NULL));
  wait_for (idle);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.view", "s", "single"));
  wait_for (view_allocated);
  {
    AttentionView *view = test_window_view (window);
    AttentionResult *result = test_window_result (window);
    g_autofree char *want = NULL;
    const AttentionCandidate *raw;
    const char *hover, *guesses;
    guint n_raw = 0;
    double x, y;

    g_assert_cmpstr (attention_result_get_token (result, t), ==, token);
    raw = attention_result_get_position_candidates (result, t, &n_raw);
    assert_raw_specials (raw, n_raw, specials);
    attention_test_wait_frames (GTK_WIDGET (view), 2, TRUE);
    attention_view_get_cell_center (view, t, t + 1, &x, &y);
    g_assert_true (attention_canvas_hover_at (ATTENTION_CANVAS (view), x, y));
    hover = attention_canvas_get_hover_text (ATTENTION_CANVAS (view));
    want = g_strdup_printf ("Guesses at “%s” (token %u): %s ", token, t + 1, words[0]);
    g_assert_nonnull (strstr (hover, want));
    guesses = strstr (strstr (hover, "Guesses at"), ": ");
    for (guint c = 0; c < N_RANKED; c++)
      g_assert_null (strstr (strstr (hover, "Guesses at"), specials[c]));
    for (guint c = 0; c < N_RANKED; c++)
      g_assert_nonnull (strstr (guesses, words[c]));
  }
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.all-positions", NULL));
  wait_for (idle);
}

/* Opens folder with boosts (open_boosted), and checks the chips against
 * the result's raw top-k: its first N_RANKED are specials; the chips are
 * as many, none of them a special by is_special, and start with words. */
static void
assert_chips_skip (const char *folder,
                   const char *name,
                   const char *const *boosts,
                   const char *const specials[N_RANKED],
                   const char *const words[N_RANKED],
                   gboolean (*is_special) (const char *token))
{
  const AttentionCandidate *raw;
  guint n_raw = 0, n_chips;

  open_boosted (folder, name, boosts);
  raw = attention_result_get_candidates (test_window_result (window), 0, &n_raw);
  assert_raw_specials (raw, n_raw, specials);
  n_chips = attention_predictions_get_n_buttons (window->predictions);
  g_assert_cmpuint (n_chips, ==, n_raw);
  for (guint c = 0; c < n_chips; c++)
    {
      const char *token = chip_token (c);

      g_assert_false (is_special (token));
      if (c < N_RANKED)
        g_assert_cmpstr (token, ==, words[c]);
    }
}

/* WordPiece's specials all read [LIKE_THIS]. */
static gboolean
is_bracketed (const char *token)
{
  return g_str_has_prefix (token, "[") && g_str_has_suffix (token, "]");
}

static const char *const spm_specials[N_RANKED] = { "<pad>", "[CLS]", "<unk>", "[SEP]" };

/* The SentencePiece specials boosted below, and its [MASK]. */
static gboolean
is_spm_special (const char *token)
{
  for (guint s = 0; s < N_RANKED; s++)
    if (g_strcmp0 (token, spm_specials[s]) == 0)
      return TRUE;
  return g_strcmp0 (token, "[MASK]") == 0;
}

/* The chips skip [PAD], [unusedN] and the other special tokens, while the
 * result's raw top-k keeps them (--dump's "candidates"). The model is the
 * test model's folder with its masked-LM bias raised for four specials,
 * then four words (fixtures/boost_tokens.py): the raw top 4 are those
 * specials, the chips start with the words in order. */
static void
test_chips_skip_specials (void)
{
  g_autofree char *hf =
      g_build_filename (g_getenv ("ATTENTION_TEST_MODEL_DIR"), "hf-safetensors", NULL);
  const char *const boosts[] = { "[PAD]=80", "[unused3]=76", "[UNK]=72", "[CLS]=68", "cat=60",
                                 "mat=56",   "dog=52",       "car=48",   NULL };
  const char *const specials[N_RANKED] = { "[PAD]", "[unused3]", "[UNK]", "[CLS]" };
  const char *const words[N_RANKED] = { "cat", "mat", "dog", "car" };

  assert_chips_skip (hf, "boosted", boosts, specials, words, is_bracketed);

  /* A chip puts its own word in. */
  g_signal_emit_by_name (attention_predictions_get_button (window->predictions, 0, 1), "clicked");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (window->entry)), ==,
                   "the cat sat on the mat .");
  wait_for (idle);

  assert_position_guesses (2, "cat", specials, words);
}

/* The same on a SentencePiece model (ALBERT): its <pad>, <unk>, [CLS] and
 * [SEP] raised first, then four of its words (▁floor …): the chips and the
 * matrix's guesses show the words, a chip's "▁floor" goes in as " floor". */
static void
test_chips_skip_spm_specials (void)
{
  g_autofree char *albert = g_build_filename (family_folders, "albert", NULL);
  const char *const boosts[] = { "<pad>=80", "[CLS]=76", "<unk>=72", "[SEP]=68", "▁floor=60",
                                 "▁door=56", "▁the=52",  "▁and=48",  NULL };
  const char *const words[N_RANKED] = { "▁floor", "▁door", "▁the", "▁and" };

  assert_chips_skip (albert, "boosted-albert", boosts, spm_specials, words, is_spm_special);

  /* A chip puts its own word in, with the space its ▁ stands for. */
  g_signal_emit_by_name (attention_predictions_get_button (window->predictions, 0, 0), "clicked");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (window->entry)), ==,
                   "the cat sat on the floor .");
  wait_for (idle);

  assert_position_guesses (1, "▁the", spm_specials, words);
}

/* A RoBERTa reads the [MASK] typed as its own <mask> and says so once per
 * model, in a toast; its tokens are shown as words, a leading space (Ġ) as
 * "␣". */
static void
test_roberta_mask_note (void)
{
  g_autofree char *roberta = g_build_filename (family_folders, "roberta", NULL);
  /* The toast's title is markup: the note escaped. */
  const char *note = "[MASK] is read as &lt;mask&gt;, this model&apos;s mask token.";
  AttentionResult *result;
  guint n, spaced = 0;

  wait_for (idle);
  g_assert_true (
      gtk_widget_activate_action (GTK_WIDGET (window), "win.open-model-file", "s", roberta));
  wait_for (idle);
  g_assert_cmpstr (model_path (), ==, roberta);
  run_sentence ("Paris is the [MASK] of France.");
  g_assert_cmpstr (attention_window_get_last_message (window), ==, note);
  result = test_window_result (window);
  n = attention_result_get_n_tokens (result);
  g_assert_cmpstr (attention_result_get_token (result, 0), ==, "<s>");
  g_assert_cmpstr (attention_result_get_token (result, n - 1), ==, "</s>");
  for (guint i = 0; i < n; i++)
    {
      const char *token = attention_result_get_token (result, i);

      g_assert_null (strstr (token, "Ġ"));
      spaced += g_str_has_prefix (token, "␣");
    }
  /* "␣is", "␣the", "␣of" and the first piece of " France". */
  g_assert_cmpuint (spaced, ==, 4);
  g_assert_cmpuint (attention_result_get_n_predictions (result), ==, 1);
  g_assert_cmpstr (
      attention_result_get_token (result, attention_result_get_prediction_position (result, 0)), ==,
      "<mask>");

  /* Not again for the same model. */
  attention_window_toast (window, "marker");
  run_sentence ("The [MASK] sat on the mat.");
  g_assert_cmpstr (attention_window_get_last_message (window), ==, "marker");
}

/* The Open chooser of Ctrl+O, once shown. */
static GtkFileChooser *
open_chooser (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GObject) item = g_list_model_get_item (toplevels, i);

      if (GTK_IS_FILE_CHOOSER_DIALOG (item) && gtk_widget_get_visible (GTK_WIDGET (item)))
        return GTK_FILE_CHOOSER (item);
    }
  return NULL;
}

static gboolean
chooser_shown (void)
{
  return open_chooser () != NULL;
}

static GtkFileChooser *wanted_chooser;
static GFile *wanted_file;

/* The chooser would give wanted_file (it selects a file once its folder is
 * read). */
static gboolean
chooser_gives (void)
{
  g_autoptr (GFile) file = gtk_file_chooser_get_file (wanted_chooser);

  return file != NULL && g_file_equal (file, wanted_file);
}

/* Ctrl+O's "Hugging Face folders" filter chooses the folder itself: the
 * chooser becomes a folder chooser while that filter is chosen, and Open
 * opens the folder. */
static void
test_open_folder (void)
{
  g_autofree char *hf =
      g_build_filename (g_getenv ("ATTENTION_TEST_MODEL_DIR"), "hf-safetensors", NULL);
  g_autoptr (GFile) folder = g_file_new_for_path (hf);
  g_autoptr (GListModel) filters = NULL;
  g_autoptr (GError) error = NULL;
  GtkFileFilter *folders = NULL, *first = NULL;
  GtkFileChooser *chooser;

#ifdef __SANITIZE_ADDRESS__
  /* GTK 4.8's file chooser leaks under LeakSanitizer through libraries of
   * its own: libcloudproviders' collector (the places sidebar), GFileInfos
   * of GIO's worker threads and a GDateTime of GTK's, with no frame of ours
   * (build-aux/ci-sanitize, measured). Their stacks are unsymbolised, so no
   * suppression could name them without also hiding leaks of our own GIO
   * calls; the plain suite runs this test. */
  g_test_skip ("GTK's file chooser leaks by itself under LeakSanitizer");
  return;
#endif
  wait_for (idle);
  g_assert_cmpstr (model_path (), !=, hf);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.open-model", NULL));
  wait_for (chooser_shown);
  chooser = open_chooser ();
  g_assert_cmpint (gtk_file_chooser_get_action (chooser), ==, GTK_FILE_CHOOSER_ACTION_OPEN);
  filters = gtk_file_chooser_get_filters (chooser);
  for (guint i = 0; i < g_list_model_get_n_items (filters); i++)
    {
      g_autoptr (GtkFileFilter) filter = g_list_model_get_item (filters, i);

      if (i == 0)
        first = filter;
      if (g_strcmp0 (gtk_file_filter_get_name (filter), "Hugging Face folders") == 0)
        folders = filter;
    }
  g_assert_nonnull (folders);

  /* As the user picks it in the chooser's filter list. */
  gtk_file_chooser_set_filter (chooser, folders);
  g_assert_cmpint (gtk_file_chooser_get_action (chooser), ==,
                   GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER);
  gtk_file_chooser_set_filter (chooser, first);
  g_assert_cmpint (gtk_file_chooser_get_action (chooser), ==, GTK_FILE_CHOOSER_ACTION_OPEN);
  gtk_file_chooser_set_filter (chooser, folders);
  g_assert_true (gtk_file_chooser_set_file (chooser, folder, &error));
  g_assert_no_error (error);
  wanted_chooser = chooser;
  wanted_file = folder;
  wait_for (chooser_gives);
  gtk_dialog_response (GTK_DIALOG (chooser), GTK_RESPONSE_ACCEPT);
  g_assert_null (open_chooser ());
  wait_for (idle);
  g_assert_cmpstr (model_path (), ==, hf);
}

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *models = NULL;
  g_autofree char *limited = NULL;
  g_autofree char *limit_arg = g_strdup_printf ("trained_length=%d", LIMIT);
  int status;

  if (g_getenv ("ATTENTION_TEST_MODEL") == NULL || g_getenv ("ATTENTION_PYTHON") == NULL ||
      argc < 4)
    {
      g_printerr ("usage: test-window-truth SET_BUNDLE_CONFIG BOOST_TOKENS FAMILY_FOLDERS, with "
                  "$ATTENTION_TEST_MODEL and $ATTENTION_PYTHON\n");
      return 1;
    }
  set_config_script = argv[1];
  boost_script = argv[2];
  family_folders = argv[3];
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  attention_test_private_home ();

  /* In the app's own model folder: no question of trust. */
  models = g_build_filename (g_get_user_data_dir (), "attention", "models", NULL);
  g_assert_cmpint (g_mkdir_with_parents (models, 0700), ==, 0);
  limited = g_build_filename (models, "limited.pt", NULL);
  {
    const char *args[] = { g_getenv ("ATTENTION_PYTHON"),
                           set_config_script,
                           g_getenv ("ATTENTION_TEST_MODEL"),
                           limited,
                           limit_arg,
                           NULL };
    int wait_status = 0;

    g_assert_true (g_spawn_sync (NULL, (char **)args, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                                 NULL, NULL, &wait_status, &error));
    g_assert_no_error (error);
    g_assert_true (g_spawn_check_wait_status (wait_status, NULL));
  }
  g_setenv ("ATTENTION_MODEL", limited, TRUE);
  limited_path = g_strdup (limited);

  g_test_init (&argc, &argv, NULL);
  gtk_init ();
  g_object_set (gtk_settings_get_default (), "gtk-cursor-blink", FALSE, NULL);

  app = attention_test_application_new ();

  window = attention_window_new (GTK_APPLICATION (app));
  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 780);
  gtk_window_present (GTK_WINDOW (window));

  /* Order matters: each test starts from the state the previous one left. */
  g_test_add_func ("/window-truth/limits-banner", test_banner);
  g_test_add_func ("/window-truth/limits-matrix-hatched", test_matrix_hatched);
  g_test_add_func ("/window-truth/limits-lines-hatched", test_lines_hatched);
  g_test_add_func ("/window-truth/hide-special", test_hide_special);
  g_test_add_func ("/window-truth/axis-titles", test_axis_titles);
  g_test_add_func ("/window-truth/pin-look", test_pin_look);
  g_test_add_func ("/window-truth/legend-column", test_legend_column);
  g_test_add_func ("/window-truth/hover-readout", test_hover_readout);
  g_test_add_func ("/window-truth/model-name", test_model_name);
  g_test_add_func ("/window-truth/trust", test_trust);
  g_test_add_func ("/window-truth/switch-model", test_switch_model);
  g_test_add_func ("/window-truth/chips-skip-specials", test_chips_skip_specials);
  g_test_add_func ("/window-truth/chips-skip-spm-specials", test_chips_skip_spm_specials);
  g_test_add_func ("/window-truth/roberta-mask-note", test_roberta_mask_note);
  g_test_add_func ("/window-truth/open-folder", test_open_folder);
  status = g_test_run ();

  gtk_window_destroy (GTK_WINDOW (window));
  g_application_release (G_APPLICATION (app));
  g_clear_object (&app);
  return status;
}
