/* attention-export-formats.c: SVG and PDF diagrams, the overview grid as one
 * image, and the raw tensor as JSON and NumPy .npy for work in Python. Every
 * file is written under a temporary name and renamed, like the PNGs. */

#include "attention-export.h"
#include "attention-export-private.h"

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "attention-grid.h"
#include "attention-lines-render.h"
#include "attention-png.h"
#include "attention-render.h"
#include "attention-shutdown.h"
#include "attention-tempfiles.h"

/* Indexed by AttentionExportFormat. */
static const char *const format_names[] = { "png",  "svg",       "pdf",       "npy",
                                            "json", "lines-png", "lines-svg", "lines-pdf" };
G_STATIC_ASSERT (G_N_ELEMENTS (format_names) == ATTENTION_N_EXPORT_FORMATS);

gboolean
attention_export_format_from_string (const char *name, AttentionExportFormat *format)
{
  for (guint i = 0; name != NULL && i < G_N_ELEMENTS (format_names); i++)
    if (g_ascii_strcasecmp (name, format_names[i]) == 0)
      {
        if (format)
          *format = (AttentionExportFormat)i;
        return TRUE;
      }
  return FALSE;
}

const char *
attention_export_format_to_string (AttentionExportFormat format)
{
  g_return_val_if_fail ((guint)format < G_N_ELEMENTS (format_names), "png");
  return format_names[format];
}

const char *
attention_export_format_list (void)
{
  static char *list;

  if (g_once_init_enter (&list))
    {
      GString *out = g_string_new (NULL);

      for (guint i = 0; i < G_N_ELEMENTS (format_names); i++)
        g_string_append_printf (out, "%s%s", i > 0 ? ", " : "", format_names[i]);
      g_once_init_leave (&list, g_string_free (out, FALSE));
    }
  return list;
}

const char *
attention_export_format_extension (AttentionExportFormat format)
{
  const char *name = attention_export_format_to_string (format);

  return g_str_has_prefix (name, "lines-") ? name + strlen ("lines-") : name;
}

/* --- atomic files ----------------------------------------------------------- */

typedef struct
{
  char *path;
  char *tmp;
  FILE *file;
  int err;        /* first write errno */
  int inject_err; /* tests: fail part-way with this errno (attention-export-private.h) */
  int slot;       /* in attention-tempfiles.h, so a signal or a quit removes it */
} AtomicFile;

static gboolean
atomic_open (AtomicFile *af, const char *path, GError **error)
{
  int fd, err;

  memset (af, 0, sizeof *af);
  af->path = g_strdup (path);
  fd = attention_tempfiles_create (path, &af->tmp, &af->slot);
  if (fd < 0)
    {
      err = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (err), _ ("Could not create “%s”: %s"),
                   path, g_strerror (err));
      g_clear_pointer (&af->path, g_free);
      g_clear_pointer (&af->tmp, g_free);
      return FALSE;
    }
  af->file = fdopen (fd, "wb");
  if (af->file == NULL)
    {
      err = errno;
      close (fd);
      g_unlink (af->tmp);
      attention_tempfiles_forget (af->slot);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (err), _ ("Could not write “%s”: %s"),
                   path, g_strerror (err));
      g_clear_pointer (&af->path, g_free);
      g_clear_pointer (&af->tmp, g_free);
      return FALSE;
    }
  af->inject_err = attention_export_inject_begin_file ();
  return TRUE;
}

static void
atomic_write (AtomicFile *af, const void *data, gsize length)
{
  /* An injected failure strikes after part of the file is out, as a full
   * disk does. */
  if (af->err == 0 && af->inject_err != 0)
    {
      if (fwrite (data, 1, length / 2, af->file) == length / 2)
        af->err = af->inject_err;
      else
        af->err = errno ? errno : EIO;
      return;
    }
  if (af->err == 0 && length > 0 && fwrite (data, 1, length, af->file) != length)
    af->err = errno ? errno : EIO;
}

/* Closes, and renames into place if everything went well; else removes the
 * temporary file. `failure` is a reason already found by the caller (e.g. a
 * Cairo status), NULL if none. */
static gboolean
atomic_close (AtomicFile *af, const char *failure, GError **error)
{
  gboolean ok = FALSE;
  int err = af->err;

  if (fclose (af->file) != 0 && err == 0)
    err = errno ? errno : EIO;
  if (err == 0 && failure == NULL && g_rename (af->tmp, af->path) != 0)
    err = errno;

  if (err != 0)
    g_set_error (error, G_IO_ERROR, g_io_error_from_errno (err), _ ("Could not write “%s”: %s"),
                 af->path, g_strerror (err));
  else if (failure != NULL)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _ ("Could not write “%s”: %s"), af->path,
                 failure);
  else
    ok = TRUE;

  if (!ok)
    g_unlink (af->tmp);
  attention_tempfiles_forget (af->slot);
  g_free (af->path);
  g_free (af->tmp);
  return ok;
}

static cairo_status_t
cairo_sink (void *closure, const unsigned char *data, unsigned int length)
{
  AtomicFile *af = closure;

  atomic_write (af, data, length);
  return af->err == 0 ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

/* SVG in px, not Cairo's default pt, so viewers show it at the PNG's size. */
static cairo_surface_t *
svg_surface_new (AtomicFile *af, double width, double height)
{
  cairo_surface_t *surface = cairo_svg_surface_create_for_stream (cairo_sink, af, width, height);

  cairo_svg_surface_set_document_unit (surface, CAIRO_SVG_UNIT_PX);
  return surface;
}

/* --- diagrams ----------------------------------------------------------------- */

static char *
make_caption (AttentionResult *result, guint layer, guint head, const char *model_name)
{
  g_autofree char *where = g_strdup_printf (_ ("Layer %u, Head %u"), layer + 1, head + 1);

  if (model_name != NULL && model_name[0] != '\0')
    return g_strdup_printf ("%s · %s\n%s", where, model_name, attention_result_get_text (result));
  return g_strdup_printf ("%s\n%s", where, attention_result_get_text (result));
}

static void
vector_style (AttentionRenderStyle *style, const char *caption)
{
  attention_render_style_init_export (style);
  style->caption = caption;
  style->vector_cells = TRUE;
}

static void
draw_diagram (cairo_t *cr, AttentionResult *result, guint layer, guint head, const char *caption)
{
  AttentionRenderStyle style;

  vector_style (&style, caption);
  attention_render_matrix (cr, &style, attention_result_get_matrix (result, layer, head),
                           attention_result_get_n_tokens (result),
                           attention_result_get_tokens (result));
}

static void
diagram_size (AttentionResult *result, const char *caption, double *width, double *height)
{
  AttentionRenderStyle style;

  vector_style (&style, caption);
  attention_render_get_size (&style, attention_result_get_n_tokens (result), width, height);
}

/* Finishes a surface and turns its status into a reason (or NULL). */
static const char *
finish_surface (cairo_surface_t *surface)
{
  cairo_status_t status;

  cairo_surface_finish (surface);
  status = cairo_surface_status (surface);
  return status == CAIRO_STATUS_SUCCESS ? NULL : cairo_status_to_string (status);
}

static gboolean
export_vector (AttentionResult *result,
               guint layer,
               guint head,
               const char *caption,
               const char *path,
               gboolean pdf,
               GError **error)
{
  AtomicFile af;
  cairo_surface_t *surface;
  const char *failure;
  double width, height;
  cairo_t *cr;

  g_return_val_if_fail (ATTENTION_IS_RESULT (result), FALSE);
  g_return_val_if_fail (layer < attention_result_get_n_layers (result), FALSE);
  g_return_val_if_fail (head < attention_result_get_n_heads (result), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  if (!atomic_open (&af, path, error))
    return FALSE;
  diagram_size (result, caption, &width, &height);
  surface = pdf ? cairo_pdf_surface_create_for_stream (cairo_sink, &af, width, height)
                : svg_surface_new (&af, width, height);
  cr = cairo_create (surface);
  draw_diagram (cr, result, layer, head, caption);
  cairo_destroy (cr);
  failure = finish_surface (surface);
  cairo_surface_destroy (surface);
  return atomic_close (&af, failure, error);
}

gboolean
attention_export_svg (AttentionResult *result,
                      guint layer,
                      guint head,
                      const char *caption,
                      const char *path,
                      GError **error)
{
  return export_vector (result, layer, head, caption, path, FALSE, error);
}

gboolean
attention_export_pdf (AttentionResult *result,
                      guint layer,
                      guint head,
                      const char *caption,
                      const char *path,
                      GError **error)
{
  return export_vector (result, layer, head, caption, path, TRUE, error);
}

gboolean
attention_export_pdf_pages (AttentionResult *result,
                            const char *path,
                            const char *model_name,
                            AttentionExportProgress progress,
                            gpointer progress_data,
                            GCancellable *cancellable,
                            GError **error)
{
  guint n_layers, n_heads, total, done = 0;
  cairo_surface_t *surface;
  const char *failure;
  AtomicFile af;
  cairo_t *cr;

  g_return_val_if_fail (ATTENTION_IS_RESULT (result), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  n_layers = attention_result_get_n_layers (result);
  n_heads = attention_result_get_n_heads (result);
  total = n_layers * n_heads;
  if (!atomic_open (&af, path, error))
    return FALSE;

  surface = cairo_pdf_surface_create_for_stream (cairo_sink, &af, 100, 100);
  cr = cairo_create (surface);
  for (guint l = 0; l < n_layers; l++)
    for (guint h = 0; h < n_heads; h++)
      {
        g_autofree char *caption = NULL;
        double width, height;

        if (g_cancellable_is_cancelled (cancellable) || af.err != 0)
          goto out;
        caption = make_caption (result, l, h, model_name);
        diagram_size (result, caption, &width, &height);
        cairo_pdf_surface_set_size (surface, width, height);
        draw_diagram (cr, result, l, h, caption);
        cairo_show_page (cr);
        done++;
        if (progress)
          progress (done, total, progress_data);
      }
out:
  cairo_destroy (cr);
  failure = finish_surface (surface);
  cairo_surface_destroy (surface);
  if (done < total && failure == NULL && af.err == 0)
    {
      /* Cancelled: no partial file is left. */
      atomic_close (&af, "cancelled", NULL);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                   _ ("Cancelled after %u of %u pages of “%s”."), done, total, path);
      return FALSE;
    }
  return atomic_close (&af, failure, error);
}

/* --- overview ----------------------------------------------------------------- */

gboolean
attention_export_overview (AttentionResult *result,
                           AttentionExportFormat format,
                           AttentionColormap colormap,
                           const char *path,
                           GError **error)
{
  AttentionGridStyle style;
  cairo_surface_t *surface;
  const char *failure;
  double width, height;
  guint n_layers, n_heads, n;
  AtomicFile af;
  cairo_t *cr;

  g_return_val_if_fail (ATTENTION_IS_RESULT (result), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  if (format != ATTENTION_EXPORT_PNG && format != ATTENTION_EXPORT_SVG &&
      format != ATTENTION_EXPORT_PDF)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   _ ("The overview can be saved as PNG, SVG or PDF, not as %s."),
                   attention_export_format_to_string (format));
      return FALSE;
    }

  n_layers = attention_result_get_n_layers (result);
  n_heads = attention_result_get_n_heads (result);
  n = attention_result_get_n_tokens (result);
  attention_grid_style_init (&style);
  style.colormap = colormap;
  /* At least two pixels per token so long sentences stay legible. */
  style.thumb = MAX (64, 2 * n);
  attention_grid_get_size (&style, n_layers, n_heads, &width, &height);

  if (!atomic_open (&af, path, error))
    return FALSE;
  if (format == ATTENTION_EXPORT_PNG)
    surface =
        cairo_image_surface_create (CAIRO_FORMAT_RGB24, (int)ceil (width), (int)ceil (height));
  else if (format == ATTENTION_EXPORT_SVG)
    surface = svg_surface_new (&af, width, height);
  else
    surface = cairo_pdf_surface_create_for_stream (cairo_sink, &af, width, height);

  cr = cairo_create (surface);
  attention_grid_draw (cr, &style, attention_result_get_attentions (result), n_layers, n_heads, n);
  cairo_destroy (cr);
  if (format == ATTENTION_EXPORT_PNG)
    {
      cairo_status_t status = cairo_surface_status (surface);

      if (status == CAIRO_STATUS_SUCCESS)
        status = cairo_surface_write_to_png_stream (surface, cairo_sink, &af);
      failure = status == CAIRO_STATUS_SUCCESS ? NULL : cairo_status_to_string (status);
    }
  else
    failure = finish_surface (surface);
  cairo_surface_destroy (surface);
  return atomic_close (&af, failure, error);
}

/* --- lines ------------------------------------------------------------------- */

char *
attention_export_lines_file_name (guint layer, guint head, const char *extension)
{
  return g_strdup_printf ("Lines_Layer%u_Head%u.%s", layer + 1, head + 1,
                          extension ? extension : "png");
}

/* A grey picture (one head, grayscale) goes through the fast 8-bit encoder
 * the diagram set uses; colour through Cairo's. */
static const char *
write_png (cairo_surface_t *surface, gboolean grey, AtomicFile *af)
{
  cairo_status_t status = cairo_surface_status (surface);
  g_autoptr (GByteArray) file = NULL;
  g_autofree guint8 *scanlines = NULL;
  const guint8 *data;
  int width, height, stride;

  if (status != CAIRO_STATUS_SUCCESS)
    return cairo_status_to_string (status);
  if (!grey)
    {
      status = cairo_surface_write_to_png_stream (surface, cairo_sink, af);
      return status == CAIRO_STATUS_SUCCESS ? NULL : cairo_status_to_string (status);
    }

  cairo_surface_flush (surface);
  width = cairo_image_surface_get_width (surface);
  height = cairo_image_surface_get_height (surface);
  stride = cairo_image_surface_get_stride (surface);
  data = cairo_image_surface_get_data (surface);
  scanlines = g_malloc (attention_png_scanlines_size (width, height));
  for (int y = 0; y < height; y++)
    {
      const guint32 *row = (const guint32 *)(gconstpointer)(data + (gsize)y * stride);
      guint8 *out = scanlines + (gsize)y * (width + 1);

      out[0] = 0;
      for (int x = 0; x < width; x++)
        out[x + 1] = (guint8)(row[x] >> 8);
    }
  file = g_byte_array_new ();
  attention_png_encode_gray (file, scanlines, (guint)width, (guint)height);
  atomic_write (af, file->data, file->len);
  return NULL;
}

gboolean
attention_export_lines (AttentionResult *result,
                        guint layer,
                        const guint *heads,
                        guint n_shown,
                        AttentionColormap colormap,
                        float threshold,
                        AttentionExportFormat format,
                        const char *caption,
                        const char *path,
                        GError **error)
{
  g_autofree const float **matrices = NULL;
  AttentionLinesStyle style;
  cairo_surface_t *surface;
  const char *failure;
  double width, height;
  guint n, n_heads;
  guint8 rgb[3];
  AtomicFile af;
  cairo_t *cr;

  g_return_val_if_fail (ATTENTION_IS_RESULT (result), FALSE);
  g_return_val_if_fail (layer < attention_result_get_n_layers (result), FALSE);
  g_return_val_if_fail (heads != NULL || n_shown == 0, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  if (format == ATTENTION_EXPORT_LINES_PNG)
    format = ATTENTION_EXPORT_PNG;
  else if (format == ATTENTION_EXPORT_LINES_SVG)
    format = ATTENTION_EXPORT_SVG;
  else if (format == ATTENTION_EXPORT_LINES_PDF)
    format = ATTENTION_EXPORT_PDF;
  if (format != ATTENTION_EXPORT_PNG && format != ATTENTION_EXPORT_SVG &&
      format != ATTENTION_EXPORT_PDF)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   _ ("The lines can be saved as PNG, SVG or PDF, not as %s."),
                   attention_export_format_to_string (format));
      return FALSE;
    }

  n = attention_result_get_n_tokens (result);
  n_heads = attention_result_get_n_heads (result);
  matrices = g_new (const float *, MAX (n_shown, 1));
  for (guint k = 0; k < n_shown; k++)
    {
      g_return_val_if_fail (heads[k] < n_heads, FALSE);
      matrices[k] = attention_result_get_matrix (result, layer, heads[k]);
    }

  attention_lines_style_init_export (&style);
  style.colormap = colormap;
  style.threshold = threshold;
  style.caption = caption;
  /* PNG: the same rasteriser as the view; SVG and PDF: vector strokes. */
  style.raster_scale = format == ATTENTION_EXPORT_PNG ? 1 : 0;
  /* One head: the lines fade into the colour map's own zero. */
  attention_colormap_rgb (n_shown > 1 ? ATTENTION_COLORMAP_GRAY : colormap, 0, rgb);
  for (guint c = 0; c < 3; c++)
    style.bg[c] = rgb[c] / 255.0;
  style.label_width =
      attention_lines_measure_labels (&style, attention_result_get_tokens (result), n, 400);
  attention_lines_get_size (&style, n, &width, &height);

  if (!atomic_open (&af, path, error))
    return FALSE;
  if (format == ATTENTION_EXPORT_PNG)
    surface =
        cairo_image_surface_create (CAIRO_FORMAT_RGB24, (int)ceil (width), (int)ceil (height));
  else if (format == ATTENTION_EXPORT_SVG)
    surface = svg_surface_new (&af, width, height);
  else
    surface = cairo_pdf_surface_create_for_stream (cairo_sink, &af, width, height);
  cr = cairo_create (surface);
  attention_lines_draw (cr, &style, matrices, heads, n_shown, n_heads, n,
                        attention_result_get_tokens (result));
  cairo_destroy (cr);
  if (format == ATTENTION_EXPORT_PNG)
    failure = write_png (surface, n_shown <= 1 && colormap == ATTENTION_COLORMAP_GRAY, &af);
  else
    failure = finish_surface (surface);
  cairo_surface_destroy (surface);
  return atomic_close (&af, failure, error);
}

/* --- data ------------------------------------------------------------------------- */

static void
append_json_string (GString *out, const char *s)
{
  g_string_append_c (out, '"');
  for (const char *p = s; p != NULL && *p; p++)
    {
      guchar c = (guchar)*p;

      if (c == '"' || c == '\\')
        g_string_append_printf (out, "\\%c", c);
      else if (c == '\n')
        g_string_append (out, "\\n");
      else if (c == '\t')
        g_string_append (out, "\\t");
      else if (c == '\r')
        g_string_append (out, "\\r");
      else if (c < 0x20)
        g_string_append_printf (out, "\\u%04x", c);
      else
        g_string_append_c (out, (char)c);
    }
  g_string_append_c (out, '"');
}

static void
append_json_float (GString *out, double value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  /* JSON has no NaN; %.9g round-trips a float32 exactly, in the C locale. */
  if (!isfinite (value))
    g_string_append (out, "null");
  else
    g_string_append (out, g_ascii_formatd (buf, sizeof buf, "%.9g", value));
}

/* Everything but the tensor, as members of an open object. */
static void
append_metadata (GString *out, AttentionResult *result)
{
  guint n = attention_result_get_n_tokens (result);
  guint n_predictions = attention_result_get_n_predictions (result);

  g_string_append (out, "\"text\": ");
  append_json_string (out, attention_result_get_text (result));
  g_string_append_printf (out,
                          ",\n\"n_layers\": %u,\n\"n_heads\": %u,\n\"n_tokens\": %u,\n"
                          "\"layout\": \"attentions[layer][head][query][key]: row = the token "
                          "attending (query), column = the token attended to (key); each row "
                          "sums to 1; layers and heads from 0\",\n\"tokens\": [",
                          attention_result_get_n_layers (result),
                          attention_result_get_n_heads (result), n);
  for (guint i = 0; i < n; i++)
    {
      if (i > 0)
        g_string_append (out, ", ");
      append_json_string (out, attention_result_get_token (result, i));
    }
  g_string_append (out, "],\n\"ids\": [");
  for (guint i = 0; i < n; i++)
    g_string_append_printf (out, "%s%" G_GINT64_FORMAT, i > 0 ? ", " : "",
                            attention_result_get_id (result, i));
  g_string_append (out, "],\n\"predictions\": [");
  for (guint p = 0; p < n_predictions; p++)
    {
      guint n_candidates = 0;
      const AttentionCandidate *candidates =
          attention_result_get_candidates (result, p, &n_candidates);

      g_string_append_printf (out, "%s\n  {\"position\": %u, \"candidates\": [", p > 0 ? "," : "",
                              attention_result_get_prediction_position (result, p));
      for (guint c = 0; c < n_candidates; c++)
        {
          g_string_append_printf (out, "%s{\"token\": ", c > 0 ? ", " : "");
          append_json_string (out, candidates[c].token);
          g_string_append_printf (
              out, ", \"id\": %" G_GINT64_FORMAT ", \"probability\": ", candidates[c].id);
          append_json_float (out, candidates[c].probability);
          g_string_append_c (out, '}');
        }
      g_string_append (out, "]}");
    }
  g_string_append (out, "]");
}

static gboolean
write_string_atomically (const char *path, GString *contents, GError **error)
{
  AtomicFile af;

  if (!atomic_open (&af, path, error))
    return FALSE;
  atomic_write (&af, contents->str, contents->len);
  return atomic_close (&af, NULL, error);
}

/* Writes out what out holds once it passes a megabyte (or always with
 * `all`): the JSON of a 512-token bert-base tensor is 400 MB of text, which
 * was held whole before it was written. */
static void
flush_text (AtomicFile *af, GString *out, gboolean all)
{
  if (!all && out->len < 1024 * 1024)
    return;
  atomic_write (af, out->str, out->len);
  g_string_truncate (out, 0);
}

gboolean
attention_export_json (AttentionResult *result, const char *path, GError **error)
{
  g_autoptr (GString) out = NULL;
  guint n_layers, n_heads, n;
  const float *att;
  AtomicFile af;

  g_return_val_if_fail (ATTENTION_IS_RESULT (result), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  n_layers = attention_result_get_n_layers (result);
  n_heads = attention_result_get_n_heads (result);
  n = attention_result_get_n_tokens (result);
  att = attention_result_get_attentions (result);

  /* Written by hand: a JsonNode per weight would cost ~100 bytes each, a
   * quarter of a gigabyte for bert-base at 128 tokens. */
  if (!atomic_open (&af, path, error))
    return FALSE;
  out = g_string_sized_new (2 * 1024 * 1024);
  g_string_append (out, "{\n\"format\": \"attention-export\",\n\"version\": 1,\n");
  append_metadata (out, result);
  g_string_append (out, ",\n\"attentions\": [");
  for (guint l = 0; l < n_layers; l++)
    {
      g_string_append (out, l > 0 ? ",\n [" : "\n [");
      for (guint h = 0; h < n_heads; h++)
        {
          g_string_append (out, h > 0 ? ",\n  [" : "\n  [");
          for (guint i = 0; i < n; i++)
            {
              const float *row = att + (((gsize)l * n_heads + h) * n + i) * n;

              g_string_append (out, i > 0 ? ", [" : "[");
              for (guint j = 0; j < n; j++)
                {
                  if (j > 0)
                    g_string_append (out, ", ");
                  append_json_float (out, row[j]);
                }
              g_string_append_c (out, ']');
              flush_text (&af, out, FALSE);
            }
          g_string_append_c (out, ']');
        }
      g_string_append (out, "]");
    }
  g_string_append (out, "]\n}\n");
  flush_text (&af, out, TRUE);
  return atomic_close (&af, NULL, error);
}

gboolean
attention_export_npy (AttentionResult *result, const char *path, GError **error)
{
  g_autoptr (GString) header = NULL;
  g_autoptr (GString) sidecar = NULL;
  g_autofree char *sidecar_path = NULL;
  g_autofree char *base = NULL;
  guint n_layers, n_heads, n;
  const float *att;
  gsize count;
  guint16 header_len;
  AtomicFile af;

  g_return_val_if_fail (ATTENTION_IS_RESULT (result), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  n_layers = attention_result_get_n_layers (result);
  n_heads = attention_result_get_n_heads (result);
  n = attention_result_get_n_tokens (result);
  att = attention_result_get_attentions (result);
  count = (gsize)n_layers * n_heads * n * n;

  /* NPY 1.0: magic, version, little-endian header length, then a Python
   * dict literal padded with spaces and a newline so the data starts on a
   * 64-byte boundary. */
  header = g_string_new (NULL);
  g_string_printf (header, "{'descr': '<f4', 'fortran_order': False, 'shape': (%u, %u, %u, %u), }",
                   n_layers, n_heads, n, n);
  while ((10 + header->len + 1) % 64 != 0)
    g_string_append_c (header, ' ');
  g_string_append_c (header, '\n');
  header_len = GUINT16_TO_LE ((guint16)header->len);

  /* The sidecar first and removed again if the array cannot be written:
   * both files or neither, never an array nobody can read the layout of. */
  base = g_path_get_basename (path);
  sidecar = g_string_new ("{\n\"format\": \"attention-export\",\n\"version\": 1,\n\"array\": ");
  append_json_string (sidecar, base);
  g_string_append_printf (sidecar,
                          ",\n\"dtype\": \"float32\",\n\"shape\": [%u, %u, %u, %u],\n"
                          "\"axes\": [\"layer\", \"head\", \"query\", \"key\"],\n",
                          n_layers, n_heads, n, n);
  append_metadata (sidecar, result);
  g_string_append (sidecar, "\n}\n");
  sidecar_path = g_strconcat (path, ".json", NULL);
  if (!write_string_atomically (sidecar_path, sidecar, error))
    return FALSE;

  if (!atomic_open (&af, path, error))
    {
      g_unlink (sidecar_path);
      return FALSE;
    }
  atomic_write (&af, "\x93NUMPY\x01\x00", 8);
  atomic_write (&af, &header_len, 2);
  atomic_write (&af, header->str, header->len);
#if G_BYTE_ORDER == G_LITTLE_ENDIAN
  atomic_write (&af, att, count * sizeof (float));
#else
  for (gsize k = 0; k < count; k++)
    {
      guint32 bits;

      memcpy (&bits, &att[k], 4);
      bits = GUINT32_TO_LE (bits);
      atomic_write (&af, &bits, 4);
    }
#endif
  if (!atomic_close (&af, NULL, error))
    {
      g_unlink (sidecar_path);
      return FALSE;
    }
  return TRUE;
}

/* --- a whole directory ---------------------------------------------------------- */

/* Every failure says how much of the set is on disk. */
static void
prefix_count (GError **error, guint done, guint total, const char *dir)
{
  g_prefix_error (error, _ ("Wrote %u of %u files to “%s”: "), done, total, dir);
}

static gboolean
export_all_format (AttentionResult *result,
                   AttentionExportFormat format,
                   const char *dir,
                   const char *model_name,
                   AttentionExportProgress progress,
                   gpointer progress_data,
                   GCancellable *cancellable,
                   guint *n_written,
                   GError **error)
{
  g_autofree char *path = NULL;
  guint n_layers, n_heads, total, done = 0;
  gboolean ok = TRUE;
  gboolean lines = format == ATTENTION_EXPORT_LINES_PNG || format == ATTENTION_EXPORT_LINES_SVG ||
                   format == ATTENTION_EXPORT_LINES_PDF;

  g_return_val_if_fail (ATTENTION_IS_RESULT (result), FALSE);
  g_return_val_if_fail (dir != NULL, FALSE);

  if (n_written)
    *n_written = 0;
  switch (format)
    {
      case ATTENTION_EXPORT_PNG:
        return attention_export_all_png (result, dir, model_name, progress, progress_data,
                                         cancellable, n_written, error);
      case ATTENTION_EXPORT_JSON:
        path = g_build_filename (dir, "attention.json", NULL);
        ok = attention_export_json (result, path, error);
        if (!ok)
          prefix_count (error, 0, 1, dir);
        if (n_written)
          *n_written = ok ? 1 : 0;
        return ok;
      case ATTENTION_EXPORT_NPY:
        path = g_build_filename (dir, "attention.npy", NULL);
        ok = attention_export_npy (result, path, error);
        if (!ok)
          prefix_count (error, 0, 2, dir);
        if (n_written)
          *n_written = ok ? 2 : 0;
        return ok;
      case ATTENTION_EXPORT_LINES_PNG:
      case ATTENTION_EXPORT_LINES_SVG:
      case ATTENTION_EXPORT_LINES_PDF:
      case ATTENTION_EXPORT_SVG:
      case ATTENTION_EXPORT_PDF:
      case ATTENTION_N_EXPORT_FORMATS:
      default:
        break;
    }

  n_layers = attention_result_get_n_layers (result);
  n_heads = attention_result_get_n_heads (result);
  total = n_layers * n_heads;
  for (guint l = 0; l < n_layers && ok; l++)
    for (guint h = 0; h < n_heads && ok; h++)
      {
        g_autofree char *caption = make_caption (result, l, h, model_name);
        g_autofree char *name = NULL;
        g_autofree char *file = NULL;
        g_autoptr (GError) local = NULL;

        if (g_cancellable_is_cancelled (cancellable))
          {
            g_set_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                         _ ("Cancelled after writing %u of %u diagrams to “%s”."), done, total,
                         dir);
            ok = FALSE;
            break;
          }
        if (lines)
          name =
              attention_export_lines_file_name (l, h, attention_export_format_extension (format));
        else
          name = attention_export_file_name (l, h, attention_export_format_to_string (format));
        file = g_build_filename (dir, name, NULL);
        if (lines ? !attention_export_lines (result, l, &h, 1, ATTENTION_COLORMAP_GRAY,
                                             ATTENTION_EXPORT_LINES_THRESHOLD, format, caption,
                                             file, &local)
                  : !export_vector (result, l, h, caption, file, format == ATTENTION_EXPORT_PDF,
                                    &local))
          {
            g_set_error (error, local->domain, local->code,
                         _ ("Wrote %u of %u diagrams to “%s”: %s"), done, total, dir,
                         local->message);
            ok = FALSE;
            break;
          }
        done++;
        if (progress)
          progress (done, total, progress_data);
      }

  if (ok && format == ATTENTION_EXPORT_PDF)
    {
      path = g_build_filename (dir, "attention.pdf", NULL);
      ok = attention_export_pdf_pages (result, path, model_name, NULL, NULL, cancellable, error);
      if (ok)
        done++;
      else
        prefix_count (error, done, total + 1, dir);
    }
  if (n_written)
    *n_written = done;
  return ok;
}

gboolean
attention_export_all_format (AttentionResult *result,
                             AttentionExportFormat format,
                             const char *dir,
                             const char *model_name,
                             AttentionExportProgress progress,
                             gpointer progress_data,
                             GCancellable *cancellable,
                             guint *n_written,
                             GError **error)
{
  gboolean ok;

  /* A quitting app waits for this (attention-shutdown.h). */
  attention_shutdown_worker_begin ();
  ok = export_all_format (result, format, dir, model_name, progress, progress_data, cancellable,
                          n_written, error);
  attention_shutdown_worker_end ();
  return ok;
}
