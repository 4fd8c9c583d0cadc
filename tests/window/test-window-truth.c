/* test-window-truth.c: the window tells the truth about what it shows. A
 * model trained on shorter texts than the sentence: the banner with both
 * numbers, and the tokens past the limit hatched in the matrix and the
 * lines, checked on the pixels drawn. The model is the test model with
 * "trained_length" set (fixtures/set_bundle_config.py, run here), kept in
 * the app's own model folder. Needs $ATTENTION_TEST_MODEL and
 * $ATTENTION_PYTHON; usage: test-window-truth SET_BUNDLE_CONFIG. */

#include <glib/gstdio.h>
#include <gtk/gtk.h>
#include <string.h>

#include "attention-application.h"
#include "attention-compare-page.h"
#include "attention-limit-banner.h"
#include "attention-lines-canvas.h"
#include "attention-lines-page.h"
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

  g_assert_true (x0 >= 0 && y0 >= 0 && x1 <= p->width && y1 <= p->height && x0 < x1 && y0 < y1);
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

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *models = NULL;
  g_autofree char *limited = NULL;
  g_autofree char *limit_arg = g_strdup_printf ("trained_length=%d", LIMIT);
  int status;

  if (g_getenv ("ATTENTION_TEST_MODEL") == NULL || g_getenv ("ATTENTION_PYTHON") == NULL ||
      argc < 2)
    {
      g_printerr ("usage: test-window-truth SET_BUNDLE_CONFIG, with $ATTENTION_TEST_MODEL and "
                  "$ATTENTION_PYTHON\n");
      return 1;
    }
  set_config_script = argv[1];
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

  g_test_init (&argc, &argv, NULL);
  gtk_init ();
  g_object_set (gtk_settings_get_default (), "gtk-cursor-blink", FALSE, NULL);

  app = attention_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);
  g_application_hold (G_APPLICATION (app));

  window = attention_window_new (GTK_APPLICATION (app));
  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 780);
  gtk_window_present (GTK_WINDOW (window));

  /* Order matters: each test starts from the state the previous one left. */
  g_test_add_func ("/window-truth/limits/banner", test_banner);
  g_test_add_func ("/window-truth/limits/matrix-hatched", test_matrix_hatched);
  g_test_add_func ("/window-truth/limits/lines-hatched", test_lines_hatched);
  status = g_test_run ();

  gtk_window_destroy (GTK_WINDOW (window));
  g_application_release (G_APPLICATION (app));
  g_clear_object (&app);
  return status;
}
