/* test-overview.c: the overview widget under Xvfb: thumbnails map to heads,
 * clicks and arrow keys select and emit ::head-selected, properties follow,
 * sorting by a score reorders a row, and a rendering shows the grid; the
 * sidebar and the Compare page on a selection of their own. */

#include <adwaita.h>
#include <gtk/gtk.h>
#include <locale.h>
#include <string.h>

#include "attention-compare-page.h"
#include "attention-overview.h"
#include "attention-sidebar.h"
#include "test-private-home.h"

#define N_LAYERS 3
#define N_HEADS 4
#define N 4

static GtkWindow *window;
static AttentionOverview *overview;
static guint emitted_layer, emitted_head, n_emitted;

/* Head (l, h) looks at token (l + h) % N only: a one-hot, easy to tell apart. */
static AttentionResult *
make_result (void)
{
  static const char *tokens[] = { "[CLS]", "a", ".", "[SEP]" };
  BertEncoding *enc = g_new0 (BertEncoding, 1);
  float *att = g_new0 (float, N_LAYERS *N_HEADS *N *N);

  enc->n_tokens = N;
  enc->ids = g_new0 (gint64, N);
  enc->tokens = g_new0 (char *, N + 1);
  enc->spans = g_new0 (BertSpan, N);
  for (guint i = 0; i < N; i++)
    enc->tokens[i] = g_strdup (tokens[i]);
  for (guint l = 0; l < N_LAYERS; l++)
    for (guint h = 0; h < N_HEADS; h++)
      for (guint i = 0; i < N; i++)
        att[((l * N_HEADS + h) * N + i) * N + (l + h) % N] = 1;
  return attention_result_new ("a.", enc, N_LAYERS, N_HEADS, att);
}

static void
on_head_selected (AttentionOverview *o, guint layer, guint head, gpointer data)
{
  emitted_layer = layer;
  emitted_head = head;
  n_emitted++;
}

static gboolean
allocated (void)
{
  return gtk_widget_get_mapped (GTK_WIDGET (overview)) &&
         gtk_widget_get_width (GTK_WIDGET (overview)) > 0;
}

static void
wait_allocated (void)
{
  while (!allocated ())
    g_main_context_iteration (NULL, TRUE);
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static GtkEventController *
find_controller (GType type)
{
  g_autoptr (GListModel) list = gtk_widget_observe_controllers (GTK_WIDGET (overview));

  for (guint i = 0; i < g_list_model_get_n_items (list); i++)
    {
      g_autoptr (GtkEventController) c = g_list_model_get_item (list, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (c, type))
        return c;
    }
  g_assert_not_reached ();
}

static void
test_pick (void)
{
  for (guint l = 0; l < N_LAYERS; l++)
    for (guint h = 0; h < N_HEADS; h++)
      {
        double x, y;
        guint pl = 99, ph = 99;

        g_assert_true (attention_overview_get_thumbnail_center (overview, l, h, &x, &y));
        g_assert_true (attention_overview_pick (overview, x, y, &pl, &ph));
        g_assert_cmpuint (pl, ==, l);
        g_assert_cmpuint (ph, ==, h);
      }
  g_assert_false (attention_overview_pick (overview, 1, 1, NULL, NULL));
}

static void
test_click_selects (void)
{
  GtkEventController *click = find_controller (GTK_TYPE_GESTURE_CLICK);
  double x, y;

  n_emitted = 0;
  g_assert_true (attention_overview_get_thumbnail_center (overview, 2, 3, &x, &y));
  g_signal_emit_by_name (click, "pressed", 1, x, y);
  g_assert_cmpuint (n_emitted, ==, 1);
  g_assert_cmpuint (emitted_layer, ==, 2);
  g_assert_cmpuint (emitted_head, ==, 3);
  g_assert_cmpuint (attention_overview_get_layer (overview), ==, 2);
  g_assert_cmpuint (attention_overview_get_head (overview), ==, 3);
}

static void
test_keys_move (void)
{
  GtkEventController *keys = find_controller (GTK_TYPE_EVENT_CONTROLLER_KEY);
  gboolean handled = FALSE;
  guint layer = 99;

  attention_overview_set_selected (overview, 1, 1);
  n_emitted = 0;
  g_signal_emit_by_name (keys, "key-pressed", GDK_KEY_Right, 0, 0, &handled);
  g_assert_true (handled);
  g_assert_cmpuint (emitted_head, ==, 2);
  g_signal_emit_by_name (keys, "key-pressed", GDK_KEY_Up, 0, 0, &handled);
  g_assert_cmpuint (emitted_layer, ==, 0);
  /* Clamped at the edge. */
  g_signal_emit_by_name (keys, "key-pressed", GDK_KEY_Up, 0, 0, &handled);
  g_assert_cmpuint (emitted_layer, ==, 0);
  g_signal_emit_by_name (keys, "key-pressed", GDK_KEY_Return, 0, 0, &handled);
  g_assert_cmpuint (n_emitted, ==, 4);
  g_object_get (overview, "layer", &layer, NULL);
  g_assert_cmpuint (layer, ==, 0);
  /* Setting the property selects without emitting (the sliders drive it). */
  g_object_set (overview, "layer", 2, "head", 0, NULL);
  g_assert_cmpuint (n_emitted, ==, 4);
  g_assert_cmpuint (attention_overview_get_layer (overview), ==, 2);
  /* Out of range is clamped. */
  attention_overview_set_selected (overview, 40, 40);
  g_assert_cmpuint (attention_overview_get_layer (overview), ==, N_LAYERS - 1);
  g_assert_cmpuint (attention_overview_get_head (overview), ==, N_HEADS - 1);
}

/* The scores come from a worker thread. */
static void
wait_scores (void)
{
  while (!attention_overview_get_scores_ready (overview))
    g_main_context_iteration (NULL, TRUE);
}

static void
test_sort_by_score (void)
{
  double x0, y0, x1, y1;
  guint l, h;

  /* Layer 0, head h attends to token h: [CLS] = head 0, so sorted by [CLS]
   * weight head 0 comes first; head 3 ([SEP]) ranks first by [SEP]. */
  attention_overview_set_score (overview, ATTENTION_PATTERN_SEP, TRUE);
  /* The order changes when the scores arrive. */
  wait_scores ();
  wait_allocated ();
  g_assert_true (attention_overview_get_thumbnail_center (overview, 0, 0, &x0, &y0));
  g_assert_true (attention_overview_get_thumbnail_center (overview, 0, 3, &x1, &y1));
  g_assert_cmpfloat (x1, <, x0);
  g_assert_true (attention_overview_pick (overview, x1, y1, &l, &h));
  g_assert_cmpuint (h, ==, 3);
  attention_overview_set_score (overview, -1, FALSE);
  wait_allocated ();
}

/* A new result drops the old scores at once and scores the new one off the
 * main thread; the sorted order follows when they arrive. */
static void
test_scores_async (void)
{
  g_autoptr (AttentionResult) again = make_result ();
  AttentionResult *before = attention_overview_get_result (overview);
  double x0, y0, x1, y1;

  attention_overview_set_score (overview, ATTENTION_PATTERN_SEP, TRUE);
  attention_overview_set_result (overview, again);
  g_assert_false (attention_overview_get_scores_ready (overview));
  /* Unsorted meanwhile: head 0 is left of head 3. */
  wait_allocated ();
  g_assert_true (attention_overview_get_thumbnail_center (overview, 0, 0, &x0, &y0));
  g_assert_true (attention_overview_get_thumbnail_center (overview, 0, 3, &x1, &y1));
  if (!attention_overview_get_scores_ready (overview))
    g_assert_cmpfloat (x0, <, x1);
  wait_scores ();
  wait_allocated ();
  g_assert_true (attention_overview_get_thumbnail_center (overview, 0, 0, &x0, &y0));
  g_assert_true (attention_overview_get_thumbnail_center (overview, 0, 3, &x1, &y1));
  g_assert_cmpfloat (x1, <, x0);

  /* Replaced twice in a row: the first worker's answer is dropped. */
  attention_overview_set_result (overview, before);
  attention_overview_set_result (overview, again);
  attention_overview_set_result (overview, before);
  wait_scores ();
  g_assert_true (attention_overview_get_result (overview) == before);
  attention_overview_set_score (overview, -1, FALSE);
  wait_allocated ();
}

static void
test_render (void)
{
  GtkWidget *widget = GTK_WIDGET (overview);
  int w = gtk_widget_get_width (widget), h = gtk_widget_get_height (widget);
  g_autoptr (GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr (GskRenderNode) node = NULL;
  GskRenderer *renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));
  g_autoptr (GdkTexture) texture = NULL;
  g_autofree guchar *pixels = NULL;
  gsize stride = (gsize)w * 4;
  double x, y;
  guint white = 0, black = 0;

  /* The widget's own drawing, straight from its snapshot vfunc. */
  GTK_WIDGET_GET_CLASS (widget)->snapshot (widget, snapshot);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, w, h));
  pixels = g_malloc (stride * h);
  gdk_texture_download (texture, pixels, stride);

  /* Thumbnail (0, 1) is one-hot on column 1: its row 0 is black at column 0
   * and white at column 1. */
  g_assert_true (attention_overview_get_thumbnail_center (overview, 0, 1, &x, &y));
  {
    AttentionResult *r = attention_overview_get_result (overview);
    double cell, left, top;

    g_assert_nonnull (r);
    /* The thumbnail's edge: centres of neighbouring heads are one pitch apart. */
    attention_overview_get_thumbnail_center (overview, 0, 2, &cell, NULL);
    cell = (cell - x) * 0.9 / N; /* thumb ≈ pitch − gap, conservatively */
    left = x - cell * N / 2;
    top = y - cell * N / 2;
    for (guint j = 0; j < N; j++)
      {
        int px = (int)(left + cell * (j + 0.5)), py = (int)(top + cell * 0.5);
        guint32 v = *(guint32 *)(gpointer)(pixels + (gsize)py * stride + (gsize)px * 4);

        if ((v & 0xffffff) == 0xffffff)
          white++;
        if ((v & 0xffffff) == 0)
          black++;
      }
  }
  g_assert_cmpuint (white, >=, 1);
  g_assert_cmpuint (black, >=, 2);

  if (g_getenv ("ATTENTION_SCREENSHOT_DIR") != NULL)
    {
      g_autofree char *path =
          g_build_filename (g_getenv ("ATTENTION_SCREENSHOT_DIR"), "overview.png", NULL);

      gdk_texture_save_to_png (texture, path);
    }
}

static guint n_notified;

/* What the sidebar sets: the selection's choices, not what follows from
 * them (the matrix). */
static void
on_notify (GObject *object, GParamSpec *pspec, gpointer data)
{
  if (!g_str_equal (pspec->name, "matrix") && !g_str_equal (pspec->name, "busy"))
    n_notified++;
}

static gpointer
child (gpointer widget, GType type, const char *name)
{
  GObject *found = gtk_widget_get_template_child (GTK_WIDGET (widget), type, name);

  g_assert_nonnull (found);
  return found;
}

static void
test_sidebar (void)
{
  g_autoptr (AttentionSelection) selection = attention_selection_new ();
  AttentionSidebar *sidebar =
      g_object_ref_sink (g_object_new (ATTENTION_TYPE_SIDEBAR, "selection", selection, NULL));
  g_autoptr (AttentionResult) result = make_result ();
  GtkLabel *pattern = child (sidebar, ATTENTION_TYPE_SIDEBAR, "pattern_label");
  AdwComboRow *aggregate_row = child (sidebar, ATTENTION_TYPE_SIDEBAR, "aggregate_row");
  AdwComboRow *colormap_row = child (sidebar, ATTENTION_TYPE_SIDEBAR, "colormap_row");
  AdwComboRow *scale_row = child (sidebar, ATTENTION_TYPE_SIDEBAR, "scale_row");
  AdwComboRow *score_row = child (sidebar, ATTENTION_TYPE_SIDEBAR, "score_row");
  GtkSwitch *hide_switch = child (sidebar, ATTENTION_TYPE_SIDEBAR, "hide_switch");
  GtkSwitch *sort_switch = child (sidebar, ATTENTION_TYPE_SIDEBAR, "sort_switch");
  AttentionAggregate aggregate = ATTENTION_AGGREGATE_ROLLOUT;
  AttentionColormap colormap = ATTENTION_COLORMAP_GRAY;
  gboolean hide = FALSE;
  const char *text;

  g_signal_connect (selection, "notify", G_CALLBACK (on_notify), NULL);
  n_notified = 0;
  attention_selection_set_aggregate (selection, ATTENTION_AGGREGATE_LAYER_MEAN);
  attention_selection_set_aggregate (selection, ATTENTION_AGGREGATE_LAYER_MEAN);
  g_assert_cmpuint (n_notified, ==, 1);
  g_object_set (selection, "colormap", ATTENTION_COLORMAP_VIRIDIS, "hide-special", TRUE, "scale",
                ATTENTION_SCALE_LOG, "score", ATTENTION_PATTERN_ENTROPY, "sort-by-score", TRUE,
                NULL);
  g_object_get (selection, "aggregate", &aggregate, "colormap", &colormap, "hide-special", &hide,
                NULL);
  g_assert_cmpint (aggregate, ==, ATTENTION_AGGREGATE_LAYER_MEAN);
  g_assert_cmpint (colormap, ==, ATTENTION_COLORMAP_VIRIDIS);
  g_assert_true (hide);
  g_assert_cmpint (attention_selection_get_scale (selection), ==, ATTENTION_SCALE_LOG);
  g_assert_cmpint (attention_selection_get_score (selection), ==, ATTENTION_PATTERN_ENTROPY);
  g_assert_true (attention_selection_get_sort_by_score (selection));
  g_assert_cmpuint (n_notified, ==, 6);

  /* The controls show the selection... */
  g_assert_cmpuint (adw_combo_row_get_selected (aggregate_row), ==, ATTENTION_AGGREGATE_LAYER_MEAN);
  g_assert_cmpuint (adw_combo_row_get_selected (colormap_row), ==, ATTENTION_COLORMAP_VIRIDIS);
  g_assert_cmpuint (adw_combo_row_get_selected (scale_row), ==, ATTENTION_SCALE_LOG);
  /* (the first row of the score is "Nothing") */
  g_assert_cmpuint (adw_combo_row_get_selected (score_row), ==, ATTENTION_PATTERN_ENTROPY + 1);
  g_assert_true (gtk_switch_get_active (hide_switch));
  g_assert_true (gtk_switch_get_active (sort_switch));
  /* ...and set it. */
  adw_combo_row_set_selected (aggregate_row, ATTENTION_AGGREGATE_ALL_MEAN);
  adw_combo_row_set_selected (colormap_row, ATTENTION_COLORMAP_GRAY);
  adw_combo_row_set_selected (scale_row, ATTENTION_SCALE_CONTRAST);
  adw_combo_row_set_selected (score_row, 0);
  gtk_switch_set_active (hide_switch, FALSE);
  gtk_switch_set_active (sort_switch, FALSE);
  g_assert_cmpint (attention_selection_get_aggregate (selection), ==, ATTENTION_AGGREGATE_ALL_MEAN);
  g_assert_cmpint (attention_selection_get_colormap (selection), ==, ATTENTION_COLORMAP_GRAY);
  g_assert_cmpint (attention_selection_get_scale (selection), ==, ATTENTION_SCALE_CONTRAST);
  g_assert_cmpint (attention_selection_get_score (selection), ==, -1);
  g_assert_false (attention_selection_get_hide_special (selection));
  g_assert_false (attention_selection_get_sort_by_score (selection));

  /* The strongest pattern of the matrix the selection shows. */
  attention_selection_set_aggregate (selection, ATTENTION_AGGREGATE_HEAD);
  attention_selection_set_result (selection, result);
  /* Head (0, 0) looks only at [CLS]. */
  g_assert_cmpstr (gtk_label_get_text (pattern), ==,
                   "Layer 1, head 1 mostly attends to [CLS]: 1.00");
  /* Head (1, 2) looks only at token 3 ([SEP]). */
  attention_selection_set_layer (selection, 1);
  attention_selection_set_head (selection, 2);
  g_assert_cmpstr (gtk_label_get_text (pattern), ==,
                   "Layer 2, head 3 mostly attends to [SEP]: 1.00");
  /* Rollout is computed in a worker; the line names it when it is there. */
  attention_selection_set_aggregate (selection, ATTENTION_AGGREGATE_ROLLOUT);
  g_assert_true (attention_selection_get_busy (selection));
  while (attention_selection_get_busy (selection))
    g_main_context_iteration (NULL, TRUE);
  text = gtk_label_get_text (pattern);
  g_assert_true (g_str_has_prefix (text, "Rollout through layers 1 to 2: "));
  g_assert_cmpuint (strlen (text), >, strlen ("Rollout through layers 1 to 2: "));
  attention_selection_set_result (selection, NULL);
  g_assert_cmpstr (gtk_label_get_text (pattern), ==, "");
  g_object_unref (sidebar);
}

static void
test_compare (void)
{
  const char *path = g_getenv ("ATTENTION_TEST_MODEL");
  g_autoptr (AttentionSelection) selection = attention_selection_new ();
  AttentionComparePage *compare =
      g_object_ref_sink (g_object_new (ATTENTION_TYPE_COMPARE_PAGE, "selection", selection, NULL));
  GtkEditable *entry = child (compare, ATTENTION_TYPE_COMPARE_PAGE, "entry");
  GtkLabel *status = child (compare, ATTENTION_TYPE_COMPARE_PAGE, "status");
  AttentionView *view = child (compare, ATTENTION_TYPE_COMPARE_PAGE, "view");
  g_autoptr (AttentionModel) model = NULL;
  g_autoptr (GError) error = NULL;
  AttentionResult *result;

  /* Without a model it says so instead of running. */
  gtk_editable_set_text (entry, "it was too wide.");
  g_signal_emit_by_name (entry, "activate");
  g_assert_false (attention_compare_page_get_busy (compare));
  g_assert_cmpstr (gtk_label_get_text (status), ==, "No model is loaded yet.");

  if (path == NULL)
    {
      g_test_skip ("ATTENTION_TEST_MODEL is not set");
      g_object_unref (compare);
      return;
    }
  model = attention_model_new_from_file (path, &error);
  g_assert_no_error (error);
  attention_selection_set_model (selection, model);
  g_object_set (selection, "layer", 1, "head", 2, NULL);

  gtk_editable_set_text (entry, "The animal didn't cross the street because it was too wide.");
  g_signal_emit_by_name (entry, "activate");
  g_assert_true (attention_compare_page_get_busy (compare));
  while (attention_compare_page_get_busy (compare))
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpstr (gtk_label_get_text (status), ==, "");
  result = attention_view_get_result (view);
  g_assert_nonnull (result);
  g_assert_cmpstr (attention_result_get_text (result), ==,
                   "The animal didn't cross the street because it was too wide.");
  g_assert_cmpuint (attention_view_get_layer (view), ==, 1);
  g_assert_cmpuint (attention_view_get_head (view), ==, 2);
  attention_selection_set_head (selection, 0);
  g_assert_cmpuint (attention_view_get_head (view), ==, 0);
  g_object_unref (compare);
}

int
main (int argc, char **argv)
{
  g_autoptr (AttentionResult) result = NULL;

  attention_test_private_home ();
  setlocale (LC_ALL, "C.UTF-8");
  gtk_test_init (&argc, &argv, NULL);

  result = make_result ();
  window = GTK_WINDOW (gtk_window_new ());
  overview = ATTENTION_OVERVIEW (attention_overview_new ());
  g_signal_connect (overview, "head-selected", G_CALLBACK (on_head_selected), NULL);
  attention_overview_set_result (overview, result);
  gtk_window_set_child (window, GTK_WIDGET (overview));
  gtk_window_set_default_size (window, 480, 400);
  gtk_window_present (window);
  wait_allocated ();

  g_test_add_func ("/overview/pick", test_pick);
  g_test_add_func ("/overview/click", test_click_selects);
  g_test_add_func ("/overview/keys", test_keys_move);
  g_test_add_func ("/overview/sort", test_sort_by_score);
  g_test_add_func ("/overview/scores-async", test_scores_async);
  g_test_add_func ("/overview/render", test_render);
  g_test_add_func ("/overview/sidebar", test_sidebar);
  g_test_add_func ("/overview/compare", test_compare);
  return g_test_run ();
}
