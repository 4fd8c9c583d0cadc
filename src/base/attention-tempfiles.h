/* attention-tempfiles.h: the hidden temporary files an export is writing
 * (".Attention_Layer1_Head1.png.XXXXXX", renamed into place when complete),
 * kept where a signal handler can remove them: a fixed table of paths, read
 * with async-signal-safe calls only. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Remembers path until attention_tempfiles_forget; returns its slot, or -1
 * when the table is full (the file is then only not cleaned up on a signal). */
int attention_tempfiles_remember (const char *path);
void attention_tempfiles_forget (int slot);

/* Creates (O_EXCL, mode 0644) a hidden temporary file beside target,
 * ".NAME.XXXXXX", remembered before it exists, so that a signal at any moment
 * finds it. Returns the open descriptor (O_WRONLY | O_CLOEXEC), *tmp_path
 * (free it) and *slot (for attention_tempfiles_forget); -1 with errno set on
 * failure. */
int attention_tempfiles_create (const char *target, char **tmp_path, int *slot);

/* Unlinks every remembered file. Async-signal-safe. */
void attention_tempfiles_remove_all (void);

/* SIGINT and SIGTERM (and SIGHUP) remove the remembered files and end the
 * process with 128 + the signal's number (130, 143, 129), as a shell reports
 * a process killed by it. For the command line; the app leaves through its
 * main loop. */
void attention_tempfiles_install_signal_handlers (void);

G_END_DECLS
