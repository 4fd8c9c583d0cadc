/* attention-export-sentence.h: the sentence a diagram records, so that a
 * later export into its folder can tell its own set from another sentence's
 * and ask before replacing it. Each format keeps it where its readers look
 * for a description: PNG in its "Description" text chunk
 * (ATTENTION_EXPORT_SENTENCE_KEY), SVG in the <desc> of its root <svg>
 * element, PDF as the Subject of its document information dictionary.
 * Cairo only, no GTK. */
#pragma once

#include <cairo.h>
#include <glib.h>

#include "attention-export.h"

G_BEGIN_DECLS

/* For an SVG surface made by cairo_svg_surface_create_for_stream: wraps its
 * write function so that <desc>sentence</desc> follows the <svg> start tag.
 * Returns the closure to pass to cairo with *write_out, freed with
 * attention_export_sentence_svg_stream_free once the surface is finished. */
gpointer attention_export_sentence_svg_stream (cairo_write_func_t write,
                                               gpointer closure,
                                               const char *sentence,
                                               cairo_write_func_t *write_out);
void attention_export_sentence_svg_stream_free (gpointer stream);

/* For a PDF surface: the sentence as the document's Subject. */
void attention_export_sentence_set_pdf (cairo_surface_t *surface, const char *sentence);

/* The sentence the file at path records in its format's place (PNG, SVG or
 * PDF), or NULL when it records none or cannot be read. */
char *attention_export_sentence_read (const char *path, AttentionExportFormat format);

/* A PDF string object at the start of text (literal "(…)" with its escapes,
 * or hex "<…>") as UTF-8: UTF-16BE after a FE FF byte order mark, UTF-8
 * after EF BB BF, else PDFDocEncoding, read as Latin-1. NULL when text does
 * not start with a string. */
char *attention_export_sentence_pdf_string (const char *text, gsize len);

G_END_DECLS
