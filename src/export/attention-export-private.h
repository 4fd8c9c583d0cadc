/* attention-export-private.h: test hooks for the exporters */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Makes the write of every file after the first `after` successful ones fail
 * with errno `error_code` (e.g. ENOSPC), as a full disk would, after part of
 * the file has been written. after = -1 turns it off. Tests only. */
void attention_export_inject_write_failure (int after, int error_code);

G_END_DECLS
