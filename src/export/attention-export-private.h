/* attention-export-private.h: test hooks for the exporter */
#pragma once

#include "attention-export.h"

G_BEGIN_DECLS

/* Makes the write of every file after the first `after` successful ones fail
 * with errno `error_code` (e.g. ENOSPC), as a full disk would, after part of
 * the file has been written. after = -1 turns it off. Tests only. */
void attention_export_inject_write_failure (int after, int error_code);

/* For every file the exporters begin: the errno the injected failure strikes
 * this one with, or 0 for none. */
int attention_export_inject_begin_file (void);

G_END_DECLS
