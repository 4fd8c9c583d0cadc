/* attention-export-vector.c: SVG and PDF diagrams (see the header) */

#include "attention-export-vector.h"

#include <cairo-pdf.h>
#include <glib/gi18n.h>

#include "attention-export-file.h"
#include "attention-export-heads.h"
#include "attention-export-names.h"
#include "attention-export-surface.h"
#include "attention-render.h"

/* Every head in one PDF. */
#define PAGES_NAME "attention.pdf"

typedef struct
{
  AttentionRenderStyle style;
  const float *matrix;
  guint n;
  const char *const *tokens;
} Diagram;

static void
diagram_init (Diagram *d, AttentionResult *result, guint layer, guint head, const char *caption)
{
  attention_render_style_init_export (&d->style);
  d->style.caption = caption;
  d->style.vector_cells = TRUE;
  d->style.hatch_from = attention_result_get_hatch_from (result);
  d->matrix = attention_result_get_matrix (result, layer, head);
  d->n = attention_result_get_n_tokens (result);
  d->tokens = attention_result_get_tokens (result);
}

static void
diagram_size (const Diagram *d, double *width, double *height)
{
  attention_render_get_size (&d->style, d->n, width, height);
}

static void
draw_diagram (cairo_t *cr, gpointer data)
{
  Diagram *d = data;

  attention_render_matrix (cr, &d->style, d->matrix, d->n, d->tokens);
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
  Diagram d;
  double width, height;

  diagram_init (&d, request->result, layer, head, caption);
  diagram_size (&d, &width, &height);
  return attention_export_picture (path, request->format, width, height, TRUE,
                                   attention_result_get_text (request->result), draw_diagram, &d,
                                   error);
}

gboolean
attention_export_pdf_pages (const AttentionExportRequest *request, const char *path, GError **error)
{
  AttentionResult *result = request->result;
  guint n_layers, n_heads, total, done = 0;
  AttentionExportFile *file;
  cairo_surface_t *surface;
  const char *failure;
  cairo_t *cr;

  g_return_val_if_fail (ATTENTION_IS_RESULT (result), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  n_layers = attention_result_get_n_layers (result);
  n_heads = attention_result_get_n_heads (result);
  total = n_layers * n_heads;
  file = attention_export_file_open (path, error);
  if (file == NULL)
    return FALSE;

  /* Each page gets its own size below. */
  surface = attention_export_surface_new (file, ATTENTION_EXPORT_PDF, 100, 100,
                                          attention_result_get_text (result));
  cr = cairo_create (surface);
  for (guint k = 0; k < total; k++)
    {
      g_autofree char *caption = NULL;
      guint layer = k / n_heads, head = k % n_heads;
      double width, height;
      Diagram d;

      if (g_cancellable_is_cancelled (request->cancellable) || attention_export_file_failed (file))
        break;
      caption = attention_export_caption (result, layer, &head, 1, request->model_name);
      diagram_init (&d, result, layer, head, caption);
      diagram_size (&d, &width, &height);
      cairo_pdf_surface_set_size (surface, width, height);
      draw_diagram (cr, &d);
      cairo_show_page (cr);
      done++;
      if (request->progress != NULL)
        request->progress (done, total, request->progress_data);
    }
  cairo_destroy (cr);
  failure = attention_export_surface_finish (surface, ATTENTION_EXPORT_PDF, TRUE, NULL, file);
  if (done < total && failure == NULL && !attention_export_file_failed (file))
    {
      /* Cancelled: no partial file is left. */
      attention_export_file_discard (file);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                   _ ("Cancelled after %u of %u pages of “%s”."), done, total, path);
      return FALSE;
    }
  return attention_export_file_close (file, failure, error);
}

gboolean
attention_export_pdf_pages_set (const AttentionExportRequest *request,
                                guint *n_written,
                                GError **error)
{
  g_autofree char *path = g_build_filename (request->dir, PAGES_NAME, NULL);
  gboolean ok = attention_export_pdf_pages (request, path, error);

  if (n_written != NULL)
    *n_written = ok ? 1 : 0;
  return ok;
}

gboolean
attention_export_vector_set (const AttentionExportRequest *request,
                             guint *n_written,
                             GError **error)
{
  static const AttentionExportHeads heads = {
    .file_name = attention_export_file_name,
    .write = write_head,
  };
  AttentionExportRequest pages = *request;
  g_autofree char *path = NULL;
  guint done = 0, total;
  gboolean ok;

  ok = attention_export_heads (request, &heads, &done, error);
  if (ok && request->format == ATTENTION_EXPORT_PDF)
    {
      /* The pages after the set, without a progress of their own. */
      pages.progress = NULL;
      path = g_build_filename (request->dir, PAGES_NAME, NULL);
      ok = attention_export_pdf_pages (&pages, path, error);
      if (ok)
        done++;
      else
        {
          total = attention_result_get_n_layers (request->result) *
                  attention_result_get_n_heads (request->result);
          /* Every failure says how much of the set is on disk. */
          g_prefix_error (error, _ ("Wrote %u of %u files to “%s”: "), done, total + 1,
                          request->dir);
        }
    }
  if (n_written != NULL)
    *n_written = done;
  return ok;
}
