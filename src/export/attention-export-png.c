/* attention-export-png.c: the PNG diagram set. PNGs are 8-bit grayscale,
 * encoded by attention-png.c: encoding, not drawing, is where the time goes
 * (PLATFORM-NOTES). */

#include "attention-export-png.h"

#include <glib/gi18n.h>

#include "attention-export-file.h"
#include "attention-export-heads.h"
#include "attention-export-names.h"
#include "attention-export-surface.h"
#include "attention-png.h"
#include "attention-render.h"

/* Diagrams are drawn and encoded a band of rows at a time: a 512-token
 * diagram is 20,680 pixels square, and whole-picture buffers (a 1.7 GB
 * surface and 430 MB of scanlines per worker) took an export of it to
 * 4.4 GB. A band holds at most this many pixels (16 MB of surface). */
#define BAND_PIXELS (4 * 1024 * 1024)

/* The band surface and the encoded bytes, kept across files by one worker:
 * reallocating megabytes per file costs page faults on these VMs. */
typedef struct
{
  cairo_surface_t *surface;
  GByteArray *bytes;
  int width;
  int band; /* rows */
} Canvas;

static void
canvas_clear (Canvas *canvas)
{
  g_clear_pointer (&canvas->surface, cairo_surface_destroy);
  g_clear_pointer (&canvas->bytes, g_byte_array_unref);
}

static gpointer
canvas_new (void)
{
  return g_new0 (Canvas, 1);
}

static void
canvas_free (gpointer canvas)
{
  canvas_clear (canvas);
  g_free (canvas);
}

static gboolean
canvas_ensure (Canvas *canvas, int width, int band, GError **error)
{
  if (canvas->surface != NULL && canvas->width == width && canvas->band == band)
    return TRUE;

  canvas_clear (canvas);
  canvas->surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, width, band);
  if (cairo_surface_status (canvas->surface) != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _ ("Could not draw a %d × %d image: %s"),
                   width, band, cairo_status_to_string (cairo_surface_status (canvas->surface)));
      canvas_clear (canvas);
      return FALSE;
    }
  canvas->bytes = g_byte_array_new ();
  canvas->width = width;
  canvas->band = band;
  return TRUE;
}

/* Draws rows [y, y + rows) of the diagram into the band surface and turns
 * them into PNG scanlines: everything drawn is grey. */
static void
render_band (Canvas *canvas,
             const AttentionRenderStyle *style,
             AttentionResult *result,
             guint layer,
             guint head,
             int y,
             int rows,
             guint8 *scanlines)
{
  cairo_t *cr = cairo_create (canvas->surface);

  cairo_rectangle (cr, 0, 0, canvas->width, rows);
  cairo_clip (cr);
  cairo_translate (cr, 0, -y);
  attention_render_matrix (cr, style, attention_result_get_matrix (result, layer, head),
                           attention_result_get_n_tokens (result),
                           attention_result_get_tokens (result));
  cairo_destroy (cr);
  cairo_surface_flush (canvas->surface);
  attention_export_grey_scanlines (cairo_image_surface_get_data (canvas->surface),
                                   cairo_image_surface_get_stride (canvas->surface), canvas->width,
                                   rows, scanlines);
}

/* Writes and empties the encoded bytes. */
static void
flush_bytes (Canvas *canvas, AttentionExportFile *file)
{
  attention_export_file_write (file, canvas->bytes->data, canvas->bytes->len);
  g_byte_array_set_size (canvas->bytes, 0);
}

static gboolean
write_head (const AttentionExportRequest *request,
            gpointer scratch,
            guint layer,
            guint head,
            const char *caption,
            const char *path,
            GError **error)
{
  Canvas *canvas = scratch;
  AttentionRenderStyle style;
  g_autoptr (AttentionPngWriter) writer = NULL;
  AttentionExportFile *file;
  gboolean cancelled = FALSE;
  double width, height;
  int w, h, band;

  attention_render_style_init_export (&style);
  style.caption = caption;
  style.hatch_from = attention_result_get_hatch_from (request->result);
  attention_render_get_size (&style, attention_result_get_n_tokens (request->result), &width,
                             &height);
  w = (int)width;
  h = (int)height;
  band = CLAMP (BAND_PIXELS / MAX (w, 1), 1, h);
  if (!canvas_ensure (canvas, w, band, error))
    return FALSE;
  file = attention_export_file_open (path, error);
  if (file == NULL)
    return FALSE;

  writer = attention_png_writer_new ((guint)w, (guint)h, (guint)band);
  attention_png_writer_begin (writer, canvas->bytes);
  attention_png_append_text (canvas->bytes, ATTENTION_EXPORT_SENTENCE_KEY,
                             attention_result_get_text (request->result));
  for (int y = 0; y < h && !cancelled && !attention_export_file_failed (file); y += band)
    {
      int rows = MIN (band, h - y);

      render_band (canvas, &style, request->result, layer, head, y, rows,
                   attention_png_writer_rows (writer, (guint)rows));
      attention_png_writer_push (writer, (guint)rows, canvas->bytes);
      flush_bytes (canvas, file);
      /* A big diagram takes seconds: a cancel (or a quit) need not wait. */
      cancelled = g_cancellable_is_cancelled (request->cancellable);
    }
  if (cancelled)
    {
      g_byte_array_set_size (canvas->bytes, 0);
      attention_export_file_discard (file);
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, _ ("Cancelled"));
      return FALSE;
    }
  if (!attention_export_file_failed (file))
    {
      attention_png_writer_end (writer, canvas->bytes);
      flush_bytes (canvas, file);
    }
  g_byte_array_set_size (canvas->bytes, 0);
  return attention_export_file_close (file, NULL, error);
}

gboolean
attention_export_png_set (const AttentionExportRequest *request, guint *n_written, GError **error)
{
  static const AttentionExportHeads heads = {
    .file_name = attention_export_file_name,
    .write = write_head,
    .parallel = TRUE,
    .scratch_new = canvas_new,
    .scratch_free = canvas_free,
  };

  return attention_export_heads (request, &heads, n_written, error);
}
