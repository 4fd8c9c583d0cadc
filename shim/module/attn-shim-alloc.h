/* attn-shim-alloc.h: libtorch's CPU allocator for this process, with large
 * buffers on transparent huge pages. Internal to the shim. */
#pragma once

/* Installs it once (before the first load): later calls do nothing. With
 * ATTN_SHIM_ALLOCATOR=default in the environment, libtorch's own allocator
 * stays (for bench/bench-model's comparison); ATTN_SHIM_LARGE_BYTES=N (at
 * least 4096) maps buffers from N bytes on instead of 32 MiB (for the tests). */
void attn_shim_alloc_install (void);
