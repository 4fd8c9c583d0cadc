/* test-window-compare.c: Compare in the real window under Xvfb: both
 * sentences' predictions, and A − B, the difference of the two matrices on
 * a diverging colour map with its own legend, offered only when the two
 * token sequences are equally long (else a note says why). The expected
 * differences are the two results' own matrices subtracted here. Needs
 * $ATTENTION_TEST_MODEL; set $ATTENTION_SCREENSHOT_COMPARE to keep a picture. */

#include <gtk/gtk.h>
#include <math.h>
#include <string.h>

#include "attention-application.h"
#include "attention-compare-page.h"
#include "attention-window-private.h"
#include "test-private-home.h"
#include "test-window-common.h"

#define SENTENCE "The animal didn't cross the street because it was too [MASK]."
/* As many tokens, another [MASK]. */
#define SAME_LENGTH "The animal didn't cross the road because it was too [MASK]."
#define SHORTER "The cat sat."

static AttentionApplication *app;
static AttentionWindow *window;

static AttentionComparePage *
compare_page (void)
{
  return ATTENTION_COMPARE_PAGE (adw_view_stack_get_child_by_name (window->view_stack, "compare"));
}

static gpointer
part (const char *name)
{
  return template_child (compare_page (), ATTENTION_TYPE_COMPARE_PAGE, name);
}

static gboolean
idle (void)
{
  return !attention_window_get_busy (window) && !attention_selection_get_busy (window->selection) &&
         !attention_compare_page_get_busy (compare_page ());
}

static gboolean
difference_allocated (void)
{
  AttentionView *view = part ("difference_view");

  return gtk_widget_get_mapped (GTK_WIDGET (view)) && attention_view_get_cell_size (view) > 0;
}

static void
compare_with (const char *text)
{
  gtk_editable_set_text (GTK_EDITABLE (part ("entry")), text);
  g_signal_emit_by_name (part ("entry"), "activate");
  wait_for (idle);
  g_assert_cmpstr (gtk_label_get_text (part ("status")), ==, "");
}

/* "Predicts: paris 61.2 %, …" built here from the result's probabilities
 * over the whole vocabulary: the best three tokens that are text ([PAD],
 * [unused88] and the other bracketed entries skipped, as the chips do). */
static char *
expected_predictions (AttentionResult *result)
{
  AttentionModel *model = attention_selection_get_model (window->selection);
  guint v = attention_model_get_info (model)->vocab_size;
  gint64 best[3] = { -1, -1, -1 };
  double p[3] = { -1, -1, -1 };

  for (guint id = 0; id < v; id++)
    {
      const char *token = attention_model_get_token (model, id);
      double q = attention_result_get_mask_probability (result, 0, id);

      if (token == NULL || (g_str_has_prefix (token, "[") && g_str_has_suffix (token, "]")))
        continue;
      for (guint k = 0; k < 3; k++)
        if (q > p[k])
          {
            for (guint j = 2; j > k; j--)
              best[j] = best[j - 1], p[j] = p[j - 1];
            best[k] = id, p[k] = q;
            break;
          }
    }
  g_assert_cmpint (best[2], >=, 0);
  return g_strdup_printf ("Predicts: %s %.1f%%, %s %.1f%%, %s %.1f%%",
                          attention_model_get_token (model, best[0]), 100 * p[0],
                          attention_model_get_token (model, best[1]), 100 * p[1],
                          attention_model_get_token (model, best[2]), 100 * p[2]);
}

static void
test_run (void)
{
  gtk_editable_set_text (GTK_EDITABLE (window->entry), SENTENCE);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.run", NULL));
  wait_for (idle);
  g_assert_nonnull (test_window_result (window));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.compare", NULL));
  g_assert_cmpstr (adw_view_stack_get_visible_child_name (window->view_stack), ==, "compare");
}

/* Each half says what its sentence predicts, not only the window's. */
static void
test_predictions (void)
{
  AttentionResult *other;
  g_autofree char *main_want = expected_predictions (test_window_result (window));
  g_autofree char *other_want = NULL;

  g_assert_cmpstr (gtk_label_get_text (part ("main_predictions")), ==, main_want);
  compare_with (SAME_LENGTH);
  other = attention_view_get_result (part ("view"));
  g_assert_nonnull (other);
  g_assert_cmpuint (attention_result_get_n_predictions (other), ==, 1);
  other_want = expected_predictions (other);
  g_assert_cmpstr (gtk_label_get_text (part ("predictions")), ==, other_want);
  g_assert_true (gtk_widget_get_visible (part ("predictions")));

  compare_with ("The animal didn't cross the street.");
  g_assert_cmpstr (gtk_label_get_text (part ("predictions")), ==,
                   "No [MASK] in this sentence: nothing to predict");
}

/* Of different lengths: A − B is off, and the page says why with both
 * numbers. */
static void
test_difference_off (void)
{
  AttentionResult *a = test_window_result (window), *b;
  g_autofree char *na = NULL, *nb = NULL;
  const char *note;

  compare_with (SHORTER);
  b = attention_view_get_result (part ("view"));
  g_assert_cmpuint (attention_result_get_n_tokens (a), !=, attention_result_get_n_tokens (b));
  g_assert_false (gtk_widget_get_sensitive (part ("difference_button")));
  g_assert_true (gtk_widget_get_visible (part ("difference_note")));
  note = gtk_label_get_text (part ("difference_note"));
  na = g_strdup_printf ("%u", attention_result_get_n_tokens (a));
  nb = g_strdup_printf ("%u", attention_result_get_n_tokens (b));
  g_assert_nonnull (strstr (note, "A − B is off"));
  g_assert_nonnull (strstr (note, na));
  g_assert_nonnull (strstr (note, nb));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (part ("mode_stack")), ==, "sides");
}

/* Equal lengths: A − B shows first minus second, cell by cell, its
 * strongest cell at the end of the diverging map, read out with a sign. */
static void
test_difference (void)
{
  AttentionView *view = part ("difference_view");
  AttentionResult *a = test_window_result (window), *b;
  const float *ma, *mb;
  guint n;
  gsize best = 0;
  double x, y;
  g_autofree char *want = NULL;

  compare_with (SAME_LENGTH);
  b = attention_view_get_result (part ("view"));
  n = attention_result_get_n_tokens (a);
  g_assert_cmpuint (attention_result_get_n_tokens (b), ==, n);
  g_assert_true (gtk_widget_get_sensitive (part ("difference_button")));
  g_assert_false (gtk_widget_get_visible (part ("difference_note")));

  gtk_range_set_value (GTK_RANGE (window->layer_scale), 2);
  gtk_range_set_value (GTK_RANGE (window->head_scale), 2);
  wait_for (idle);
  gtk_toggle_button_set_active (part ("difference_button"), TRUE);
  g_assert_false (gtk_toggle_button_get_active (part ("sides_button")));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (part ("mode_stack")), ==, "difference");
  wait_for (difference_allocated);
  g_assert_true (attention_view_get_diverging (view));
  /* Both predictions stay in sight. */
  {
    g_autofree char *first = expected_predictions (a);
    g_autofree char *second = expected_predictions (b);
    g_autofree char *both =
        g_strdup_printf ("The first predicts %s; the second, %s", first + strlen ("Predicts: "),
                         second + strlen ("Predicts: "));

    g_assert_cmpstr (gtk_label_get_text (part ("difference_predictions")), ==, both);
  }

  ma = attention_result_get_matrix (a, 1, 1);
  mb = attention_result_get_matrix (b, 1, 1);
  for (gsize k = 1; k < (gsize)n * n; k++)
    if (fabsf (ma[k] - mb[k]) > fabsf (ma[best] - mb[best]))
      best = k;
  g_assert_cmpfloat (fabsf (ma[best] - mb[best]), >, 0);
  want = g_strdup_printf ("%s → %s: %+.4f", attention_result_get_token (a, best / n),
                          attention_result_get_token (a, best % n), ma[best] - mb[best]);
  g_assert_true (attention_view_get_cell_center (view, best / n, best % n, &x, &y));
  g_assert_true (attention_canvas_hover_at (ATTENTION_CANVAS (view), x, y));
  g_assert_cmpstr (attention_canvas_get_hover_text (ATTENTION_CANVAS (view)), ==, want);
  g_assert_cmpstr (gtk_label_get_text (part ("hover_label")), ==, want);
  attention_canvas_hover_at (ATTENTION_CANVAS (view), -1, -1);

  /* The drawn cell: the strongest difference is at the map's end, dark red
   * (ColorBrewer RdBu #b2182b) when A attends more, dark blue (#2166ac)
   * when B does. */
  {
    g_autoptr (GdkTexture) texture = attention_test_render_window (
        GTK_WINDOW (window), window->stack, g_getenv ("ATTENTION_SCREENSHOT_COMPARE"));
    int w = gdk_texture_get_width (texture), h = gdk_texture_get_height (texture);
    g_autofree guchar *pixels = g_malloc ((gsize)w * h * 4);
    graphene_point_t p;
    double ox, oy;
    const guchar *px;
    guint32 rgb;

    gdk_texture_download (texture, pixels, (gsize)w * 4);
    gtk_native_get_surface_transform (GTK_NATIVE (window), &ox, &oy);
    g_assert_true (gtk_widget_compute_point (GTK_WIDGET (view), GTK_WIDGET (window),
                                             &GRAPHENE_POINT_INIT (x, y), &p));
    px = pixels + ((gsize)(int)(oy + p.y) * w + (int)(ox + p.x)) * 4;
    /* gdk_texture_download: B, G, R, A in memory. */
    rgb = (guint32)px[2] << 16 | (guint32)px[1] << 8 | px[0];
    g_assert_cmphex (rgb, ==, ma[best] > mb[best] ? 0xb2182b : 0x2166ac);
  }

  /* The layer follows the slider: the difference is recomputed. */
  gtk_range_set_value (GTK_RANGE (window->layer_scale), 1);
  wait_for (idle);
  ma = attention_result_get_matrix (a, 0, 1);
  mb = attention_result_get_matrix (b, 0, 1);
  g_clear_pointer (&want, g_free);
  want = g_strdup_printf ("%s → %s: %+.4f", attention_result_get_token (a, 2),
                          attention_result_get_token (a, 1), ma[2 * n + 1] - mb[2 * n + 1]);
  g_assert_true (attention_view_get_cell_center (view, 2, 1, &x, &y));
  g_assert_true (attention_canvas_hover_at (ATTENTION_CANVAS (view), x, y));
  g_assert_cmpstr (attention_canvas_get_hover_text (ATTENTION_CANVAS (view)), ==, want);
  attention_canvas_hover_at (ATTENTION_CANVAS (view), -1, -1);

  /* A shorter second sentence turns the mode off, back to side by side. */
  compare_with (SHORTER);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (part ("mode_stack")), ==, "sides");
  g_assert_false (gtk_widget_get_sensitive (part ("difference_button")));
}

int
main (int argc, char **argv)
{
  int status;

  if (g_getenv ("ATTENTION_TEST_MODEL") == NULL)
    {
      g_printerr ("ATTENTION_TEST_MODEL is not set\n");
      return 1;
    }
  g_setenv ("ATTENTION_MODEL", g_getenv ("ATTENTION_TEST_MODEL"), TRUE);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  attention_test_private_home ();

  g_test_init (&argc, &argv, NULL);
  gtk_init ();
  g_object_set (gtk_settings_get_default (), "gtk-cursor-blink", FALSE, NULL);

  app = attention_test_application_new ();

  window = attention_window_new (GTK_APPLICATION (app));
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  gtk_window_present (GTK_WINDOW (window));

  /* Order matters: each test starts from the state the previous one left. */
  g_test_add_func ("/window-compare/run", test_run);
  g_test_add_func ("/window-compare/predictions", test_predictions);
  g_test_add_func ("/window-compare/difference-off", test_difference_off);
  g_test_add_func ("/window-compare/difference", test_difference);
  status = g_test_run ();

  gtk_window_destroy (GTK_WINDOW (window));
  g_application_release (G_APPLICATION (app));
  g_clear_object (&app);
  return status;
}
