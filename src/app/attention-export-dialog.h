/* attention-export-dialog.h: Export (Ctrl+E): one dialog that chooses what
 * to export — every kind of attention-export-registry.h — and into which
 * folder. It only asks; the window runs the export (progress and Cancel). */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define ATTENTION_TYPE_EXPORT_DIALOG (attention_export_dialog_get_type ())
G_DECLARE_FINAL_TYPE (
    AttentionExportDialog, attention_export_dialog, ATTENTION, EXPORT_DIALOG, AdwWindow)

/* target: the id of a kind to preselect; folder: the folder to offer (a
 * path). */
AttentionExportDialog *
attention_export_dialog_new (GtkWindow *parent, const char *target, const char *folder);

const char *attention_export_dialog_get_target (AttentionExportDialog *self);
/* FALSE for an id that is not in the list. */
gboolean attention_export_dialog_set_target (AttentionExportDialog *self, const char *target);
void attention_export_dialog_set_folder (AttentionExportDialog *self, const char *folder);

/* As the Export button: emits ::export (target id, folder path) and closes. */
void attention_export_dialog_export (AttentionExportDialog *self);

G_END_DECLS
