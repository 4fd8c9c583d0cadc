/* attn-shim-zip.h: torch::jit::load over a mapped, checked bundle (attn-zip.h)
 * whose tensors keep their bytes in the mapping. Internal to the shim. */
#pragma once

#include <torch/script.h>

#include "attn-zip.h"

/* Loads the module in zip. Every stored tensor record is used where it lies
 * in the mapping (no copy, no fresh pages); the rest is read as libtorch
 * always reads it. Throws what torch::jit::load throws. */
torch::jit::Module attn_shim_zip_load (attn_zip *zip, torch::jit::ExtraFilesMap &extra);
