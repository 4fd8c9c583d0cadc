/* attention-error-dialog.h: a failure, told whole. Toasts cut long messages
 * off ("Could not create “/tmp/x/Attention_Laye…") and vanish; a failure's
 * reason (read-only folder, full disk, the exception a bundle raised) needs
 * room and stays until read. libadwaita 1.2 has no AdwBanner: an
 * AdwMessageDialog with the reason as its body and, when there is more (a
 * TorchScript traceback), the full text behind a Details expander. */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* Presents the dialog, transient for and modal to parent, and returns it (not
 * owned: it closes itself). heading: what failed ("Could Not Run the
 * Sentence"); message: why, in full; details: may be NULL. */
AdwMessageDialog *attention_error_dialog_present (GtkWindow *parent,
                                                  const char *heading,
                                                  const char *message,
                                                  const char *details);

/* Asks what to do with diagrams of an earlier, bigger set in the folder an
 * export is about to write into: callback gets TRUE for "Replace the Set"
 * (delete them), FALSE for "Keep Them"; not called when the user cancels
 * (Escape). */
typedef void (*AttentionStaleCallback) (gboolean replace, gpointer user_data);

void attention_error_dialog_ask_stale (GtkWindow *parent,
                                       const char *dir,
                                       char *const *stale,
                                       guint n_layers,
                                       guint n_heads,
                                       AttentionStaleCallback callback,
                                       gpointer user_data,
                                       GDestroyNotify destroy);

G_END_DECLS
