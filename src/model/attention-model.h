/* attention-model.h: a loaded model bundle. Loading and running happen off the
 * caller's thread through GTask; runs on one model are serialised. */
#pragma once

#include <gio/gio.h>

#include "attention-model-info.h"
#include "attention-result.h"
#include "attention-run-options.h"
#include "attention-tokenizer.h"

G_BEGIN_DECLS

#define ATTENTION_MODEL_ERROR (attention_model_error_quark ())

typedef enum
{
  ATTENTION_MODEL_ERROR_LOAD,       /* file missing, unreadable, not a bundle, bad shapes */
  ATTENTION_MODEL_ERROR_CONFIG,     /* malformed config.json / vocab.txt */
  ATTENTION_MODEL_ERROR_NO_MASK,    /* text has no [MASK] (only when required) */
  ATTENTION_MODEL_ERROR_TOO_LONG,   /* more tokens than max positions */
  ATTENTION_MODEL_ERROR_INPUT,      /* invalid UTF-8 etc. */
  ATTENTION_MODEL_ERROR_RUN,        /* libtorch failed, or the bundle's code raised */
  ATTENTION_MODEL_ERROR_NOT_FINITE, /* the outputs hold NaN or infinity */
} AttentionModelError;

#define ATTENTION_TYPE_MODEL (attention_model_get_type ())
G_DECLARE_FINAL_TYPE (AttentionModel, attention_model, ATTENTION, MODEL, GObject)

GQuark attention_model_error_quark (void);

/* The whole text behind an ATTENTION_MODEL_ERROR whose message is one line
 * of it (a TorchScript traceback, for a bundle whose code raised), or NULL. */
const char *attention_model_error_get_details (const GError *error);

/* The bundled demo model: $ATTENTION_MODEL if set, else the installed one,
 * else the one in the source tree (for running uninstalled). */
char *attention_model_default_path (void);

/* OpenBLAS's own thread count, process-wide: sets it to n and returns the
 * count it had, or -1 when the BLAS is not OpenBLAS. Loads libtorch on first
 * use, which takes most of a second: call it from a worker thread. */
int attention_model_set_blas_threads (int n);

AttentionModel *attention_model_new_from_file (const char *path, GError **error);

typedef enum
{
  ATTENTION_MODEL_LOAD_DEFAULT = 0,
  /* For a process that runs once and leaves (attention-cli): no probe
   * forward at load, the dimensions come from config.json and the first run
   * checks them. A bundle that fails that first run is diagnosed as a load
   * would have done (same code and message). */
  ATTENTION_MODEL_LOAD_ONE_SHOT = 1 << 0,
  /* For a long-lived process (the window): after the first run, the weights
   * are copied out of the file's mapping in the background, so that the
   * bundle can be rewritten in place while the model is open. */
  ATTENTION_MODEL_LOAD_LONG_LIVED = 1 << 1,
} AttentionModelLoadFlags;

AttentionModel *attention_model_new_from_file_full (const char *path,
                                                    AttentionModelLoadFlags flags,
                                                    GError **error);
void attention_model_new_from_file_async (const char *path,
                                          GCancellable *cancellable,
                                          GAsyncReadyCallback callback,
                                          gpointer user_data);
AttentionModel *attention_model_new_from_file_finish (GAsyncResult *result, GError **error);

const char *attention_model_get_path (AttentionModel *self);
const AttentionModelInfo *attention_model_get_info (AttentionModel *self);
AttentionTokenizer *attention_model_get_tokenizer (AttentionModel *self);
/* TEXT's tokens as the model reads them, each in the form the app shows
 * (a byte-level BPE token "Ġword" as "␣word"). */
BertEncoding *
attention_model_encode (AttentionModel *self, const char *text, gssize len, GError **error);
/* The token of an id as shown, or NULL outside the vocabulary. */
const char *attention_model_get_token (AttentionModel *self, guint id);
/* For a model whose mask token is not [MASK]: the note that TEXT's [MASK]
 * is read as it, once per text that has one; NULL otherwise. */
char *attention_model_mask_note (AttentionModel *self, const char *text);
/* The bundle's config.json as stored (not NUL-terminated: use len). */
const char *attention_model_get_config_json (AttentionModel *self, gsize *len);

/* Tokenizes and runs text; top_k candidates for every [MASK] (none → no
 * predictions, not an error). */
AttentionResult *attention_model_run (
    AttentionModel *self, const char *text, guint top_k, GCancellable *cancellable, GError **error);
void attention_model_run_async (AttentionModel *self,
                                const char *text,
                                guint top_k,
                                GCancellable *cancellable,
                                GAsyncReadyCallback callback,
                                gpointer user_data);
AttentionResult *
attention_model_run_finish (AttentionModel *self, GAsyncResult *result, GError **error);

/* Tokenizes and runs text with options (attention-run-options.h). An option
 * the model cannot provide (a foreign TorchScript file) fails with
 * ATTENTION_MODEL_ERROR_RUN, "this model does not expose …". */
AttentionResult *attention_model_run_with_options (AttentionModel *self,
                                                   const char *text,
                                                   const AttentionRunOptions *options,
                                                   GCancellable *cancellable,
                                                   GError **error);
/* Finish with attention_model_run_finish. The options are copied. */
void attention_model_run_with_options_async (AttentionModel *self,
                                             const char *text,
                                             const AttentionRunOptions *options,
                                             GCancellable *cancellable,
                                             GAsyncReadyCallback callback,
                                             gpointer user_data);

/* n_texts texts run as one padded batch (an attention mask keeps each
 * sequence to itself): one AttentionResult each, in order, in a GPtrArray
 * that owns them. pairs: NULL, or n_texts second sentences (each may be
 * NULL); NULL takes the options' pair for every text. head_masks: NULL, or
 * n_texts blocks of n_layers × n_heads, one per text (as many runs of one
 * text with different heads off, for head importance); NULL takes the
 * options' mask for every text. The whole batch fails if one text does
 * (too long, invalid UTF-8: the message names it). */
GPtrArray *attention_model_run_batch (AttentionModel *self,
                                      const char *const *texts,
                                      const char *const *pairs,
                                      guint n_texts,
                                      const float *head_masks,
                                      const AttentionRunOptions *options,
                                      GCancellable *cancellable,
                                      GError **error);

G_END_DECLS
