/* attention-run-options.c: see attention-run-options.h */

#include "attention-run-options.h"

#include <string.h>

void
attention_run_options_init (AttentionRunOptions *options)
{
  g_return_if_fail (options != NULL);
  memset (options, 0, sizeof *options);
  options->top_k = 3;
}
