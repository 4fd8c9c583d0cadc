/* attention-export-surface.h: a picture drawn with Cairo into an export file
 * as PNG, SVG or PDF, sized in px (1 unit = 1 pixel = 1 pt). */
#pragma once

#include <cairo.h>

#include "attention-export-file.h"
#include "attention-export.h"

G_BEGIN_DECLS

/* A surface whose SVG or PDF goes into file as it is drawn; for PNG an image
 * of the size rounded up, encoded by attention_export_surface_finish. An SVG
 * or PDF records sentence (attention-export-sentence.h) unless it is NULL;
 * a PNG records what attention_export_surface_finish is given. */
cairo_surface_t *attention_export_surface_new (AttentionExportFile *file,
                                               AttentionExportFormat format,
                                               double width,
                                               double height,
                                               const char *sentence);

/* Ends the picture (a PNG: encoded and written, by the fast 8-bit encoder
 * when `grey` says only greys were drawn, with sentence in its text chunk
 * unless it is NULL) and destroys surface; returns the reason it failed, or
 * NULL. */
const char *attention_export_surface_finish (cairo_surface_t *surface,
                                             AttentionExportFormat format,
                                             gboolean grey,
                                             const char *sentence,
                                             AttentionExportFile *file);

/* One picture to path: draw (cr, data) on a width × height surface; it
 * records sentence (attention-export-sentence.h) unless it is NULL. */
gboolean attention_export_picture (const char *path,
                                   AttentionExportFormat format,
                                   double width,
                                   double height,
                                   gboolean grey,
                                   const char *sentence,
                                   void (*draw) (cairo_t *cr, gpointer data),
                                   gpointer data,
                                   GError **error);

/* Fills rows of PNG scanlines (filter byte 0, then a grey byte per pixel)
 * from the green channel of an RGB24 image whose pixels are all grey. */
void attention_export_grey_scanlines (
    const guint8 *data, int stride, int width, int rows, guint8 *scanlines);

G_END_DECLS
