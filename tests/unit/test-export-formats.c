/* test-export-formats.c: SVG/PDF open in ordinary viewers' libraries
 * (rsvg-convert, pdftoppm) and show the right cells; the overview image; the
 * .npy header and data; the JSON; atomicity and cancellation. */

#include <cairo.h>
#include <errno.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <locale.h>
#include <math.h>
#include <string.h>

#include "attention-export-data.h"
#include "attention-export-overview.h"
#include "attention-export-private.h"
#include "attention-export-registry.h"
#include "attention-export-vector.h"
#include "attention-grid.h"
#include "attention-render.h"

#define N_LAYERS 2
#define N_HEADS 3
#define N_TOKENS 5

/* Cell (i, j) of layer l, head h is ((i + j + l + h) % 5) / 4, as in test-export. */
static float
cell_value (guint l, guint h, guint i, guint j)
{
  return ((i + j + l + h) % 5) / 4.0f;
}

static AttentionResult *
make_result (void)
{
  static const char *tokens[] = { "[CLS]", "the", "\"cat\"", "[MASK]", "[SEP]" };
  const AttentionCandidate candidates[] = { { "sat", 4020, 0.625 }, { "ran", 2743, 0.25 } };
  BertEncoding *enc = g_new0 (BertEncoding, 1);
  guint n = N_TOKENS;
  float *att = g_new (float, N_LAYERS *N_HEADS *n *n);
  AttentionResult *result;

  enc->n_tokens = n;
  enc->ids = g_new0 (gint64, n);
  enc->tokens = g_new0 (char *, n + 1);
  enc->spans = g_new0 (BertSpan, n);
  for (guint i = 0; i < n; i++)
    {
      enc->ids[i] = 100 + i;
      enc->tokens[i] = g_strdup (tokens[i]);
    }
  for (guint l = 0; l < N_LAYERS; l++)
    for (guint h = 0; h < N_HEADS; h++)
      for (guint i = 0; i < n; i++)
        for (guint j = 0; j < n; j++)
          att[((l * N_HEADS + h) * n + i) * n + j] = cell_value (l, h, i, j);

  result = attention_result_new ("the \"cat\" [MASK]", enc, N_LAYERS, N_HEADS, att);
  attention_result_add_prediction (result, 3, candidates, G_N_ELEMENTS (candidates));
  return result;
}

static void
remove_dir (const char *dir)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  if (d == NULL)
    return;
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_unlink (path);
    }
  g_rmdir (dir);
}

static guint
count_entries (const char *dir, gboolean hidden_only)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  guint count = 0;

  g_assert_nonnull (d);
  while ((name = g_dir_read_name (d)) != NULL)
    if (!hidden_only || name[0] == '.')
      count++;
  return count;
}

/* Runs a viewer's converter; fails the test with its stderr if it fails. */
static void
run_tool (const char *const *argv)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr (GError) error = NULL;
  int status = 0;
  g_autofree char *program = g_find_program_in_path (argv[0]);

  if (program == NULL)
    g_error ("%s is needed for this test (Debian: librsvg2-bin, poppler-utils)", argv[0]);
  g_assert_true (g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out,
                               &err, &status, &error));
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("%s failed: %s", argv[0], err);
}

/* Writes the kind `id` of the registry into dir. */
static gboolean
write_kind (
    const char *id, AttentionResult *result, const char *dir, guint *n_written, GError **error)
{
  const AttentionExportKind *kind = attention_export_kind_find (id);
  AttentionExportRequest request = { .result = result, .dir = dir, .model_name = "Test" };

  g_assert_nonnull (kind);
  return attention_export_kind_write (kind, &request, n_written, error);
}

/* The centre pixel of cell (i, j) of a rasterised diagram at 1 unit = 1 px. */
static void
assert_cells (const char *png_path, guint layer, guint head, int tolerance)
{
  AttentionRenderStyle style;
  cairo_surface_t *image = cairo_image_surface_create_from_png (png_path);
  double width, height;
  const guint8 *data;
  int stride;

  g_assert_cmpint (cairo_surface_status (image), ==, CAIRO_STATUS_SUCCESS);
  attention_render_style_init_export (&style);
  attention_render_get_size (&style, N_TOKENS, &width, NULL);
  g_assert_cmpint (cairo_image_surface_get_width (image), ==, (int)width);
  height = cairo_image_surface_get_height (image);
  g_assert_cmpfloat (height, >, width); /* the caption band */

  data = cairo_image_surface_get_data (image);
  stride = cairo_image_surface_get_stride (image);
  for (guint i = 0; i < N_TOKENS; i++)
    for (guint j = 0; j < N_TOKENS; j++)
      {
        int x = (int)(style.margin + style.cell * (j + 0.5));
        int y = (int)(style.margin + style.cell * (i + 0.5));
        guint32 px = *(const guint32 *)(gconstpointer)(data + (gsize)y * stride + (gsize)x * 4);
        int want = attention_colormap_grey (cell_value (layer, head, i, j));

        for (int shift = 0; shift <= 16; shift += 8)
          {
            int got = (px >> shift) & 0xff;

            if (ABS (got - want) > tolerance)
              g_error ("%s cell (%u, %u): got %d, want %d", png_path, i, j, got, want);
          }
      }
  cairo_surface_destroy (image);
}

/* The ids are a contract (--format, win.export-format): every one is there,
 * in the dialog's order, with the original set first. */
static void
test_registry (void)
{
  static const struct
  {
    const char *id;
    AttentionExportFormat format;
    AttentionExportFiles files;
  } want[] = {
    { "png", ATTENTION_EXPORT_PNG, ATTENTION_EXPORT_DIAGRAMS },
    { "svg", ATTENTION_EXPORT_SVG, ATTENTION_EXPORT_DIAGRAMS },
    { "pdf", ATTENTION_EXPORT_PDF, ATTENTION_EXPORT_DIAGRAMS },
    { "pdf-pages", ATTENTION_EXPORT_PDF, ATTENTION_EXPORT_SINGLE },
    { "overview-png", ATTENTION_EXPORT_PNG, ATTENTION_EXPORT_SINGLE },
    { "overview-svg", ATTENTION_EXPORT_SVG, ATTENTION_EXPORT_SINGLE },
    { "overview-pdf", ATTENTION_EXPORT_PDF, ATTENTION_EXPORT_SINGLE },
    { "lines-png", ATTENTION_EXPORT_PNG, ATTENTION_EXPORT_LINES },
    { "lines-svg", ATTENTION_EXPORT_SVG, ATTENTION_EXPORT_LINES },
    { "lines-pdf", ATTENTION_EXPORT_PDF, ATTENTION_EXPORT_LINES },
    { "npy", ATTENTION_EXPORT_NPY, ATTENTION_EXPORT_SINGLE },
    { "json", ATTENTION_EXPORT_JSON, ATTENTION_EXPORT_SINGLE },
  };
  guint n_kinds = 0;
  const AttentionExportKind *kinds = attention_export_kinds (&n_kinds);

  g_assert_cmpuint (n_kinds, ==, G_N_ELEMENTS (want));
  for (guint i = 0; i < n_kinds; i++)
    {
      g_assert_cmpstr (kinds[i].id, ==, want[i].id);
      g_assert_cmpint (kinds[i].format, ==, want[i].format);
      g_assert_cmpint (kinds[i].files, ==, want[i].files);
      g_assert_true (kinds[i].label != NULL && kinds[i].label[0] != '\0');
      g_assert_true (kinds[i].description != NULL && kinds[i].description[0] != '\0');
      g_assert_true (attention_export_kind_find (want[i].id) == &kinds[i]);
    }
  g_assert_true (attention_export_kind_find ("NPY") == &kinds[10]);
  g_assert_null (attention_export_kind_find ("gif"));
  g_assert_null (attention_export_kind_find (NULL));
  g_assert_cmpstr (attention_export_kind_list_ids (), ==,
                   "png, svg, pdf, pdf-pages, overview-png, overview-svg, overview-pdf, "
                   "lines-png, lines-svg, lines-pdf, npy, json");
}

static void
test_svg (void)
{
  g_autoptr (AttentionResult) result = make_result ();
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("attention-svg-XXXXXX", NULL);
  g_autofree char *svg = g_build_filename (dir, "Attention_Layer2_Head3.svg", NULL);
  g_autofree char *png = g_build_filename (dir, "head.png", NULL);
  g_autofree char *text = NULL;
  const char *argv[] = { "rsvg-convert", "-o", png, svg, NULL };

  g_assert_true (write_kind ("svg", result, dir, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (svg, &text, NULL, NULL));
  g_assert_nonnull (strstr (text, "<svg"));
  run_tool (argv);
  assert_cells (png, 1, 2, 0);
  remove_dir (dir);
}

static void
test_pdf (void)
{
  g_autoptr (AttentionResult) result = make_result ();
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("attention-pdf-XXXXXX", NULL);
  g_autofree char *pdf = g_build_filename (dir, "Attention_Layer1_Head2.pdf", NULL);
  g_autofree char *stem = g_build_filename (dir, "page", NULL);
  g_autofree char *png = g_build_filename (dir, "page.png", NULL);
  const char *argv[] = { "pdftoppm", "-png", "-r", "72", "-singlefile", pdf, stem, NULL };

  g_assert_true (write_kind ("pdf", result, dir, NULL, &error));
  g_assert_no_error (error);
  run_tool (argv);
  /* Poppler's colour conversion may be a level off. */
  assert_cells (png, 0, 1, 1);
  remove_dir (dir);
}

static void
test_pdf_pages (void)
{
  g_autoptr (AttentionResult) result = make_result ();
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("attention-pages-XXXXXX", NULL);
  g_autofree char *pdf = g_build_filename (dir, "all.pdf", NULL);
  g_autofree char *stem = g_build_filename (dir, "page", NULL);
  g_autofree char *last = g_build_filename (dir, "page-6.png", NULL);
  g_autofree char *fourth = g_build_filename (dir, "page-4.png", NULL);
  const char *argv[] = { "pdftoppm", "-png", "-r", "72", pdf, stem, NULL };
  AttentionExportRequest request = { .result = result, .dir = dir, .model_name = "Test" };

  g_assert_true (attention_export_pdf_pages (&request, pdf, &error));
  g_assert_no_error (error);
  run_tool (argv);
  /* One page per head, layer by layer: page 4 is layer 2, head 1. */
  g_assert_cmpuint (count_entries (dir, FALSE), ==, 1 + N_LAYERS * N_HEADS);
  assert_cells (fourth, 1, 0, 1);
  assert_cells (last, 1, 2, 1);
  remove_dir (dir);
}

static void
test_pdf_pages_cancelled (void)
{
  g_autoptr (AttentionResult) result = make_result ();
  g_autoptr (GError) error = NULL;
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autofree char *dir = g_dir_make_tmp ("attention-cancel-XXXXXX", NULL);
  g_autofree char *pdf = g_build_filename (dir, "all.pdf", NULL);
  AttentionExportRequest request = { .result = result, .dir = dir, .cancellable = cancellable };

  g_cancellable_cancel (cancellable);
  g_assert_false (attention_export_pdf_pages (&request, pdf, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  /* Neither the file nor its temporary is left. */
  g_assert_cmpuint (count_entries (dir, FALSE), ==, 0);
  remove_dir (dir);
}

static void
test_overview (void)
{
  g_autoptr (AttentionResult) result = make_result ();
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("attention-grid-XXXXXX", NULL);
  g_autofree char *png = g_build_filename (dir, "grid.png", NULL);
  g_autofree char *svg = g_build_filename (dir, "grid.svg", NULL);
  g_autofree char *svg_png = g_build_filename (dir, "grid-svg.png", NULL);
  const char *argv[] = { "rsvg-convert", "-o", svg_png, svg, NULL };
  AttentionGridStyle style;
  double width, height;
  cairo_surface_t *image;
  guint layer = 99, head = 99;

  g_assert_true (attention_export_overview (result, ATTENTION_EXPORT_PNG, ATTENTION_COLORMAP_GRAY,
                                            png, &error));
  g_assert_no_error (error);
  g_assert_true (attention_export_overview (result, ATTENTION_EXPORT_SVG,
                                            ATTENTION_COLORMAP_VIRIDIS, svg, &error));
  g_assert_no_error (error);
  run_tool (argv);

  attention_grid_style_init (&style);
  attention_grid_get_size (&style, N_LAYERS, N_HEADS, &width, &height);
  image = cairo_image_surface_create_from_png (png);
  g_assert_cmpint (cairo_surface_status (image), ==, CAIRO_STATUS_SUCCESS);
  g_assert_cmpint (cairo_image_surface_get_width (image), ==, (int)ceil (width));
  g_assert_cmpint (cairo_image_surface_get_height (image), ==, (int)ceil (height));

  /* Every thumbnail is where the hit test says: sample the middle of cell
   * (i, j) = (1, 3) of each and compare with its grey. */
  cairo_surface_flush (image);
  for (guint l = 0; l < N_LAYERS; l++)
    for (guint h = 0; h < N_HEADS; h++)
      {
        double origin = style.label_size * 3 + style.gap;
        double x0 = origin + (style.thumb + style.gap) * h;
        double y0 = origin + (style.thumb + style.gap) * l;
        double cell = style.thumb / N_TOKENS;
        int x = (int)(x0 + cell * 3.5), y = (int)(y0 + cell * 1.5);
        const guint8 *data = cairo_image_surface_get_data (image);
        guint32 px =
            *(const guint32 *)(gconstpointer)(data +
                                              (gsize)y * cairo_image_surface_get_stride (image) +
                                              (gsize)x * 4);

        g_assert_cmpuint (px & 0xff, ==, attention_colormap_grey (cell_value (l, h, 1, 3)));
        g_assert_true (attention_grid_hit (&style, N_LAYERS, N_HEADS, x, y, &layer, &head));
        g_assert_cmpuint (layer, ==, l);
        g_assert_cmpuint (head, ==, h);
      }
  cairo_surface_destroy (image);

  g_assert_false (attention_export_overview (result, ATTENTION_EXPORT_NPY, ATTENTION_COLORMAP_GRAY,
                                             png, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
  remove_dir (dir);
}

static void
test_json (void)
{
  g_autoptr (AttentionResult) result = make_result ();
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autofree char *dir = g_dir_make_tmp ("attention-json-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "attention.json", NULL);
  JsonObject *root, *prediction, *candidate;
  JsonArray *att;

  g_assert_true (attention_export_json (result, path, &error));
  g_assert_no_error (error);
  g_assert_true (json_parser_load_from_file (parser, path, &error));
  g_assert_no_error (error);

  root = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpint (json_object_get_int_member (root, "n_layers"), ==, N_LAYERS);
  g_assert_cmpint (json_object_get_int_member (root, "n_heads"), ==, N_HEADS);
  g_assert_cmpint (json_object_get_int_member (root, "n_tokens"), ==, N_TOKENS);
  g_assert_cmpstr (json_object_get_string_member (root, "text"), ==, "the \"cat\" [MASK]");
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (root, "tokens"), 2),
                   ==, "\"cat\"");
  g_assert_cmpint (json_array_get_int_element (json_object_get_array_member (root, "ids"), 4), ==,
                   104);
  g_assert_nonnull (strstr (json_object_get_string_member (root, "layout"), "[query][key]"));

  att = json_object_get_array_member (root, "attentions");
  g_assert_cmpuint (json_array_get_length (att), ==, N_LAYERS);
  for (guint l = 0; l < N_LAYERS; l++)
    for (guint h = 0; h < N_HEADS; h++)
      for (guint i = 0; i < N_TOKENS; i++)
        for (guint j = 0; j < N_TOKENS; j++)
          {
            JsonArray *row = json_array_get_array_element (
                json_array_get_array_element (json_array_get_array_element (att, l), h), i);

            g_assert_cmpuint (json_array_get_length (row), ==, N_TOKENS);
            g_assert_cmpfloat (json_array_get_double_element (row, j), ==, cell_value (l, h, i, j));
          }

  prediction =
      json_array_get_object_element (json_object_get_array_member (root, "predictions"), 0);
  g_assert_cmpint (json_object_get_int_member (prediction, "position"), ==, 3);
  candidate =
      json_array_get_object_element (json_object_get_array_member (prediction, "candidates"), 0);
  g_assert_cmpstr (json_object_get_string_member (candidate, "token"), ==, "sat");
  g_assert_cmpint (json_object_get_int_member (candidate, "id"), ==, 4020);
  g_assert_cmpfloat (json_object_get_double_member (candidate, "probability"), ==, 0.625);
  remove_dir (dir);
}

static void
test_npy (void)
{
  g_autoptr (AttentionResult) result = make_result ();
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autofree char *dir = g_dir_make_tmp ("attention-npy-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "attention.npy", NULL);
  g_autofree char *sidecar = g_build_filename (dir, "attention.npy.json", NULL);
  g_autofree char *contents = NULL;
  g_autofree char *header = NULL;
  JsonObject *root;
  JsonArray *shape;
  gsize length, header_len, offset;
  const float *data;

  g_assert_true (attention_export_npy (result, path, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));

  /* Magic, version 1.0, little-endian header length, 64-byte aligned data. */
  g_assert_cmpmem (contents, 8, "\x93NUMPY\x01\x00", 8);
  header_len = (guint8)contents[8] | ((gsize)(guint8)contents[9] << 8);
  offset = 10 + header_len;
  g_assert_cmpuint (offset % 64, ==, 0);
  g_assert_cmpint (contents[offset - 1], ==, '\n');
  header = g_strndup (contents + 10, header_len);
  g_assert_nonnull (strstr (header, "'descr': '<f4'"));
  g_assert_nonnull (strstr (header, "'fortran_order': False"));
  g_assert_nonnull (strstr (header, "'shape': (2, 3, 5, 5)"));
  g_assert_cmpuint (length, ==, offset + N_LAYERS * N_HEADS * N_TOKENS * N_TOKENS * 4);

  data = (const float *)(gconstpointer)(contents + offset);
  for (guint l = 0; l < N_LAYERS; l++)
    for (guint h = 0; h < N_HEADS; h++)
      for (guint i = 0; i < N_TOKENS; i++)
        for (guint j = 0; j < N_TOKENS; j++)
          g_assert_cmpfloat (data[((l * N_HEADS + h) * N_TOKENS + i) * N_TOKENS + j], ==,
                             cell_value (l, h, i, j));

  g_assert_true (json_parser_load_from_file (parser, sidecar, &error));
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (root, "array"), ==, "attention.npy");
  shape = json_object_get_array_member (root, "shape");
  g_assert_cmpint (json_array_get_int_element (shape, 0), ==, N_LAYERS);
  g_assert_cmpint (json_array_get_int_element (shape, 3), ==, N_TOKENS);
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (root, "axes"), 2),
                   ==, "query");
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (root, "tokens"), 0),
                   ==, "[CLS]");

  /* NumPy itself, when the tests know a Python that has it. */
  if (g_getenv ("ATTENTION_PYTHON") != NULL)
    {
      g_autofree char *script = g_strdup_printf (
          "import numpy as np, sys\n"
          "a = np.load(sys.argv[1])\n"
          "assert a.shape == (2, 3, 5, 5) and a.dtype == np.float32, (a.shape, a.dtype)\n"
          "assert a[1, 2, 3, 4] == ((3 + 4 + 1 + 2) %% 5) / 4, a[1, 2, 3, 4]\n");
      const char *argv[] = { g_getenv ("ATTENTION_PYTHON"), "-c", script, path, NULL };
      g_autofree char *err = NULL;
      int status = 0;

      g_assert_true (g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL,
                                   NULL, NULL, &err, &status, &error));
      g_assert_no_error (error);
      if (!g_spawn_check_wait_status (status, NULL))
        g_error ("numpy could not read the file: %s", err);
    }
  remove_dir (dir);
}

/* Every kind of the registry: the files it names, complete, and nothing
 * hidden left. */
static void
test_all_kinds (void)
{
  g_autoptr (AttentionResult) result = make_result ();
  struct
  {
    const char *id;
    guint files;
    const char *first; /* one of them */
  } cases[] = {
    { "png", N_LAYERS * N_HEADS, "Attention_Layer2_Head3.png" },
    { "svg", N_LAYERS * N_HEADS, "Attention_Layer1_Head1.svg" },
    { "pdf", N_LAYERS * N_HEADS + 1, "attention.pdf" },
    { "pdf-pages", 1, "attention.pdf" },
    { "overview-png", 1, "attention-overview.png" },
    { "overview-svg", 1, "attention-overview.svg" },
    { "overview-pdf", 1, "attention-overview.pdf" },
    { "lines-png", N_LAYERS * N_HEADS, "Lines_Layer2_Head3.png" },
    { "lines-svg", N_LAYERS * N_HEADS, "Lines_Layer1_Head2.svg" },
    { "lines-pdf", N_LAYERS * N_HEADS, "Lines_Layer2_Head1.pdf" },
    { "npy", 2, "attention.npy.json" },
    { "json", 1, "attention.json" },
  };

  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *dir = g_dir_make_tmp ("attention-all-XXXXXX", NULL);
      g_autofree char *first = g_build_filename (dir, cases[c].first, NULL);
      guint n_written = 0;

      g_assert_true (write_kind (cases[c].id, result, dir, &n_written, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (n_written, ==, cases[c].files);
      g_assert_cmpuint (count_entries (dir, FALSE), ==, cases[c].files);
      g_assert_cmpuint (count_entries (dir, TRUE), ==, 0);
      g_assert_true (g_file_test (first, G_FILE_TEST_IS_REGULAR));
      remove_dir (dir);
    }
}

static void
test_missing_dir (void)
{
  g_autoptr (AttentionResult) result = make_result ();
  g_autoptr (GError) error = NULL;
  guint n_written = 7;

  g_assert_false (write_kind ("svg", result, "/nonexistent/attention-dir", &n_written, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "0 of 6"));
  g_assert_cmpuint (n_written, ==, 0);
  g_clear_error (&error);
  g_assert_false (attention_export_npy (result, "/nonexistent/a.npy", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
}

/* A full disk part-way through every format: the message says how many files
 * are on disk, those are complete, nothing half-written or temporary is
 * left, and an .npy never stays without the sidecar that describes it. */
static void
test_disk_full (void)
{
  g_autoptr (AttentionResult) result = make_result ();
  struct
  {
    const char *id;
    int after;     /* files that succeed before the failure */
    guint written; /* reported and on disk */
    const char *said;
  } cases[] = {
    { "svg", 2, 2, "Wrote 2 of 6" },       { "pdf", 3, 3, "Wrote 3 of 6" },
    { "pdf", 6, 6, "Wrote 6 of 7" }, /* the multi-page attention.pdf */
    { "lines-png", 4, 4, "Wrote 4 of 6" }, { "npy", 0, 0, "Wrote 0 of 2" }, /* the sidecar */
    { "npy", 1, 0, "Wrote 0 of 2" }, /* the array: sidecar removed */
    { "json", 0, 0, "Wrote 0 of 1" },
  };

  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *dir = g_dir_make_tmp ("attention-full-XXXXXX", NULL);
      guint n_written = 99;
      gboolean ok;

      attention_export_inject_write_failure (cases[c].after, ENOSPC);
      ok = write_kind (cases[c].id, result, dir, &n_written, &error);
      attention_export_inject_write_failure (-1, 0);
      g_assert_false (ok);
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE);
      if (strstr (error->message, cases[c].said) == NULL)
        g_error ("case %u: “%s” does not say “%s”", c, error->message, cases[c].said);
      g_assert_cmpuint (n_written, ==, cases[c].written);
      g_assert_cmpuint (count_entries (dir, FALSE), ==, cases[c].written);
      g_assert_cmpuint (count_entries (dir, TRUE), ==, 0);
      remove_dir (dir);
    }
}

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/export-formats/registry", test_registry);
  g_test_add_func ("/export-formats/svg", test_svg);
  g_test_add_func ("/export-formats/pdf", test_pdf);
  g_test_add_func ("/export-formats/pdf-pages", test_pdf_pages);
  g_test_add_func ("/export-formats/pdf-pages-cancelled", test_pdf_pages_cancelled);
  g_test_add_func ("/export-formats/overview", test_overview);
  g_test_add_func ("/export-formats/json", test_json);
  g_test_add_func ("/export-formats/npy", test_npy);
  g_test_add_func ("/export-formats/all", test_all_kinds);
  g_test_add_func ("/export-formats/missing-dir", test_missing_dir);
  g_test_add_func ("/export-formats/disk-full", test_disk_full);
  return g_test_run ();
}
