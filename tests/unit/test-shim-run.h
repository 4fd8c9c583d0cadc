/* test-shim-run.h: one run of the shim for the tests that call it directly
 * (attn-shim.h); any error fails the test. */
#pragma once

#include <glib.h>

#include "attn-shim.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (attn_shim_output, attn_shim_output_free)

/* The outputs of shim on n ids, with the logits at n_positions positions. */
static inline attn_shim_output *
test_shim_run (
    attn_shim *shim, const gint64 *ids, gsize n, const gint64 *positions, gsize n_positions)
{
  attn_shim_run_params params = attn_shim_run_params_default ();
  attn_shim_output *output = NULL;
  char *error = NULL;

  params.ids = (const int64_t *)ids;
  params.n_ids = n;
  params.positions = (const int64_t *)positions;
  params.n_positions = n_positions;
  if (attn_shim_run (shim, &params, &output, &error) != 0)
    g_error ("attn_shim_run failed: %s", error);
  g_assert_null (error);
  g_assert_nonnull (output);
  return output;
}
