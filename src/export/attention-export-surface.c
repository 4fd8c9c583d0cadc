/* attention-export-surface.c: Cairo surfaces writing into export files */

#include "attention-export-surface.h"

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <math.h>

#include "attention-export-names.h"
#include "attention-export-sentence.h"
#include "attention-png.h"

static cairo_status_t
write_to_file (void *closure, const unsigned char *data, unsigned int length)
{
  AttentionExportFile *file = closure;

  attention_export_file_write (file, data, length);
  return attention_export_file_failed (file) ? CAIRO_STATUS_WRITE_ERROR : CAIRO_STATUS_SUCCESS;
}

static const cairo_user_data_key_t stream_key;

cairo_surface_t *
attention_export_surface_new (AttentionExportFile *file,
                              AttentionExportFormat format,
                              double width,
                              double height,
                              const char *sentence)
{
  cairo_surface_t *surface;
  cairo_write_func_t write = write_to_file;
  gpointer closure = file;

  switch (format)
    {
      case ATTENTION_EXPORT_SVG:
        if (sentence != NULL)
          closure = attention_export_sentence_svg_stream (write_to_file, file, sentence, &write);
        surface = cairo_svg_surface_create_for_stream (write, closure, width, height);
        /* The stream lives as long as the surface. */
        if (closure != file)
          cairo_surface_set_user_data (surface, &stream_key, closure,
                                       attention_export_sentence_svg_stream_free);
        /* px, not Cairo's default pt, so viewers show it at the PNG's size. */
        cairo_svg_surface_set_document_unit (surface, CAIRO_SVG_UNIT_PX);
        return surface;
      case ATTENTION_EXPORT_PDF:
        surface = cairo_pdf_surface_create_for_stream (write_to_file, file, width, height);
        if (sentence != NULL)
          attention_export_sentence_set_pdf (surface, sentence);
        return surface;
      case ATTENTION_EXPORT_PNG:
      case ATTENTION_EXPORT_NPY:
      case ATTENTION_EXPORT_JSON:
      default:
        return cairo_image_surface_create (CAIRO_FORMAT_RGB24, (int)ceil (width),
                                           (int)ceil (height));
    }
}

void
attention_export_grey_scanlines (
    const guint8 *data, int stride, int width, int rows, guint8 *scanlines)
{
  for (int y = 0; y < rows; y++)
    {
      const guint32 *row = (const guint32 *)(gconstpointer)(data + (gsize)y * stride);
      guint8 *line = scanlines + (gsize)y * (width + 1);

      line[0] = 0;
      for (int x = 0; x < width; x++)
        line[x + 1] = (guint8)(row[x] >> 8);
    }
}

static cairo_status_t
append_bytes (void *closure, const unsigned char *data, unsigned int length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

/* The PNG in bytes to file, with sentence in its text chunk as the diagram
 * set records it (attention-export-png.c): right after IHDR, which the PNG
 * format puts first, at a fixed size (signature 8, chunk 12 + 13). */
static void
write_png_bytes (AttentionExportFile *file, GByteArray *bytes, const char *sentence)
{
  const guint ihdr_end = 8 + 12 + 13;
  g_autoptr (GByteArray) text = NULL;

  if (sentence == NULL || bytes->len < ihdr_end)
    {
      attention_export_file_write (file, bytes->data, bytes->len);
      return;
    }
  text = g_byte_array_new ();
  attention_png_append_text (text, ATTENTION_EXPORT_SENTENCE_KEY, sentence);
  attention_export_file_write (file, bytes->data, ihdr_end);
  attention_export_file_write (file, text->data, text->len);
  attention_export_file_write (file, bytes->data + ihdr_end, bytes->len - ihdr_end);
}

/* A grey picture goes through the fast 8-bit encoder the diagram set uses;
 * colour through Cairo's. */
static cairo_status_t
write_png (cairo_surface_t *surface, gboolean grey, const char *sentence, AttentionExportFile *file)
{
  g_autoptr (GByteArray) bytes = g_byte_array_new ();
  g_autofree guint8 *scanlines = NULL;
  cairo_status_t status;
  int width, height;

  if (!grey)
    {
      status = cairo_surface_write_to_png_stream (surface, append_bytes, bytes);
      if (status == CAIRO_STATUS_SUCCESS)
        write_png_bytes (file, bytes, sentence);
      return status;
    }

  cairo_surface_flush (surface);
  width = cairo_image_surface_get_width (surface);
  height = cairo_image_surface_get_height (surface);
  scanlines = g_malloc (attention_png_scanlines_size (width, height));
  attention_export_grey_scanlines (cairo_image_surface_get_data (surface),
                                   cairo_image_surface_get_stride (surface), width, height,
                                   scanlines);
  attention_png_encode_gray (bytes, scanlines, (guint)width, (guint)height);
  write_png_bytes (file, bytes, sentence);
  return CAIRO_STATUS_SUCCESS;
}

const char *
attention_export_surface_finish (cairo_surface_t *surface,
                                 AttentionExportFormat format,
                                 gboolean grey,
                                 const char *sentence,
                                 AttentionExportFile *file)
{
  cairo_status_t status = cairo_surface_status (surface);

  if (format == ATTENTION_EXPORT_SVG || format == ATTENTION_EXPORT_PDF)
    {
      cairo_surface_finish (surface);
      status = cairo_surface_status (surface);
    }
  else if (status == CAIRO_STATUS_SUCCESS)
    status = write_png (surface, grey, sentence, file);
  cairo_surface_destroy (surface);
  return status == CAIRO_STATUS_SUCCESS ? NULL : cairo_status_to_string (status);
}

gboolean
attention_export_picture (const char *path,
                          AttentionExportFormat format,
                          double width,
                          double height,
                          gboolean grey,
                          const char *sentence,
                          void (*draw) (cairo_t *cr, gpointer data),
                          gpointer data,
                          GError **error)
{
  AttentionExportFile *file = attention_export_file_open (path, error);
  cairo_surface_t *surface;
  cairo_t *cr;

  if (file == NULL)
    return FALSE;
  surface = attention_export_surface_new (file, format, width, height, sentence);
  cr = cairo_create (surface);
  draw (cr, data);
  cairo_destroy (cr);
  return attention_export_file_close (
      file, attention_export_surface_finish (surface, format, grey, sentence, file), error);
}
