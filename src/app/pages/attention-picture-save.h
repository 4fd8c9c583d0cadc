/* attention-picture-save.h: what the Lines and Neuron pages' "Save the
 * picture" dialogs share: the chosen file and its format, and the failure. */

#pragma once

#include <gtk/gtk.h>

#include "attention-export.h"

G_BEGIN_DECLS

/* The path the user accepted in dialog (which this unrefs), or NULL; *format
 * from the name's suffix (.svg, .pdf), anything else a PNG. */
char *
attention_picture_save_path (GtkNativeDialog *dialog, int response, AttentionExportFormat *format);

/* Says in a dialog over page's window that the picture was not saved, and why. */
void attention_picture_save_failed (GtkWidget *page, const GError *error);

G_END_DECLS
