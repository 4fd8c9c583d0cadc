/* attn-spm-module.h: the table of functions the SentencePiece module
 * (attn-spm.cpp, libattention-spm.so) hands to attn-spm-loader.c.
 *
 * Why a module: Debian's libsentencepiece carries its own copy of
 * protobuf-lite, whose symbols, once in the program's global scope,
 * interpose on libprotobuf.so.32's when libtorch loads it (the process
 * crashed in protobuf's start-up). Opened with RTLD_LOCAL, like the libtorch
 * shim, each keeps its own protobuf. */
#pragma once

#include "attn-spm.h"

#ifdef __cplusplus
extern "C"
{
#endif

#define ATTN_SPM_MODULE_NAME "libattention-spm.so"
#define ATTN_SPM_MODULE_SYMBOL "attn_spm_module_get_api"
#define ATTN_SPM_MODULE_ABI 1

  typedef struct
  {
    int abi; /* ATTN_SPM_MODULE_ABI */
    AttnSpm *(*load) (const char *data, size_t len, char **error);
    void (*free) (AttnSpm *spm);
    int (*size) (const AttnSpm *spm);
    const char *(*piece) (const AttnSpm *spm, int id);
    int (*is_control) (const AttnSpm *spm, int id);
    int (*unk_id) (const AttnSpm *spm);
    AttnSpmPiece *(*encode) (
        const AttnSpm *spm, const char *text, size_t len, size_t *n_pieces, char **error);
  } AttnSpmModuleApi;

  typedef const AttnSpmModuleApi *(*AttnSpmModuleGetApi) (void);

#ifdef __cplusplus
}
#endif
